// How long the station's event loop was held: what issues 11 and 13 ask about (devices and /healthz answered
// throughout), measured inside the process rather than as an operation's wall time.

/** The largest lateness of a 10 ms interval timer while `work` runs. */
export async function loopLateness<T>(work: () => Promise<T>): Promise<{ value: T; lateMs: number }> {
  const periodMs = 10;
  let last = performance.now();
  let lateMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    lateMs = Math.max(lateMs, now - last - periodMs);
    last = now;
  }, periodMs);
  try {
    const value = await work();
    lateMs = Math.max(lateMs, performance.now() - last - periodMs);
    return { value, lateMs };
  } finally {
    clearInterval(timer);
  }
}

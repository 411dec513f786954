/**
 * Collects items and hands them over at most once per animation frame (or per `minIntervalMs`), so a burst of
 * thousands of live events costs one state update per frame instead of one render per event.
 */
export function createFrameBatcher<T>(flush: (items: T[]) => void, minIntervalMs: () => number = () => 0) {
  let queue: T[] = [];
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;

  const run = () => {
    frame = 0;
    timer = undefined;
    last = performance.now();
    const items = queue;
    queue = [];
    if (items.length) flush(items);
  };
  const schedule = () => {
    if (frame || timer) return;
    const wait = minIntervalMs() - (performance.now() - last);
    // Hidden tabs get no animation frames; a timer keeps the data current for when the tab comes back.
    if (wait > 0 || document.visibilityState === 'hidden') timer = setTimeout(run, Math.max(wait, 50));
    else frame = requestAnimationFrame(run);
  };

  return {
    push(item: T) {
      queue.push(item);
      schedule();
    },
    cancel() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      frame = 0;
      timer = undefined;
      queue = [];
    },
  };
}

/**
 * Wrong onboarding secrets per source address, across tokens: the per-token lock stops guessing one token's PIN,
 * this stops one host walking through many tokens. Kept in memory: a restart forgiving a guesser costs little,
 * because every token still locks by itself.
 */
export function createSourceThrottle(options: { limit?: number; windowMs?: number } = {}) {
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const failures = new Map<string, number[]>();

  function recent(address: string, now: number): number[] {
    const list = (failures.get(address) ?? []).filter((t) => now - t < windowMs);
    if (list.length) failures.set(address, list);
    else failures.delete(address);
    return list;
  }

  return {
    blocked: (address: string | null, now: number) => address !== null && recent(address, now).length >= limit,
    fail(address: string | null, now: number): void {
      if (address === null) return;
      const list = recent(address, now);
      list.push(now);
      failures.set(address, list);
    },
  };
}

/**
 * Long work on the station's one event loop (a list of 100,000 devices, an export bundle of tens of MB) is cut into
 * pieces with a turn of the loop between them: devices provisioning meanwhile and /healthz are answered within a
 * piece's time, not after the whole. setImmediate runs after pending I/O, so everything waiting gets its turn.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long a piece of work may hold the loop before it gives a turn (well under /healthz's 100 ms). */
export const turnMs = 8;

/** Tracks time since the last turn: `await turns.maybe()` between pieces gives one once `turnMs` have gone by. */
export function createTurns(): { maybe(): Promise<void> | undefined } {
  let since = performance.now();
  return {
    maybe() {
      if (performance.now() - since < turnMs) return undefined;
      return nextTurn().then(() => {
        since = performance.now();
      });
    },
  };
}

/**
 * Reads a long list a page at a time (keyset paging on a rising id), with a turn of the loop between pages: one SQL
 * read of 100,000 rows held the loop for seconds. `read(afterId, limit)` gives the rows after `afterId` (undefined:
 * from the start), oldest first. Rows added or removed meanwhile show or not, as in any live list.
 */
export async function readInPages<T>(read: (afterId: number | undefined, limit: number) => T[], idOf: (row: T) => number, limit = Number.POSITIVE_INFINITY, pageSize = 2000): Promise<T[]> {
  const rows: T[] = [];
  let afterId: number | undefined;
  while (rows.length < limit) {
    const want = Math.min(pageSize, limit - rows.length);
    const page = read(afterId, want);
    for (const row of page) rows.push(row);
    if (page.length < want) break;
    afterId = idOf(page.at(-1)!);
    await nextTurn();
  }
  return rows;
}

/**
 * Runs one piece of work at a time and refuses another meanwhile (`busy()` says why). Built in pieces, a big piece of
 * work no longer holds the loop, so a second could start meanwhile: export bundles of 100 MB of objects each, at once
 * or queued, are memory the station should not need (npm run fuzz sent 16 at a time: RSS passed 450 MB, and queued
 * exports went on being built for clients long gone).
 */
export function oneAtATime(busy: () => Error): <T>(work: () => Promise<T>) => Promise<T> {
  let running = false;
  return async (work) => {
    if (running) throw busy();
    running = true;
    try {
      return await work();
    } finally {
      running = false;
    }
  };
}

import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and dropped before the answer goes out anyway, and for how long at most. */
export interface DrainBound {
  bytes: number;
  ms: number;
}

/**
 * Enough for a device that sends a few megabytes outright on a slow LAN; a client streaming more (or for longer) gets
 * its answer then, and the connection closes under it.
 */
export const refusedBodyBound: DrainBound = { bytes: 16 * 1024 * 1024, ms: 5000 };

/**
 * Calls `answer` once the rest of a refused request's body has come (read and dropped), or at the bound. A device
 * that sends its body without `Expect: 100-continue` writes all of it before it reads: a server that answers and
 * closes while the body is still arriving closes a socket with unread data, the kernel resets the connection, and
 * the device's next write fails (EPIPE, curl's exit 55) instead of it reading the answer. nginx's lingering_close
 * exists for the same reason. Call it after the body reader resumed the request (read-body.ts does).
 */
export function afterBody(req: IncomingMessage, answer: () => void, bound: DrainBound = refusedBodyBound): void {
  if (req.complete || req.destroyed) {
    answer();
    return;
  }
  let left = bound.bytes;
  let answered = false;
  const finish = (): void => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    req.off('data', count);
    req.off('end', finish);
    req.off('close', finish);
    answer();
  };
  const count = (chunk: Buffer): void => {
    left -= chunk.length;
    if (left <= 0) finish();
  };
  const timer = setTimeout(finish, bound.ms);
  timer.unref();
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}

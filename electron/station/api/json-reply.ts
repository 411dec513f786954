import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { jsonPieces } from '../json-pieces.ts';
import { nextTurn } from '../loop-turns.ts';

/**
 * Writes a JSON reply without holding the station's event loop. JSON.stringify of one list reply of 100,000 devices
 * (30 MB) ran 1-2 s in one go, and meanwhile no device was provisioned and /healthz went unanswered (found by npm
 * run fuzz: a sync.bundle.export reply of 12 MB held /healthz for 2-5 s). Here the text is made in pieces
 * (json-pieces.ts), sent in chunks as the client takes them (write's backpressure), with a turn of the loop between
 * chunk. A reply that fits in one chunk goes out as before, with its Content-Length; a longer one is chunked
 * (Transfer-Encoding: chunked, which every HTTP/1.1 client reads).
 */

/** Characters gathered before a write. */
const chunkChars = 64 * 1024;

export interface JsonReplyOptions {
  /** A client that takes none of its reply for this long is cut off (the reply would otherwise stay in memory). */
  stalledMs: number;
}

/** Sends `body` as JSON with `headers`; resolves once it is handed to the socket (or the client went away). */
export async function writeJsonReply(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: unknown, options: JsonReplyOptions): Promise<void> {
  let text = '';
  let started = false;
  for (const piece of jsonPieces(body)) {
    text += piece;
    if (text.length < chunkChars) continue;
    if (!started) {
      res.writeHead(status, headers);
      started = true;
    }
    const flowing = res.write(text);
    text = '';
    if (!flowing) await drained(res, options.stalledMs);
    // And a turn after every chunk (a few hundred for 30 MB, each costing microseconds): everything waiting goes
    // first. Waiting for 'drain' alone is not one: a write to a loopback socket often completes at once, and 'drain'
    // then comes on process.nextTick, before any I/O.
    await nextTurn();
    if (res.destroyed) return;
  }
  if (!started) res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Until the client has taken what was written, it went away, or it stalled past `stalledMs` (then it is cut). */
function drained(res: ServerResponse, stalledMs: number): Promise<void> {
  // A client gone before the write ('close' already emitted) would otherwise hold the reply until the stall timer.
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(() => {
      res.destroy();
      done();
    }, stalledMs);
    res.on('drain', done);
    res.on('close', done);
  });
}

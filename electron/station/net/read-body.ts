import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body up to `limit` bytes; beyond it rejects early instead of buffering an attacker's megabytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readBodyInto(req, limit, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/**
 * The same, handing each chunk to `sink` as it arrives (work done per chunk is spread over the turns of the event
 * loop in which the body comes in); resolves with the body's size once it has all come.
 */
export function readBodyInto(req: IncomingMessage, limit: number, sink: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new BodyTooLargeError(limit));
    }
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      sink(chunk);
    });
    req.on('end', () => resolve(size));
    req.on('error', reject);
  });
}

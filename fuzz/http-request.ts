import { mutateBytes } from './mutate-bytes.ts';
import type { TcpOutcome } from './raw-io.ts';
import type { Rng } from './rng.ts';

// Raw HTTP/1.1 requests with damaged framing: the device API and the admin API share these.

export interface RequestSpec {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
}

/** Serializes `spec`, damaging headers and framing with probability `damage`. Returns the chunks to write. */
export function encodeRequest(rng: Rng, spec: RequestSpec, damage: number): Buffer[] {
  const headers = [...spec.headers];
  let body = spec.body;
  let version = 'HTTP/1.1';
  let eol = '\r\n';
  const framing = rng.chance(damage) ? rng.int(12) : -1;
  switch (framing) {
    case 0:
      headers.push(['Content-Length', String(body.length + rng.range(1, 5000))]); // announces more than it sends
      break;
    case 1:
      headers.push(['Content-Length', String(Math.max(0, body.length - rng.range(1, 20)))]);
      break;
    case 2:
      headers.push(['Content-Length', rng.pick(['-1', 'abc', '1e3', '0x10', '99999999999999999999', ' 5', '5, 6', ''])]);
      break;
    case 3:
      headers.push(['Content-Length', String(body.length)], ['Content-Length', String(body.length + 1)]);
      break;
    case 4:
      headers.push(['Transfer-Encoding', 'chunked']);
      body = chunked(rng, body, rng.chance(0.5));
      break;
    case 5:
      headers.push(['Transfer-Encoding', 'chunked'], ['Content-Length', String(body.length)]);
      body = chunked(rng, body, false);
      break;
    case 6:
      headers.push(['Expect', '100-continue'], ['Content-Length', String(rng.chance(0.5) ? body.length : 10_000_000)]);
      break;
    case 7:
      version = rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1x', 'http/1.1', '']);
      headers.push(['Content-Length', String(body.length)]);
      break;
    case 8:
      eol = '\n';
      headers.push(['Content-Length', String(body.length)]);
      break;
    case 9: {
      // An oversized header block (Node's limit is 16 KB: 431), or very many headers.
      const big = rng.chance(0.5);
      if (big) headers.push(['X-Big', 'a'.repeat(rng.range(8000, 40_000))]);
      else for (let i = 0; i < rng.range(50, 2000); i++) headers.push([`X-H${i}`, 'v']);
      headers.push(['Content-Length', String(body.length)]);
      break;
    }
    case 10:
      headers.push([rng.pick(['Content-Type', 'X-Bad\u0000', 'Bad Header', ':', 'Host']), rng.pick(['\u0000', 'a\rb', '\u00ff', 'é', ''])]);
      headers.push(['Content-Length', String(body.length)]);
      break;
    case 11:
      headers.push(['Content-Length', String(body.length)]);
      headers.push(['Content-Type', rng.pick(['text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'application/x-www-form-urlencoded', '*/*'])]);
      break;
    default:
      headers.push(['Content-Length', String(body.length)]);
  }
  const head = `${spec.method} ${spec.path} ${version}${eol}${headers.map(([k, v]) => `${k}: ${v}`).join(eol)}${eol}${eol}`;
  let bytes: Buffer = Buffer.concat([Buffer.from(head, 'latin1'), body]);
  if (rng.chance(damage / 3)) bytes = mutateBytes(rng, bytes, bytes.length + 64);
  if (rng.chance(damage / 3)) bytes = bytes.subarray(0, rng.int(bytes.length)); // truncated
  return split(rng, bytes);
}

function chunked(rng: Rng, body: Buffer, broken: boolean): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const n = Math.min(body.length - at, rng.range(1, 4096));
    const size = broken && rng.chance(0.3) ? rng.pick(['zz', '-1', 'ffffffffffff', '']) : n.toString(16);
    parts.push(Buffer.from(`${size}\r\n`), body.subarray(at, at + n), Buffer.from('\r\n'));
    at += n;
  }
  if (!(broken && rng.chance(0.5))) parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** Splits bytes into up to 4 writes at random points. */
export function split(rng: Rng, bytes: Buffer): Buffer[] {
  if (bytes.length < 2 || rng.chance(0.6)) return [bytes];
  const cuts = [...new Set(Array.from({ length: rng.range(1, 3) }, () => rng.range(1, bytes.length - 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** The status code of the first response in `reply`, or null if it is not HTTP. */
export function statusOf(reply: Buffer): number | null {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply.subarray(0, 16).toString('latin1'));
  return m ? Number(m[1]) : null;
}

/** The body of the first response (assumes Content-Length framing, as both servers send). */
export function bodyOf(reply: Buffer): string {
  const text = reply.toString('utf8');
  const at = text.indexOf('\r\n\r\n');
  return at === -1 ? '' : text.slice(at + 4);
}

export const hangAfterMs = 10_000;

/** A TCP outcome as a verdict class: the status code, `closed` or `silent`. */
export function classOf(outcome: TcpOutcome): string {
  const status = statusOf(outcome.reply);
  if (status !== null) return String(status);
  if (outcome.refused) return 'refused';
  return outcome.reply.length ? 'not-http' : 'closed';
}

// A minimal CoAP message encoder (RFC 7252 §3) that can also write what RFC 7252 forbids: option delta or length 15,
// token lengths 9–15, a payload marker with no payload, options out of order.

export interface CoapOption {
  number: number;
  value: Buffer;
}

export interface CoapMessage {
  /** 0 CON, 1 NON, 2 ACK, 3 RST. */
  type: number;
  /** Class and detail as one byte: 0.02 POST is 0x02. */
  code: number;
  messageId: number;
  token: Buffer;
  /** Sorted by number unless `unsorted`. */
  options: CoapOption[];
  payload?: Buffer;
  /** Overrides: version (default 1), TKL nibble, a payload marker without payload, options kept unsorted. */
  version?: number;
  tkl?: number;
  emptyPayloadMarker?: boolean;
  unsorted?: boolean;
  /** Writes this raw nibble pair as the first option header byte (delta 15 / length 15). */
  rawOptionHeader?: number;
}

function ext(n: number): { nibble: number; bytes: number[] } {
  if (n < 13) return { nibble: n, bytes: [] };
  if (n < 269) return { nibble: 13, bytes: [n - 13] };
  const v = Math.min(n - 269, 0xffff);
  return { nibble: 14, bytes: [v >> 8, v & 0xff] };
}

export function encodeCoap(m: CoapMessage): Buffer {
  const header = Buffer.from([
    ((m.version ?? 1) << 6) | ((m.type & 3) << 4) | ((m.tkl ?? m.token.length) & 0x0f),
    m.code & 0xff,
    (m.messageId >> 8) & 0xff,
    m.messageId & 0xff,
  ]);
  const parts: Buffer[] = [header, m.token];
  if (m.rawOptionHeader !== undefined) parts.push(Buffer.from([m.rawOptionHeader]));
  const options = m.unsorted ? m.options : [...m.options].sort((a, b) => a.number - b.number);
  let last = 0;
  for (const o of options) {
    const delta = ext(Math.max(0, o.number - last));
    const length = ext(o.value.length);
    parts.push(Buffer.from([(delta.nibble << 4) | length.nibble, ...delta.bytes, ...length.bytes]), o.value);
    last = o.number;
  }
  if (m.payload?.length || m.emptyPayloadMarker) parts.push(Buffer.from([0xff]), m.payload ?? Buffer.alloc(0));
  return Buffer.concat(parts);
}

/** An unsigned integer option value in the fewest bytes (RFC 7252 §3.2). */
export function uint(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from(bytes);
}

export const uriPath = (path: string): CoapOption[] =>
  path
    .split('/')
    .filter(Boolean)
    .map((segment) => ({ number: 11, value: Buffer.from(segment) }));

/** Block1/Block2 value: NUM, M, SZX (RFC 7959 §2.2). */
export const block = (num: number, more: boolean, szx: number) => uint(num * 16 + (more ? 8 : 0) + (szx & 7));

/** The response code of a reply, as `c.dd`, or null if it is too short to be CoAP. */
export function codeOf(reply: Buffer): string | null {
  if (reply.length < 4) return null;
  const code = reply[1]!;
  return `${code >> 5}.${String(code & 0x1f).padStart(2, '0')}`;
}

/** The payload of a well-formed reply (after the 0xFF marker), or an empty buffer. */
export function payloadOf(reply: Buffer): Buffer {
  let at = 4 + (reply[0]! & 0x0f);
  while (at < reply.length) {
    const byte = reply[at]!;
    if (byte === 0xff) return reply.subarray(at + 1);
    let delta = byte >> 4;
    let length = byte & 0x0f;
    at++;
    if (delta === 13) at += 1;
    else if (delta === 14) at += 2;
    if (length === 13) length = reply[at++]! + 13;
    else if (length === 14) {
      length = reply.readUInt16BE(at) + 269;
      at += 2;
    }
    delta = 0;
    at += length;
  }
  return Buffer.alloc(0);
}

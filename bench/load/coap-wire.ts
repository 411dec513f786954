/**
 * The CoAP messages (RFC 7252) of a provisioning exchange, encoded by hand so the load generator spends nothing on
 * a client library: a confirmable POST /api/v1/provision and the answers it may get.
 */

/** §3: message types. */
export const coapType = { confirmable: 0, nonConfirmable: 1, ack: 2, reset: 3 } as const;
/** §12.1.2: codes as the byte on the wire, class << 5 | detail. */
export const coapCode = { empty: 0x00, post: 0x02, created: 0x41, badRequest: 0x80 } as const;

// §3.1 options, delta-encoded: Uri-Path (11) "api", "v1", "provision"; Content-Format (12) = 50, application/json.
const provisionOptions = Buffer.from([
  0xb3,
  ...Buffer.from('api'),
  0x02,
  ...Buffer.from('v1'),
  0x09,
  ...Buffer.from('provision'),
  0x11,
  50,
  0xff, // payload marker
]);

/** A confirmable POST /api/v1/provision with a 4-byte token (§3: version 1, type 0, TKL 4 → 0x44). */
export function provisionPost(messageId: number, token: number, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(8);
  header[0] = 0x44;
  header[1] = coapCode.post;
  header.writeUInt16BE(messageId, 2);
  header.writeUInt32BE(token >>> 0, 4);
  return Buffer.concat([header, provisionOptions, body]);
}

/** §4.2: the empty ACK that acknowledges a confirmable message (here, a separate response). */
export function emptyAck(messageId: number): Buffer {
  return Buffer.from([0x60, coapCode.empty, messageId >> 8, messageId & 255]);
}

/** A piggybacked ACK 2.01 Created with Content-Format 50 (option delta 12, length 1 → 0xC1) and a payload. */
export function createdAck(messageId: number, token: Buffer, payload: Buffer): Buffer {
  const header = Buffer.from([0x60 | token.length, coapCode.created, messageId >> 8, messageId & 255]);
  return Buffer.concat([header, token, Buffer.from([0xc1, 50, 0xff]), payload]);
}

export interface CoapMessage {
  type: number;
  code: number;
  messageId: number;
  token: Buffer;
  payload: Buffer;
}

/** Parses a datagram (§3), skipping options; null if it is not a well-formed CoAP version 1 message. */
export function parseCoap(buf: Buffer): CoapMessage | null {
  if (buf.length < 4 || buf[0]! >> 6 !== 1) return null;
  const tokenLength = buf[0]! & 15;
  if (tokenLength > 8 || buf.length < 4 + tokenLength) return null;
  const message: CoapMessage = {
    type: (buf[0]! >> 4) & 3,
    code: buf[1]!,
    messageId: buf.readUInt16BE(2),
    token: buf.subarray(4, 4 + tokenLength),
    payload: Buffer.alloc(0),
  };
  let i = 4 + tokenLength;
  while (i < buf.length) {
    const byte = buf[i++]!;
    if (byte === 0xff) {
      message.payload = buf.subarray(i);
      break;
    }
    const delta = byte >> 4;
    let length = byte & 15;
    // §3.1: 13 and 14 announce one or two extension bytes, delta's before length's; 15 is reserved.
    if (delta === 15 || length === 15) return null;
    if (delta === 13) i += 1;
    else if (delta === 14) i += 2;
    if (length === 13) length = buf[i++]! + 13;
    else if (length === 14) {
      length = buf.readUInt16BE(i) + 269;
      i += 2;
    }
    i += length;
    if (i > buf.length) return null;
  }
  return message;
}

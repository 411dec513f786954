import { type CoapMessage, type CoapOption, block, codeOf, encodeCoap, payloadOf, uint, uriPath } from '../coap-frames.ts';
import { mutateBytes } from '../mutate-bytes.ts';
import { mutatedJson } from '../mutate-json.ts';
import { udpExchange } from '../raw-io.ts';
import type { Rng } from '../rng.ts';
import { fixtures, printable, type Target } from '../types.ts';
import { attributesTemplate, provisionTemplate, telemetryTemplate } from './http-device.ts';

// CoAP over UDP: single requests with damaged options and tokens, and Block1 transfers gone wrong.

const paths = () => ['/api/v1/provision', `/api/v1/${fixtures.deviceToken}/telemetry`, `/api/v1/${fixtures.deviceToken}/attributes`, '/api/v1/x/provision', '/api/v1/unknownTok/telemetry', '/api/v2/provision', '/'];

function bodyFor(rng: Rng, path: string): Buffer {
  const template = path.endsWith('provision') ? provisionTemplate(rng) : path.endsWith('attributes') ? attributesTemplate() : telemetryTemplate(rng);
  return Buffer.from(rng.chance(0.2) ? JSON.stringify(template) : mutatedJson(rng, template, { maxBytes: 3000 }), 'utf8');
}

function oddOption(rng: Rng): CoapOption {
  return rng.pick([
    () => ({ number: rng.pick([9, 13, 2049, 65_001, 1]), value: rng.bytes(rng.int(4)) }), // unknown critical
    () => ({ number: rng.pick([2048, 65_000, 258]), value: rng.bytes(rng.int(8)) }), // unknown elective
    () => ({ number: 12, value: rng.bytes(rng.pick([3, 5, 8])) }), // Content-Format too long
    () => ({ number: 11, value: Buffer.alloc(rng.range(256, 1000), 0x61) }), // Uri-Path over 255
    () => ({ number: 11, value: Buffer.from([0xc0, 0x80]) }), // not UTF-8
    () => ({ number: 27, value: rng.bytes(rng.pick([4, 5])) }), // Block1 over 3 bytes
    () => ({ number: 23, value: block(rng.range(1, 1 << 20), rng.chance(0.5), rng.int(8)) }),
    () => ({ number: 60, value: uint(rng.pick([0, 70_000, 0xffffffff])) }),
    () => ({ number: 292, value: rng.bytes(rng.int(9)) }),
    () => ({ number: 15, value: Buffer.from('a=b') }),
    () => ({ number: 17, value: uint(rng.pick([0, 50, 65_535])) }),
    () => ({ number: 1, value: rng.bytes(rng.int(40)) }), // If-Match, repeated/oversized
  ])();
}

function singleRequest(rng: Rng): { datagrams: Buffer[]; summary: string } {
  const path = rng.pick(paths());
  const m: CoapMessage = {
    type: rng.weighted([[8, 0], [3, 1], [1, 2], [1, 3]] as const),
    code: rng.weighted([[12, 0x02], [1, 0x01], [1, 0x03], [1, 0x04], [1, 0x05], [1, 0x45], [1, 0xff], [1, 0x00]] as const),
    messageId: rng.int(0x10000),
    token: rng.bytes(rng.pick([0, 1, 4, 8])),
    options: [...uriPath(path), { number: 12, value: uint(50) }],
    payload: bodyFor(rng, path),
  };
  const damage = rng.int(8);
  if (damage === 0) m.tkl = rng.range(9, 15);
  else if (damage === 1) m.rawOptionHeader = rng.pick([0xf0, 0x0f, 0xff, 0xd0, 0xe0, 0x1f]);
  else if (damage === 2) m.emptyPayloadMarker = true;
  else if (damage === 3) {
    m.unsorted = true;
    m.options.reverse();
  } else if (damage === 4) m.version = rng.pick([0, 2, 3]);
  else if (damage === 5) for (let n = rng.range(1, 4); n > 0; n--) m.options.push(oddOption(rng));
  else if (damage === 6) m.payload = Buffer.alloc(rng.range(1100, 65_000), 0x20);
  let bytes = encodeCoap(m);
  if (rng.chance(0.2)) bytes = mutateBytes(rng, bytes, 65_000);
  if (rng.chance(0.1)) bytes = bytes.subarray(0, rng.int(bytes.length)); // truncated datagram
  return { datagrams: [bytes], summary: `${path} type ${m.type} code ${m.code} damage ${damage}` };
}

/** A Block1 transfer (RFC 7959 §2.5) sent out of order, duplicated, with a huge or reserved SZX, or never finished. */
function blockwise(rng: Rng): { datagrams: Buffer[]; summary: string } {
  const path = rng.pick(paths().slice(0, 3));
  const szx = rng.weighted([[6, rng.int(7)], [1, 7]] as const);
  const size = 2 ** (Math.min(szx, 6) + 4);
  const body = rng.chance(0.7) ? Buffer.from(JSON.stringify({ ...(provisionTemplate(rng) as object), pad: 'p'.repeat(rng.range(size, 6000)) })) : bodyFor(rng, path);
  const blocks: { num: number; more: boolean; data: Buffer }[] = [];
  for (let num = 0; num * size < body.length; num++) blocks.push({ num, more: (num + 1) * size < body.length, data: body.subarray(num * size, (num + 1) * size) });
  const twist = rng.int(7);
  if (twist === 0) blocks.reverse();
  else if (twist === 1 && blocks.length > 1) blocks.splice(rng.int(blocks.length), 1); // a gap
  else if (twist === 2) blocks.push(...blocks.slice(0, rng.range(1, blocks.length)));
  else if (twist === 3 && blocks.length) blocks[blocks.length - 1]!.more = true; // never finished
  else if (twist === 4 && blocks.length) blocks[rng.int(blocks.length)]!.num = rng.pick([4095, 65_535, (1 << 20) - 1]);
  const tag = rng.chance(0.5) ? rng.bytes(rng.range(1, 8)) : null;
  const sameToken = rng.bytes(4);
  const firstId = rng.int(0x10000);
  const datagrams = blocks.slice(0, 80).map((b, i) =>
    encodeCoap({
      type: 0,
      code: 0x02,
      messageId: (firstId + i) & 0xffff,
      token: rng.chance(0.5) ? sameToken : rng.bytes(4),
      options: [...uriPath(path), { number: 27, value: block(b.num, b.more, twist === 5 ? rng.int(8) : szx) }, ...(tag ? [{ number: 292, value: tag }] : []), ...(rng.chance(0.1) ? [{ number: 60, value: uint(body.length) }] : [])],
      payload: b.data,
    }),
  );
  return { datagrams, summary: `Block1 ${path} SZX ${szx}, ${datagrams.length} blocks, twist ${twist}` };
}

/**
 * node-coap 1.5 answers a datagram it cannot parse (coap-packet's errors) or a Block1 transfer that does not add up
 * with 5.00 and the error's message (server.js handleEnding/_sendError), where RFC 7252 §4.2 says to reject (RST) or
 * ignore, and RFC 7959 §2.3 says 4.08 for missing blocks. Its block option parser also refuses a zero-length Block
 * option, which RFC 7959 §2.2 allows for NUM 0, M 0, SZX 0. Library behaviour, not the station's: counted apart.
 * Any other 5.00 (the transport's own has no payload; an exception in the station's hooks carries its message) is a
 * finding.
 */
const nodeCoapErrors = [
  'Byte offset not the next in line',
  'Last byte index is not equal',
  'Invalid block state',
  'Invalid block option buffer length',
  'Failed to parse block1',
  'failed to parse block2',
  'invalid block size',
  'Sequence number out of range',
  'Too many block re-transfers',
  'Unknown Content-Format',
  'Empty messages must be empty',
  'Token length not allowed',
  'Token too long',
  'Unsupported version',
  'Wrong option delta',
  'Wrong option length',
  // coap-packet reads a truncated datagram (or a TKL over 8) past its end: Node's Buffer bounds errors.
  'The value of "offset" is out of range',
  'Attempt to access memory outside buffer bounds',
  'Index out of range',
  // RFC 7641 §2 says to ignore Observe on a method other than GET/FETCH; node-coap answers 5.00.
  'Observe can only be present with a GET or a FETCH',
];

export const coap: Target = {
  name: 'coap',
  generate(rng) {
    const { datagrams, summary } = rng.chance(0.7) ? singleRequest(rng) : blockwise(rng);
    const waitMs = rng.range(15, 40);
    return {
      summary,
      show: () => datagrams.map((d, i) => `#${i}: ${printable(d, 600)}`).join('\n'),
      async run(ctx) {
        const replies = await udpExchange(ctx.ports.coap, datagrams, waitMs);
        const codes = replies.map((r) => codeOf(r) ?? '?');
        for (const reply of replies) {
          if (codeOf(reply) !== '5.00') continue;
          // The transport's own 5.00 (its handler threw, coap.ts) has no payload: a bug, never a device's fault.
          // node-coap answers some broken Block1 transfers with 5.00 and its error message (server.js _sendError).
          const message = payloadOf(reply).toString('utf8');
          if (!nodeCoapErrors.some((known) => message.startsWith(known))) {
            return { kind: 'internal', detail: `CoAP 5.00 "${message}" among replies ${codes.join(' ')}` };
          }
          return { kind: 'ok', class: `5.00 node-coap: ${message.slice(0, 32)}` };
        }
        return { kind: 'ok', class: codes.length ? codes[codes.length - 1]! : 'silent' };
      },
    };
  },
};

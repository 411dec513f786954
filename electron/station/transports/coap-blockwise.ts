import type { Socket } from 'node:dgram';
import type { CoapPacket, IncomingMessage, Server } from 'coap';
import { type BlockwiseLimits, createBlockwisePeers } from './coap-blockwise-peers.ts';

// CoAP option numbers (RFC 7252 §12.2, RFC 7959 §6, RFC 9175 §3.2).
const block2Option = 23;
const block1Option = 27;
const size1Option = 60;
const requestTagOption = 292;

// node-coap splits a reply into Block2 blocks from this size on (server.js maxBlock2).
const blockSize = 1024;
// How long a big reply is kept for the client to fetch its next blocks (RFC 7252 EXCHANGE_LIFETIME is 247 s; a
// client asks for the next block as soon as it has the previous one), and how many such replies at most.
const keepReplyMs = 60_000;
const keepReplies = 256;

export interface Blockwise<R> {
  /**
   * For a request asking for block 1 or later of a reply (Block2 NUM ≥ 1): that reply, to be sliced again by node-coap;
   * null if it is no longer known. Undefined for any other request, which is then handled as new.
   */
  followUp(req: IncomingMessage): R | null | undefined;
  /** Keeps a reply of `bytes` bytes that goes out blockwise, for the follow-ups asking for its next blocks. */
  remember(req: IncomingMessage, reply: R, bytes: number): void;
  /** Stops the sweep of idle transfers. */
  close(): void;
}

/**
 * Makes node-coap's blockwise transfers (RFC 7959) work with every client, and bounds the bodies it assembles.
 *
 * node-coap 1.5 matches the blocks of one transfer by the request token. RFC 7959 lets a client choose a new token
 * for every block (end of §2: "the client is free to choose tokens for each exchange"), and libcoap (coap-client,
 * ESP-IDF) does, tying the blocks with a Request-Tag instead (RFC 9175 §3). Keyed by token, every libcoap request
 * over 1 KB (an X509 PEM, a telemetry batch) fails with 5.00 "Byte offset not the next in line". Californium, under
 * ThingsBoard, matches by peer and URI; so do we, for Block1: peer, method, URI and Request-Tag.
 *
 * Block2 (a reply over 1 KB: an X509 credentialsValue) node-coap serves from a cache that forgets the response code
 * and Content-Format: later blocks come back as 2.05 without a format, libcoap gives up, and node-coap's client ends
 * with 2.05. So no follow-up (Block2 NUM ≥ 1) ever hits that cache (its key is unique to the exchange); the transport
 * answers it from the reply kept here, and node-coap cuts the block the client asked for.
 *
 * node-coap also assembles Block1 bodies of any size: a block that would take one past `limit` is refused here with
 * 4.13 and Size1 = limit (RFC 7959 §2.9.3) before it is buffered.
 *
 * This replaces node-coap's `_toCacheKey`, the one key its Block1 and Block2 caches use (server.js; coap is pinned to
 * 1.5.0, and transport-coap.test.ts drives libcoap's client and node-coap's through both).
 */
export function createBlockwise<R>(
  server: Server,
  socket: Socket,
  limit: number,
  peerLimits: BlockwiseLimits,
  onRefused: (address: string) => void,
): Blockwise<R> {
  const kept = new Map<string, { reply: R; at: number }>();
  const peers = createBlockwisePeers(peerLimits);
  // node-coap would keep an abandoned body for 247 s; forgotten with our bookkeeping once idle.
  const sweeper = setInterval(() => peers.sweep((key) => server._block1Cache.remove(key)), Math.max(1000, peerLimits.idleMs / 4));
  sweeper.unref();

  server._toCacheKey = (request: IncomingMessage, packet: CoapPacket): string | null => {
    const block2 = optionValue(packet, block2Option, 'Block2');
    if (block2 && blockNumber(block2) > 0) {
      // A follow-up, answered by the transport from `kept`. Some clients (node-coap's) repeat their last Block1 option
      // in it: dropped, so node-coap does not start assembling a new body.
      packet.options = packet.options?.filter((o) => !isOption(o, block1Option, 'Block1'));
      return `${transferKey(request, packet)} #${packet.messageId} ${packet.token?.toString('hex')}`;
    }
    const block1 = optionValue(packet, block1Option, 'Block1');
    if (!block1) return transferKey(request, packet);
    const end = blockNumber(block1) * blockBytes(block1) + (packet.payload?.length ?? 0);
    if (end > limit) {
      socket.send(entityTooLarge(packet, limit), request.rsinfo.port, request.rsinfo.address);
      return null; // node-coap drops a tokened request it has no key for
    }
    const key = transferKey(request, packet);
    if (peers.admit(request.rsinfo.address, key, end, !moreBlocks(block1)) !== 'ok') {
      server._block1Cache.remove(key);
      onRefused(request.rsinfo.address);
      // RFC 7252 §5.9.3.4: the peer may try again later, once its other transfers are done.
      socket.send(bareReply(packet, 5, 3), request.rsinfo.port, request.rsinfo.address);
      return null;
    }
    return key;
  };

  return {
    followUp(req) {
      const block2 = optionValue(req._packet, block2Option, 'Block2');
      if (!block2 || blockNumber(block2) === 0) return undefined;
      const key = transferKey(req, req._packet);
      const entry = kept.get(key);
      if (entry === undefined) return null;
      if (Date.now() - entry.at > keepReplyMs) {
        kept.delete(key);
        return null;
      }
      return entry.reply;
    },
    remember(req, reply, bytes) {
      if (bytes < blockSize) return;
      const key = transferKey(req, req._packet);
      kept.delete(key);
      kept.set(key, { reply, at: Date.now() });
      for (const oldest of kept.keys()) {
        if (kept.size <= keepReplies) break;
        kept.delete(oldest);
      }
    },
    close() {
      clearInterval(sweeper);
    },
  };
}

/** What ties the blocks of one request together: peer, method, URI and Request-Tag, never the token. */
function transferKey(request: IncomingMessage, packet: CoapPacket): string {
  const tag = optionValue(packet, requestTagOption, 'Request-Tag')?.toString('hex') ?? '';
  return `${request.rsinfo.address}:${request.rsinfo.port} ${packet.code} ${request.url} ${tag}`;
}

// node-coap names the options it knows and numbers the others (Request-Tag is 292).
const isOption = (option: { name: unknown }, number: number, name: string) =>
  option.name === name || String(option.name) === String(number);

function optionValue(packet: CoapPacket, number: number, name: string): Buffer | undefined {
  const option = packet.options?.find((o) => isOption(o, number, name));
  return option && Buffer.isBuffer(option.value) ? option.value : undefined;
}

/** A Block option is NUM, M and SZX in one unsigned integer of up to 3 bytes (RFC 7959 §2.2). */
function blockField(value: Buffer): number {
  let field = 0;
  for (const byte of value) field = field * 256 + byte;
  return field;
}

const blockNumber = (value: Buffer) => Math.floor(blockField(value) / 16);
const moreBlocks = (value: Buffer) => (blockField(value) & 8) !== 0;
const blockBytes = (value: Buffer) => 2 ** ((blockField(value) & 7) + 4);

/** A reply with no option and no payload, piggybacked on a CON, else NON (RFC 7252 §3). */
type Exchange = Pick<CoapPacket, 'token' | 'confirmable' | 'messageId'>;

function bareReply(packet: Exchange, codeClass: number, codeDetail: number): Buffer {
  const token = packet.token ?? Buffer.alloc(0);
  const type = packet.confirmable ? 2 : 1; // ACK, else NON
  const messageId = packet.messageId ?? 0;
  return Buffer.concat([Buffer.from([0x40 | (type << 4) | token.length, (codeClass << 5) | codeDetail, messageId >> 8, messageId & 0xff]), token]);
}

/** A bare 4.13 Request Entity Too Large with Size1 (RFC 7252 §5.10.9). */
export function entityTooLarge(packet: Exchange, limit: number): Buffer {
  const size: number[] = [];
  for (let rest = limit; rest > 0; rest = Math.floor(rest / 256)) size.unshift(rest % 256);
  // Option delta 60 needs the one-byte extension: nibble 13, then delta − 13.
  const option = Buffer.from([(13 << 4) | size.length, size1Option - 13, ...size]);
  return Buffer.concat([bareReply(packet, 4, 13), option]);
}

import { createSocket } from 'node:dgram';
import { notSuccess, provisionBody } from './answer.ts';
import { coapCode, coapType, emptyAck, parseCoap, provisionPost } from './coap-wire.ts';
import type { DeviceSlot, LoadTarget } from './types.ts';

// RFC 7252 §4.8: ACK_TIMEOUT 2 s, MAX_RETRANSMIT 4, doubling each time (the random factor left out).
const ackTimeoutMs = 2000;
const maxRetransmit = 4;

/**
 * A device provisioning over CoAP on its own UDP socket: one confirmable POST at a time, retransmitted until
 * acknowledged; takes a piggybacked 2.01, or an empty ACK then a separate response (which it acknowledges).
 * Message ids count up per socket, so a server's deduplication (§4.5) never mistakes two devices' requests.
 */
export function coapSlot(target: LoadTarget, key: string, secret: string, timeoutMs: number): DeviceSlot {
  const body = provisionBody(key, secret);
  const socket = createSocket('udp4');
  let messageId = Math.floor(Math.random() * 0x10000);
  let token = Math.floor(Math.random() * 0x100000000);
  let current: {
    messageId: number;
    token: number;
    packet: Buffer;
    acknowledged: boolean;
    retransmits: number;
    retry: NodeJS.Timeout | null;
    deadline: NodeJS.Timeout;
    done: (error: string | null) => void;
  } | null = null;

  const send = (packet: Buffer) => socket.send(packet, target.port, target.host);
  const settle = (error: string | null) => {
    const exchange = current;
    if (!exchange) return;
    current = null;
    if (exchange.retry) clearTimeout(exchange.retry);
    clearTimeout(exchange.deadline);
    exchange.done(error);
  };
  const retransmit = (wait: number) => {
    const exchange = current!;
    exchange.retry = setTimeout(() => {
      if (exchange.acknowledged || current !== exchange) return;
      if (exchange.retransmits === maxRetransmit) return settle(`no ACK after ${maxRetransmit} retransmissions`);
      exchange.retransmits++;
      send(exchange.packet);
      retransmit(wait * 2);
    }, wait);
  };

  socket.on('message', (datagram) => {
    const message = parseCoap(datagram);
    const exchange = current;
    if (!message || !exchange) return;
    const ours = message.token.length === 4 && message.token.readUInt32BE(0) === exchange.token;
    if (message.type === coapType.ack && message.messageId === exchange.messageId) {
      exchange.acknowledged = true;
      if (message.code === coapCode.empty) return; // the answer follows as a separate response (§5.2.2)
      if (!ours) return settle('piggybacked answer with another token');
    } else if ((message.type === coapType.confirmable || message.type === coapType.nonConfirmable) && ours) {
      if (message.type === coapType.confirmable) send(emptyAck(message.messageId));
    } else if (message.type === coapType.reset && message.messageId === exchange.messageId) {
      return settle('RST');
    } else return;
    if (message.code !== coapCode.created) {
      const detail = notSuccess(message.payload);
      return settle(`CoAP ${message.code >> 5}.${String(message.code & 31).padStart(2, '0')}${detail ? ` (${detail})` : ''}`);
    }
    settle(notSuccess(message.payload));
  });
  socket.on('error', (err) => settle(`socket: ${err.message}`));

  return {
    exchange(deviceName, done) {
      messageId = (messageId + 1) & 0xffff;
      token = (token + 1) >>> 0;
      const packet = provisionPost(messageId, token, body(deviceName));
      const deadline = setTimeout(() => settle(`no answer within ${timeoutMs} ms`), timeoutMs);
      current = { messageId, token, packet, acknowledged: false, retransmits: 0, retry: null, deadline, done };
      send(packet);
      retransmit(ackTimeoutMs);
    },
    close() {
      settle('closed');
      socket.close();
    },
  };
}

import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { Baseline } from '../baselines/reply.ts';
import { fixedReply } from '../baselines/reply.ts';
import { createdAck, coapType, parseCoap } from './coap-wire.ts';
import { nullHttpResponse, startNativeNullHttp } from './null-http-native.ts';
import { connackAccepted, mqttReader, packetType, provisionResponseTopic, publishPacket, pubackPacket, readPublish } from './mqtt-wire.ts';

/**
 * Servers that answer instantly with canned bytes and do nothing else: what a generator achieves against one is
 * its own ceiling on this machine. Each answers the SUCCESS the bare baselines answer (reply.ts).
 */

const answer = Buffer.from(fixedReply);

/** MQTT: CONNACK to a CONNECT; PUBACK and a QoS 1 PUBLISH on /provision/response to a PUBLISH; closes on DISCONNECT. */
export function startNullMqtt(): Promise<Baseline> {
  const response = publishPacket(provisionResponseTopic, 1, answer);
  return listenTcp((socket) => {
    const read = mqttReader((type, flags, body) => {
      if (type === packetType.connect) socket.write(connackAccepted);
      else if (type === packetType.publish) {
        const { qos, packetId } = readPublish(flags, body);
        socket.write(qos > 0 ? Buffer.concat([pubackPacket(packetId), response]) : response);
      } else if (type === packetType.disconnect) socket.end();
    });
    socket.on('data', (chunk) => {
      try {
        read(chunk);
      } catch {
        socket.destroy();
      }
    });
  });
}

/** The C null responder where there is a C compiler (null-http-native.ts says why), else the node one below. */
export async function startNullHttp(): Promise<Baseline> {
  return (await startNativeNullHttp()) ?? { ...(await startNodeNullHttp()), name: 'node net null responder' };
}

/**
 * HTTP/1.1 keep-alive: one canned 200 per request, framed by its Content-Length; nothing parsed beyond that, and
 * no string made, so that it costs less than any HTTP server it stands in for.
 */
function startNodeNullHttp(): Promise<Baseline> {
  const response = Buffer.from(nullHttpResponse);
  const headerEnd = Buffer.from('\r\n\r\n');
  const lengthHeader = Buffer.from('\r\ncontent-length:');
  return listenTcp((socket) => {
    let pending: Buffer | null = null;
    socket.on('data', (chunk: Buffer) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let answers = 0;
      for (;;) {
        const end = buf.indexOf(headerEnd);
        if (end < 0) break;
        const length = contentLength(buf, end, lengthHeader);
        if (buf.length < end + 4 + length) break;
        buf = buf.subarray(end + 4 + length);
        answers++;
      }
      pending = buf.length > 0 ? buf : null;
      if (answers === 1) socket.write(response);
      else if (answers > 1) socket.write(Buffer.concat(Array<Buffer>(answers).fill(response)));
    });
  });
}

/** The Content-Length value in the headers ending at `end`, matched without regard to case; 0 if absent. */
function contentLength(buf: Buffer, end: number, header: Buffer): number {
  const lower = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b);
  outer: for (let i = 0; i + header.length <= end; i++) {
    for (let k = 0; k < header.length; k++) if (lower(buf[i + k]!) !== header[k]) continue outer;
    let n = 0;
    for (let j = i + header.length; j < end; j++) {
      const b = buf[j]!;
      if (b >= 48 && b <= 57) n = n * 10 + (b - 48);
      else if (b !== 32 || n > 0) break;
    }
    return n;
  }
  return 0;
}

/** CoAP: a piggybacked ACK 2.01 with the canned JSON to every confirmable request. */
export async function startNullCoap(): Promise<Baseline> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (datagram, peer) => {
    const message = parseCoap(datagram);
    if (!message || message.type !== coapType.confirmable || message.code === 0) return;
    socket.send(createdAck(message.messageId, message.token, answer), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

async function listenTcp(onSocket: (socket: Socket) => void): Promise<Baseline> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  // The station's backlog (net/listen.ts), so a burst meets the same queue.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}

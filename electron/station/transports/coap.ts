import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createServer, type IncomingMessage, type OutgoingMessage } from 'coap';
import { listenError } from '../net/listen.ts';
import type { RequestOrigin, TransportServer } from '../provisioning/types.ts';
import { type Blockwise, createBlockwise, entityTooLarge } from './coap-blockwise.ts';
import { type BlockwiseLimits, defaultBlockwiseLimits } from './coap-blockwise-peers.ts';
import { routeErrorRepliesToSender } from './coap-error-route.ts';
import { createCoapDeviceApi, type Reply } from './coap-device-api.ts';
import type { DeviceTransportOptions } from './options.ts';
import { peerAddress } from '../net/peer-address.ts';
import type { ListenerLimits } from '../net/source-limits.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

/**
 * ThingsBoard's device API over CoAP (RFC 7252) on node-coap: decode, call the provisioning service, encode.
 * Provisioning outcomes carry ThingsBoard's JSON (2.01 on SUCCESS, 4.00 otherwise, CoapTransportResource);
 * every other answer is a bare response code, as ThingsBoard sends them.
 */

// Same bound as HTTP; node-coap assembles Block1 transfers in memory, so it is enforced per block (coap-blockwise.ts).
export const coapBodyLimit = 64 * 1024;

// RFC 7252 §12.3: application/json is Content-Format 50.
const json = 'application/json';

const badRequest: Reply = { code: '4.00' };

// node-coap's default: a reply not ready by then follows an empty ACK as a separate response (RFC 7252 §5.2.2).
const piggybackReplyMs = 50;
// How long close() waits for answers in flight (they wait on one group commit, normally milliseconds).
const drainMs = 2000;

export interface CoapTransportOptions extends DeviceTransportOptions {
  /** Per-peer bounds on Block1 transfers in progress (coap-blockwise-peers.ts). */
  blockwise?: Partial<BlockwiseLimits>;
  /**
   * Largest datagram read at all; a larger one is answered 4.13 with Size1 (RFC 7959 §2.9.3: send it blockwise) and
   * never parsed.
   */
  maxMessageBytes?: number;
}

// 65507: the largest UDP payload over IPv4, so by default any datagram is read; lower it to make big bodies go blockwise.
export const coapDefaults = { maxMessageBytes: 65_507 } as const;

export function createCoapTransport(options: CoapTransportOptions): TransportServer {
  const { service } = options;
  const blockwiseLimits = { ...defaultBlockwiseLimits, ...options.blockwise };
  const maxMessageBytes = options.maxMessageBytes ?? coapDefaults.maxMessageBytes;
  const log = options.log ?? (() => {});
  const deviceApi = createCoapDeviceApi(options.deviceApi, log);
  const type = isIPv6(options.host) ? 'udp6' : 'udp4';
  const server = createServer({ type, piggybackReplyMs });
  routeErrorRepliesToSender(server);
  let socket: Socket | null = null;
  let blockwise: Blockwise<Reply> | null = null;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();

  server.on('request', (req: IncomingMessage, res: OutgoingMessage) => {
    res.on('error', (err: Error) => log(`coap transport: reply to ${req.rsinfo.address}: ${err.message}`));
    if (req.headers.Observe === 0) {
      observe(req, res);
      return;
    }
    const answering = answer(req)
      .catch((err: unknown): Reply => {
        log(`coap transport: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { code: '5.00' };
      })
      .then((reply) => {
        if (socket === null) return;
        if (reply.json !== undefined) blockwise?.remember(req, reply, Buffer.byteLength(reply.json));
        send(res, reply);
      })
      .catch((err: unknown) => log(`coap transport: reply to ${req.rsinfo.address}: ${String(err)}`))
      .finally(() => inFlight.delete(answering));
    inFlight.add(answering);
  });
  // Socket errors surface here; without a listener node-coap's re-emit would crash the station.
  server.on('error', (err: Error) => log(`coap transport: ${err.message}`));

  async function answer(req: IncomingMessage): Promise<Reply> {
    // The next block of a reply already given (RFC 7959 §2.4): never run the request again, slice the same reply.
    const given = blockwise?.followUp(req);
    if (given !== undefined) return given ?? badRequest;
    const target = route(req.url);
    if (target === null) return { code: '4.04' };
    if (req.method === 'GET' && target.kind === 'device') return deviceGet(req, target);
    if (req.method !== 'POST') return { code: '4.05' };
    const origin: RequestOrigin = { transport: 'coap', remoteAddress: peerAddress(req.rsinfo.address) };
    const body = req.payload ?? Buffer.alloc(0);

    if (target.kind === 'provision') {
      if (body.length > coapBodyLimit) {
        options.limits?.refused('too-large', req.rsinfo.address);
        service.rejectMalformed(reasonText('bodyTooLarge', { bytes: coapBodyLimit }), origin);
        return { code: '4.13' };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        service.rejectMalformed(reasonText('bodyNotJson'), origin);
        return badRequest;
      }
      const decoded = service.decode(parsed);
      if (!decoded.ok) {
        service.rejectMalformed(decoded.message, origin);
        return badRequest;
      }
      const response = await service.provision(decoded.request, origin);
      return { code: response.status === 'SUCCESS' ? '2.01' : '4.00', json: JSON.stringify(response) };
    }

    // Client-side RPC goes to ThingsBoard's rule engine, which a station does not have.
    if (target.resource === 'rpc') return { code: '5.01' };
    const device = service.authenticateToken(target.token);
    if (device === null) return { code: '4.01' };
    if (body.length > coapBodyLimit) {
      options.limits?.refused('too-large', req.rsinfo.address);
      return { code: '4.13' };
    }
    if (target.resource === 'rpc-answer') return deviceApi.rpcAnswer(device, target.requestId, body);
    try {
      if (target.resource === 'telemetry') await service.recordTelemetry(device, body, origin);
      else await service.recordAttributes(device, body, origin);
    } catch (err) {
      if (err instanceof Error && err.name === 'BadPayloadError') return badRequest;
      throw err;
    }
    return { code: '2.01' };
  }

  /** CoapTransportResource.processHandleGet: attributes can be read or observed, RPC only observed, telemetry neither. */
  function deviceGet(req: IncomingMessage, target: DeviceRoute): Reply {
    if (target.resource !== 'attributes' && !(target.resource === 'rpc' && req.headers.Observe === 1)) return badRequest;
    const device = service.authenticateToken(target.token);
    if (device === null) return { code: '4.01' };
    if (req.headers.Observe === 1) return deviceApi.deregister(req);
    return deviceApi.attributes(req, device);
  }

  /** A GET with Observe: 0 is answered on node-coap's observe stream, synchronously, so the first reply is piggybacked. */
  function observe(req: IncomingMessage, res: OutgoingMessage): void {
    const stream = res as unknown as { statusCode: string; end(): void };
    const refuse = (code: string) => {
      stream.statusCode = code;
      stream.end();
    };
    if (socket === null) return;
    const target = route(req.url);
    if (target === null) refuse('4.04');
    else if (target.kind !== 'device' || (target.resource !== 'attributes' && target.resource !== 'rpc')) refuse('4.00');
    else {
      const device = service.authenticateToken(target.token);
      if (device === null) refuse('4.01');
      else deviceApi.observe(req, res, device, target.resource);
    }
  }

  return {
    listen() {
      // While a commit holds the loop, datagrams queue in the kernel; the default ~200 KB buffer drops a burst.
      const sock = createSocket({ type, recvBufferSize: 4 * 1024 * 1024 });
      return new Promise((resolve, reject) => {
        sock.once('error', (err: NodeJS.ErrnoException) => {
          sock.close();
          reject(listenError('coap', options.host, options.port, err));
        });
        sock.bind(options.port, options.host, () => {
          sock.removeAllListeners('error');
          socket = sock;
          blockwise = createBlockwise<Reply>(server, sock, coapBodyLimit, blockwiseLimits, (address) =>
            options.limits?.refused('blockwise', address),
          );
          // Handed over, node-coap reads and answers on our socket but leaves binding and closing to us.
          server.listen(sock);
          admitDatagrams(sock, options.limits, maxMessageBytes);
          const { address, port } = sock.address();
          resolve({ address, port });
        });
      });
    },
    close() {
      closing ??= (async () => {
        const sock = socket;
        if (sock === null) return void server.close();
        // Deaf from now on. node-coap arms an ACK timer for every CON it reads, even one it then drops, and that timer
        // throws if it fires on a closed socket: let the armed ones fire, and answers in flight go out (a device told
        // SUCCESS must hear it), but never wait long on a stuck one.
        sock.removeAllListeners('message');
        blockwise?.close();
        deviceApi.endAll();
        await Promise.all([Promise.race([Promise.allSettled(inFlight), delay(drainMs)]), delay(piggybackReplyMs + 10)]);
        socket = null;
        server.close(); // also stops node-coap's retransmissions of replies already sent
        await new Promise<void>((resolve) => sock.close(() => resolve()));
      })();
      return closing;
    },
  };
}

type DeviceRoute =
  | { kind: 'device'; token: string; resource: 'telemetry' | 'attributes' | 'rpc' }
  | { kind: 'device'; token: string; resource: 'rpc-answer'; requestId: string };
type Route = { kind: 'provision' } | DeviceRoute | null;

/**
 * `/api/v1/provision`, `/api/v1/{anything}/provision` (ThingsBoard ignores the segment), `/api/v1/{token}/{resource}`
 * and `/api/v1/{token}/rpc/{requestId}` (CoapTransportResource.getFeatureType / getRequestId).
 */
function route(url: string): Route {
  const path = url.split('?', 1)[0]!.split('/');
  if (path[0] !== '' || path[1] !== 'api' || path[2] !== 'v1') return null;
  if (path.length === 4 && path[3] === 'provision') return { kind: 'provision' };
  if (path[3] === '') return null;
  if (path.length === 6 && path[4] === 'rpc') return { kind: 'device', token: path[3]!, resource: 'rpc-answer', requestId: path[5]! };
  if (path.length !== 5) return null;
  if (path[4] === 'provision') return { kind: 'provision' };
  if (path[4] === 'telemetry' || path[4] === 'attributes' || path[4] === 'rpc') return { kind: 'device', token: path[3]!, resource: path[4] };
  return null;
}

/**
 * Drops, unanswered, every datagram from an address over its rate, and answers one over `maxBytes` with 4.13, before
 * node-coap parses it or arms a timer for it: node-coap reads the socket with its own 'message' listener, which is
 * moved behind this gate.
 */
function admitDatagrams(sock: Socket, limits: ListenerLimits | undefined, maxBytes: number): void {
  const handlers = sock.listeners('message') as ((msg: Buffer, rinfo: RemoteInfo) => void)[];
  sock.removeAllListeners('message');
  sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (limits && !limits.admitDatagram(rinfo.address)) return;
    if (msg.length > maxBytes) {
      limits?.refused('too-large', rinfo.address);
      const reply = tooLargeReply(msg, maxBytes);
      if (reply) sock.send(reply, rinfo.port, rinfo.address);
      return;
    }
    for (const handle of handlers) handle.call(sock, msg, rinfo);
  });
}

/**
 * 4.13 with Size1 for an oversized request, read from its fixed header alone (RFC 7252 §3): piggybacked on a CON,
 * NON for a NON; nothing for anything else (a reply, an ACK, or bytes that are not CoAP version 1).
 */
function tooLargeReply(msg: Buffer, maxBytes: number): Buffer | null {
  const first = msg[0]!;
  const type = (first >> 4) & 3;
  const tokenLength = first & 15;
  const code = msg[1]!;
  if (first >> 6 !== 1 || type > 1 || tokenLength > 8 || code >> 5 !== 0 || code === 0) return null;
  const header = { token: msg.subarray(4, 4 + tokenLength), confirmable: type === 0, messageId: msg.readUInt16BE(2) };
  return entityTooLarge(header, maxBytes);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function send(res: OutgoingMessage, reply: Reply): void {
  res.code = reply.code;
  if (reply.json === undefined) return void res.end();
  res.setOption('Content-Format', json);
  res.end(Buffer.from(reply.json, 'utf8'));
}

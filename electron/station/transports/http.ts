import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeTcp, listenTcp } from '../net/listen.ts';
import { afterBody } from '../net/after-body.ts';
import { BodyTooLargeError, readBody } from '../net/read-body.ts';
import type { DeviceIdentity, RequestOrigin, TransportServer } from '../provisioning/types.ts';
import { peerAddress } from '../net/peer-address.ts';
import { admitConnections } from '../net/source-limits.ts';
import { createHttpDeviceApi, type HttpDeviceResource } from './http-device-api.ts';
import { countClientErrors } from './http-client-errors.ts';
import { onboardPage, onboardPagePolicy } from './onboard-page.ts';
import type { DeviceTransportOptions } from './options.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// The station's LAN face over HTTP: ThingsBoard's device API and nothing else (the admin API has its own listener on
// 127.0.0.1). Decode, call the provisioning service, encode; no rule is decided here.

export interface HttpTransportOptions extends DeviceTransportOptions {
  /** Defaults suit a LAN of slow devices; tests shorten them to watch a slowloris socket being cut. */
  timeouts?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** Idle time a keep-alive socket is held after a response (devices posting telemetry reuse it). */
  keepAliveMs: number;
  /** Time allowed to send the complete request head; past it the socket is dropped (slowloris). */
  headersMs: number;
  /** Time allowed to send the complete request, body included. */
  requestMs: number;
  /** How often Node checks sockets against the two limits above. */
  checkEveryMs: number;
}

// How long close() waits for answers in flight (they wait on one group commit, normally milliseconds).
const drainMs = 2000;

export const defaultHttpTimeouts: HttpTimeouts = { keepAliveMs: 10_000, headersMs: 15_000, requestMs: 30_000, checkEveryMs: 1_000 };

// A provisioning request is a few hundred bytes, an X509 PEM a few KB; telemetry batches stay well under this.
export const httpBodyLimit = 64 * 1024;

const provisionPath = '/api/v1/provision';
// DeviceApiController's device endpoints: {token}/telemetry, /attributes, /attributes/updates, /rpc, /rpc/{requestId}.
const deviceApiPath = /^\/api\/v1\/([^/]+)\/(telemetry|attributes|attributes\/updates|rpc|rpc\/[^/]+)$/;

/** The methods each device endpoint answers (DeviceApiController's @RequestMapping). */
const allowedMethods: Record<DeviceResource, string> = {
  telemetry: 'POST',
  attributes: 'GET, POST',
  'attribute-updates': 'GET',
  rpc: 'GET',
  'rpc-answer': 'POST',
};

/**
 * Every answer that is neither a provisioning outcome nor an empty 200 has one JSON shape, keyed like ThingsBoard's
 * own NOT_FOUND/FAILURE bodies so that firmware reading `status` never meets a stranger:
 * `{"errorMsg":"<plain sentence>","status":"<one of these>"}`, with the matching HTTP status.
 */
type ErrorStatus =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_IMPLEMENTED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

const httpCodeOf: Record<ErrorStatus, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_IMPLEMENTED: 501,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

type DeviceResource = 'telemetry' | HttpDeviceResource;
type DeviceRoute = { kind: 'device'; token: string; resource: DeviceResource; requestId?: string };
type EndpointRoute = { kind: 'provision' } | DeviceRoute;
type Route = EndpointRoute | { kind: 'onboard'; key: string } | { kind: 'bad-path' } | null;

export function createHttpTransport(options: HttpTransportOptions): TransportServer {
  const { service } = options;
  const deviceApi = createHttpDeviceApi(options.deviceApi);
  const log = options.log ?? (() => {});
  const timeouts = { ...defaultHttpTimeouts, ...options.timeouts };
  const serverOptions = {
    keepAliveTimeout: timeouts.keepAliveMs,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  };
  // HTTPS: the same device API; its certificate is set by options.tls before it listens. Access tokens only, as
  // ThingsBoard's HTTP transport (DeviceApiController) has no client-certificate login.
  const secure = options.tls ? createHttpsServer(serverOptions) : null;
  const server = secure ?? createServer(serverOptions);
  let closing: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();
  // Raw TCP connections, before a TLS handshake is spent on them: one address over its limits is cut here.
  if (options.limits) admitConnections(server, options.limits);
  // Requests cut by headersMs/requestMs are counted on the Server screen's Refused panel.
  countClientErrors(server, options.limits);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      res.setHeader('connection', 'close');
      return sendError(res, 'SERVICE_UNAVAILABLE', 'the station is shutting down; try again shortly');
    }
    const handling = handle(req, res)
      .catch((err: unknown) => {
        // A device that hung up (or was cut by requestTimeout) mid-body: nobody to answer, nothing went wrong here.
        if (req.socket.destroyed) return;
        log(`http transport: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (res.headersSent) return void res.destroy();
        sendError(res, 'INTERNAL_ERROR', 'the station could not handle this request; try again');
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });

  // curl and many HTTP stacks announce big bodies with `Expect: 100-continue`: refuse those before they are sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const target = route(req);
    if (target?.kind === 'provision' || target?.kind === 'device') {
      if (req.method === 'POST' && Number(req.headers['content-length']) > httpBodyLimit) return refuseTooLarge(req, res, target, true);
    }
    res.writeContinue();
    server.emit('request', req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = route(req);
    if (target === null) return sendError(res, 'NOT_FOUND', `no such endpoint: ${pathOf(req)}`);
    if (target.kind === 'bad-path') return sendError(res, 'BAD_REQUEST', 'the request path is not valid percent-encoding');
    if (target.kind === 'onboard') return onboard(req, res, target.key);
    const allowed = target.kind === 'provision' ? 'POST' : allowedMethods[target.resource];
    if (target.kind === 'device' && target.resource === 'rpc' && req.method === 'POST') {
      // Client-side RPC goes to ThingsBoard's rule engine, which a station does not have.
      return sendError(res, 'NOT_IMPLEMENTED', 'client-side RPC (POST /rpc) is not offered by this station');
    }
    if (!allowed.split(', ').includes(req.method ?? '')) {
      res.setHeader('allow', allowed);
      return sendError(res, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allowed.replace(', ', ' or ')}`);
    }
    if (target.kind === 'provision') return provision(req, res);

    const device = service.authenticateToken(target.token);
    if (device === null) return sendError(res, 'UNAUTHORIZED', 'no device has this access token');
    const fail = (status: 'BAD_REQUEST', message: string) => sendError(res, status, message);
    switch (target.resource) {
      case 'attributes':
        if (req.method === 'GET') return deviceApi.attributes(req, res, device);
        return firstContact(req, res, device, target);
      case 'attribute-updates':
        return deviceApi.attributeUpdates(req, res, device, fail);
      case 'rpc':
        return deviceApi.rpcRequests(req, res, device, fail);
      case 'rpc-answer': {
        const body = await readLimited(req, res, target);
        if (body === null) return;
        return deviceApi.rpcAnswer(res, device, target.requestId ?? '', body, fail);
      }
      default:
        return firstContact(req, res, device, target);
    }
  }

  async function provision(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = originOf(req);
    const body = await readLimited(req, res, { kind: 'provision' });
    if (body === null) return;
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      const message = reasonText('bodyNotJson');
      service.rejectMalformed(message, origin);
      return sendError(res, 'BAD_REQUEST', message);
    }
    const decoded = service.decode(json);
    if (!decoded.ok) {
      service.rejectMalformed(decoded.message, origin);
      return sendError(res, 'BAD_REQUEST', decoded.message);
    }
    const response = await service.provision(decoded.request, origin);
    // ThingsBoard answers 200 for every outcome, NOT_FOUND and FAILURE included (DeviceApiController).
    sendJson(res, 200, JSON.stringify(response));
  }

  /** The page a phone opens from a label's `url` QR code: read-only, no secret, 404 for an unknown key. */
  function onboard(req: IncomingMessage, res: ServerResponse, key: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET');
      sendError(res, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use GET`);
      return;
    }
    const status = service.onboardingStatus(key);
    const html = onboardPage(status, key);
    res.writeHead(status ? 200 : 404, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'content-security-policy': onboardPagePolicy,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  }

  async function firstContact(req: IncomingMessage, res: ServerResponse, device: DeviceIdentity, target: DeviceRoute): Promise<void> {
    const origin = originOf(req);
    const body = await readLimited(req, res, target);
    if (body === null) return;
    try {
      if (target.resource === 'telemetry') await service.recordTelemetry(device, body, origin);
      else await service.recordAttributes(device, body, origin);
    } catch (err) {
      if (err instanceof Error && err.name === 'BadPayloadError') return sendError(res, 'BAD_REQUEST', err.message);
      throw err;
    }
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  }

  /** The body, or null once a 413 has been sent. */
  async function readLimited(req: IncomingMessage, res: ServerResponse, target: EndpointRoute): Promise<Buffer | null> {
    try {
      return await readBody(req, httpBodyLimit);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      refuseTooLarge(req, res, target);
      return null;
    }
  }

  /**
   * `connection: close` makes Node drop the socket after the 413, so a device cannot keep streaming megabytes at us.
   * A body that is on its way is let in first (bounded, after-body.ts), or the close would reset the connection under
   * the device's upload and it would never read the 413; one announced with `Expect: 100-continue` is refused before
   * it is sent (`announced`), so there is nothing to wait for.
   */
  function refuseTooLarge(req: IncomingMessage, res: ServerResponse, target: EndpointRoute, announced = false): void {
    // Every provisioning attempt is audited, this one too (types.ts rejectMalformed).
    if (target.kind === 'provision') service.rejectMalformed(reasonText('bodyTooLarge', { bytes: httpBodyLimit }), originOf(req));
    options.limits?.refused('too-large', req.socket.remoteAddress);
    const answer = () => {
      res.setHeader('connection', 'close');
      sendError(res, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${httpBodyLimit} bytes`);
    };
    if (announced) answer();
    else afterBody(req, answer);
  }

  return {
    async listen() {
      if (secure) await options.tls?.attach(secure, options.host);
      const port = await listenTcp(server, secure ? 'https' : 'http', options.host, options.port);
      const bound = server.address();
      return { address: typeof bound === 'object' && bound ? bound.address : options.host, port };
    },
    close() {
      closing ??= (async () => {
        // Long polls would hold close() for up to five minutes: each is told 503 now.
        deviceApi.polls.endAll();
        // A device told SUCCESS must hear it: answers in flight go out first, but a stuck one is not waited on long.
        await Promise.race([Promise.allSettled(inFlight), delay(drainMs)]);
        await closeTcp(server);
      })();
      return closing;
    },
  };
}

function route(req: IncomingMessage): Route {
  const path = pathOf(req);
  if (path === provisionPath) return { kind: 'provision' };
  const onboard = /^\/onboard\/([0-9A-Za-z]{1,64})$/.exec(path);
  if (onboard) return { kind: 'onboard', key: onboard[1]! };
  const match = deviceApiPath.exec(path);
  if (!match) return null;
  const [resource, requestId] = match[2]!.split('/') as [string, string | undefined];
  const kind: DeviceResource =
    resource === 'telemetry' ? 'telemetry' : resource === 'rpc' ? (requestId === undefined ? 'rpc' : 'rpc-answer') : requestId ? 'attribute-updates' : 'attributes';
  try {
    return { kind: 'device', token: decodeURIComponent(match[1]!), resource: kind, requestId };
  } catch {
    return { kind: 'bad-path' };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function sendError(res: ServerResponse, status: ErrorStatus, errorMsg: string): void {
  sendJson(res, httpCodeOf[status], JSON.stringify({ errorMsg, status }));
}

function sendJson(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function originOf(req: IncomingMessage): RequestOrigin {
  return { transport: 'http', remoteAddress: peerAddress(req.socket.remoteAddress) };
}

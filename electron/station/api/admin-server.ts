import { StringDecoder } from 'node:string_decoder';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiTokenCreate, ApiTokenRefresh } from '../../../shared/api-tokens.ts';
import type { StationEvent } from '../../../shared/events.ts';
import { ApiError, type ApiReply, httpStatusOf } from '../../../shared/errors.ts';
import type { EventBus } from '../event-bus.ts';
import { depthScanner } from '../net/json-depth.ts';
import { closeTcp, listenTcp } from '../net/listen.ts';
import { BodyTooLargeError, readBodyInto } from '../net/read-body.ts';
import type { ApiTokens } from './api-tokens.ts';
import { isOwnOrigin, presentedSecret, sameSecret, sessionCookie } from './auth.ts';
import { openEventStream } from './event-stream.ts';
import { writeJsonReply } from './json-reply.ts';
import type { LabelDownloads } from './handlers/labels.ts';
import { ADMIN, type CallContext, type Principal, type Router } from './router.ts';
import { serveStatic } from './static-files.ts';

export interface AdminServerOptions {
  port: number;
  secret: string;
  router: Router;
  apiTokens: ApiTokens;
  bus: EventBus;
  uiDir?: string;
  /** Streams label PDFs/ZPL (`GET /api/labels.pdf|.zpl`); absent, those paths are 404. */
  labelDownloads?: LabelDownloads;
  /** First event of every live stream, so a (re)connecting UI is current at once. */
  hello: () => StationEvent;
  /** Bounds on a slow or stalled client (defaults: adminTimeouts). */
  timeouts?: Partial<AdminTimeouts>;
  log?: (line: string) => void;
}

/**
 * How long the admin server waits for a client. A request that announces a body and stops sending (a wrong
 * Content-Length, a chunked body never ended) is closed with 408 once `requestMs` has passed since it began, and one
 * whose headers never end after `headersMs`; without these Node waits 300 s. The live event stream is exempt: it is
 * an answer that goes on, not a request still arriving. Imports of 64 MB from the UI arrive in well under a second on
 * loopback, so two minutes is generous.
 */
export interface AdminTimeouts {
  headersMs: number;
  requestMs: number;
}

export const adminTimeouts: AdminTimeouts = { headersMs: 10_000, requestMs: 120_000 };

export interface AdminServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

// Imports of 100,000-row files (and label jobs naming every device) travel through here; the API only listens on
// loopback behind the secret.
const bodyLimit = 64 * 1024 * 1024;
// A selection of devices to remove or move names them all (10,000 names are ~200 KB).
const largeBodyMethods = new Set(['devices.import', 'sync.bundle.import', 'labels.check', 'labels.sendToPrinter', 'devices.remove', 'devices.removal.preview', 'devices.setProfile']);
// Every other call's params are a few fields. JSON.parse of tens of MB costs seconds of a blocked loop and a GB of
// heap that the process then keeps (found by npm run fuzz: 32 MB of `[[[…` held /healthz for 3 s, RSS 1.1 GB).
const smallBodyLimit = 1024 * 1024;
// No params nest deeper than a few levels; deeper input is refused before JSON.parse builds it.
const maxDepth = 64;
// Always loopback: the LAN sees only the device endpoints.
const host = '127.0.0.1';

/** The admin API and UI: 127.0.0.1 only, authenticated by the run's secret (Jupyter-style URL token). */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  let port = options.port;
  const streams = new Set<() => void>();
  const timeouts = { ...adminTimeouts, ...options.timeouts };
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks those bounds on this interval (default 30 s): checked often enough that they hold to about a second.
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs, timeouts.requestMs),
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        // A caller that hung up mid-body ('aborted'): nobody to answer, nothing went wrong here (as transports/http.ts).
        if (req.socket.destroyed) return;
        if (res.headersSent) return void res.destroy();
        if (err instanceof ApiError) return void sendJson(res, httpStatusOf[err.code], { ok: false, error: err.toBody() });
        options.log?.(`admin API: ${err instanceof Error ? err.stack : String(err)}`);
        void sendJson(res, 500, { ok: false, error: new ApiError('internal', 'internal error').toBody() });
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (!isOwnOrigin(req, port)) return refuse(res, 403, 'forbidden', 'requests from another origin are refused');

    const token = url.searchParams.get('token');
    if (url.pathname === '/' && token !== null) {
      if (!sameSecret(token, options.secret)) return refuse(res, 401, 'unauthorized', 'that UI link is out of date');
      // Swap the URL token for an HttpOnly cookie and drop it from the address bar and history.
      res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(port, options.secret), 'cache-control': 'no-store' });
      return void res.end();
    }
    if (!url.pathname.startsWith('/api/')) return serveStatic(options.uiDir, url.pathname, res);

    if (req.method === 'POST' && url.pathname === '/api/token/refresh') {
      const body = ApiTokenRefresh.safeParse(await readJson(req));
      if (!body.success) throw new ApiError('invalid_params', 'send {"refreshToken": "..."}');
      return sendJson(res, 200, options.apiTokens.refresh(body.data.refreshToken));
    }

    const principal = authenticate(req);
    if (!principal) return refuse(res, 401, 'unauthorized', 'open the UI link the station printed, or send its secret');
    const ctx: CallContext = { principal };

    // DeviceHive's token/create: plain JSON in and out, as scripts written for it expect.
    if (req.method === 'POST' && url.pathname === '/api/token/create') {
      if (principal.kind === 'api-token' && !principal.actions.includes('ManageToken')) {
        throw new ApiError('forbidden', 'this API token may not ManageToken');
      }
      const body = ApiTokenCreate.safeParse(await readJson(req));
      if (!body.success) throw new ApiError('invalid_params', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return sendJson(res, 200, options.apiTokens.create(body.data.payload, principal));
    }

    if (req.method === 'GET' && url.pathname === '/api/status') {
      return sendReply(res, await options.router.call('station.status', {}, ctx));
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      const close = openEventStream(req, res, options.bus, options.hello);
      streams.add(close);
      req.on('close', () => streams.delete(close));
      return;
    }
    const labels = /^\/api\/labels\.(pdf|zpl)$/.exec(url.pathname);
    if (labels && req.method === 'GET' && options.labelDownloads) {
      return options.labelDownloads.serve(labels[1] as 'pdf' | 'zpl', url.searchParams, principal, res);
    }
    const rpc = /^\/api\/rpc\/([\w.-]+)$/.exec(url.pathname);
    if (rpc && req.method === 'POST') {
      const params = await readJson(req, largeBodyMethods.has(rpc[1]!) ? bodyLimit : smallBodyLimit);
      return sendReply(res, await options.router.call(rpc[1]!, params, ctx));
    }
    return refuse(res, 404, 'not_found', `no such endpoint: ${req.method} ${url.pathname}`);
  }

  /** The run's secret is the owner; a JWT is a scoped API token (an expired one throws a 401 saying so). */
  function authenticate(req: IncomingMessage): Principal | null {
    const given = presentedSecret(req, port);
    if (given === null) return null;
    if (sameSecret(given, options.secret)) return ADMIN.principal;
    if (given.split('.').length === 3) return options.apiTokens.verifyAccess(given);
    return null;
  }

  return {
    async listen() {
      port = await listenTcp(server, 'ui', host, options.port);
      return { address: host, port };
    },
    async close() {
      for (const close of streams) close();
      streams.clear();
      await closeTcp(server);
    },
  };
}

async function readJson(req: IncomingMessage, limit = smallBodyLimit): Promise<unknown> {
  // Checked and decoded chunk by chunk as the body arrives: a body of megabytes scanned and converted in one block
  // after it had all come held the loop for 100 ms and more (npm run fuzz). JSON.parse itself stays one call.
  const deeperThanMax = depthScanner(maxDepth);
  const decoder = new StringDecoder('utf8');
  const text: string[] = [];
  let deeper = false;
  try {
    await readBodyInto(req, limit, (chunk) => {
      if (deeper) return;
      if (deeperThanMax(chunk)) deeper = true;
      else text.push(decoder.write(chunk));
    });
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new ApiError('payload_too_large', err.message);
    throw err;
  }
  if (deeper) throw new ApiError('bad_request', `the request body nests deeper than ${maxDepth} levels`);
  text.push(decoder.end());
  const body = text.join('');
  if (body.length === 0) return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new ApiError('bad_request', 'the request body is not valid JSON');
  }
}

function sendReply(res: ServerResponse, reply: ApiReply): Promise<void> {
  return sendJson(res, reply.ok ? 200 : httpStatusOf[reply.error.code], reply);
}

function refuse(res: ServerResponse, status: number, code: 'forbidden' | 'unauthorized' | 'not_found', message: string) {
  return sendJson(res, status, { ok: false, error: { code, message } });
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
// A client that takes none of its reply for this long has gone; the reply is dropped rather than held.
const replyStallMs = 60_000;

/** A list of 100,000 devices is written in chunks, giving the loop a turn between them (json-reply.ts). */
function sendJson(res: ServerResponse, status: number, body: unknown): Promise<void> {
  return writeJsonReply(res, status, jsonHeaders, body, { stalledMs: replyStallMs });
}

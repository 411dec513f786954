import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CloudDeviceApi, startCloudDeviceApi } from './thingsboard-cloud/device-api.ts';
import { type FaultAction, FaultPlan, type RouteName } from './thingsboard-cloud/faults.ts';
import { createJwtIssuer } from './thingsboard-cloud/jwt.ts';
import { CloudError, type Reply, TbErrorCode, TbMessage, errorReply, unauthorized } from './thingsboard-cloud/replies.ts';
import { type RouteContext, matchRoute } from './thingsboard-cloud/routes.ts';
import { TenantState, defaultProfileData } from './thingsboard-cloud/state.ts';
import { CloudStats } from './thingsboard-cloud/stats.ts';

// A stand-in for a remote ThingsBoard cloud, for tests only: one tenant, in memory, on 127.0.0.1, answering the
// few REST calls sync makes with ThingsBoard's JSON and error codes, plus fault injection.

export type { FaultAction, FaultRule, RouteName } from './thingsboard-cloud/faults.ts';
export { TbErrorCode, TbMessage } from './thingsboard-cloud/replies.ts';
export { certTrimNewLines } from './thingsboard-cloud/credentials.ts';

export interface ThingsBoardCloudOptions {
  /** Tenant administrators; default ThingsBoard's demo tenant `tenant@thingsboard.org` / `tenant`. */
  users?: Array<{ username: string; password: string }>;
  /** Valid `X-Authorization: ApiKey <value>` keys (ThingsBoard 4.3+). */
  apiKeys?: string[];
  /** Device profiles besides `default`, which every tenant has. */
  profiles?: string[];
  /** Access-token lifetime; ThingsBoard's default is 9000 s. Keep it short to exercise refresh. */
  accessTokenTtlSec?: number;
  refreshTokenTtlSec?: number;
  /** Clock in ms for token expiry and timestamps; share one with the client to move time without sleeping. */
  now?: () => number;
  /** Seed for probabilistic faults. */
  seed?: number;
  /** Also accept devices (MQTT on its own port, HTTP device API on the REST port), as ThingsBoard does. */
  deviceApi?: boolean;
}

export interface ThingsBoardCloud {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly state: TenantState;
  readonly faults: FaultPlan;
  readonly stats: CloudStats;
  /** Present with `deviceApi: true`: where devices connect, and what they did there. */
  readonly deviceApi: CloudDeviceApi | null;
  /** Idempotent; drops open connections and pending delayed answers. */
  close(): Promise<void>;
}

export async function startThingsBoardCloud(options: ThingsBoardCloudOptions = {}): Promise<ThingsBoardCloud> {
  const now = options.now ?? Date.now;
  const stats = new CloudStats();
  const state = new TenantState(now, (w) => stats.countWrite(w));
  const jwt = createJwtIssuer({
    now,
    accessTtlSec: options.accessTokenTtlSec ?? 9000,
    refreshTtlSec: options.refreshTokenTtlSec ?? 604800,
  });
  const faults = new FaultPlan(options.seed ?? 1, (which) => jwt.revokeIssued(which));

  for (const u of options.users ?? [{ username: 'tenant@thingsboard.org', password: 'tenant' }]) {
    state.users.set(u.username, { password: u.password, userId: randomUUID() });
  }
  for (const k of options.apiKeys ?? []) state.apiKeys.add(k);
  state.createProfile(
    {
      name: 'default',
      type: 'DEFAULT',
      transportType: 'DEFAULT',
      description: 'Default device profile',
      profileData: defaultProfileData(),
    },
    { isDefault: true },
  );
  for (const name of options.profiles ?? []) {
    state.createProfile({ name, type: 'DEFAULT', transportType: 'DEFAULT', profileData: defaultProfileData() });
  }
  stats.reset(); // seeding is not traffic

  let closed = false;
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => done(), ms), resolve: () => done() };
      const done = () => {
        clearTimeout(entry.timer);
        pending.delete(entry);
        resolve();
      };
      pending.add(entry);
    });

  /** ThingsboardSecurityConfiguration: X-Authorization (or Authorization) with "Bearer " or "ApiKey ". */
  const authenticate = (req: IncomingMessage): void => {
    const header = headerOf(req, 'x-authorization') || headerOf(req, 'authorization');
    if (header.startsWith('ApiKey ')) {
      // ApiKeyAuthenticationProvider: unknown key -> BadCredentialsException -> the fixed 401/10 message.
      if (!state.apiKeys.has(header.slice('ApiKey '.length))) throw unauthorized(TbMessage.badCredentials);
      return;
    }
    if (!header.startsWith('Bearer ')) throw unauthorized(TbMessage.authenticationFailed);
    const v = jwt.verify(header.slice('Bearer '.length));
    if (v.ok && (v.claims.scopes as unknown[] | undefined)?.[0] === 'TENANT_ADMIN') return;
    // JwtAuthenticationProvider: expired, badly signed and outdated tokens are all JwtExpiredTokenException.
    if (!v.ok && v.reason !== 'malformed') throw unauthorized(TbMessage.tokenExpired, TbErrorCode.JWT_TOKEN_EXPIRED);
    throw unauthorized(TbMessage.badCredentials);
  };

  const run = (req: IncomingMessage, url: URL, body: string): Reply => {
    const match = matchRoute(req.method ?? 'GET', url.pathname);
    try {
      // Spring's /error fallback for an unmapped path: reason phrase, errorCode from the status.
      if (!match) return errorReply(404, 'Not Found', TbErrorCode.ITEM_NOT_FOUND, now());
      if (match.route.authenticated) authenticate(req);
      const ctx: RouteContext = { state, jwt, url, params: match.params, body };
      return match.route.handle(ctx);
    } catch (e) {
      if (!(e instanceof CloudError)) {
        return errorReply(500, (e as Error).message, TbErrorCode.GENERAL, now());
      }
      if (e.errorCode === null) return { status: e.status, text: e.message };
      return errorReply(e.status, e.message, e.errorCode, now(), e.headers);
    }
  };

  const faultReply = (f: FaultAction): Reply | undefined => {
    switch (f.type) {
      case 'error':
        return errorReply(
          f.status,
          f.message ?? (f.status >= 500 ? 'Internal Server Error' : 'Bad Request'),
          (f.errorCode ?? (f.status >= 500 ? TbErrorCode.GENERAL : TbErrorCode.BAD_REQUEST_PARAMS)) as TbErrorCode,
          now(),
        );
      case 'rateLimit':
        return errorReply(
          429,
          TbMessage.tooManyRequests,
          TbErrorCode.TOO_MANY_REQUESTS,
          now(),
          f.retryAfter === undefined ? undefined : { 'Retry-After': f.retryAfter },
        );
      case 'raw':
        return { status: f.status, text: f.body, headers: { 'Content-Type': f.contentType ?? 'text/html' } };
      case 'expireToken':
        return errorReply(401, TbMessage.tokenExpired, TbErrorCode.JWT_TOKEN_EXPIRED, now());
      default:
        return undefined;
    }
  };

  const deviceApi = options.deviceApi ? await startCloudDeviceApi(state, now) : null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (deviceApi?.handleHttp(req, res, url.pathname, body)) return;
    const route: RouteName = matchRoute(req.method ?? 'GET', url.pathname)?.route.name ?? 'unknown';
    stats.countRequest(route);
    const fault = faults.pick(route);
    const destroy = () => {
      req.socket.destroy();
      stats.countAnswer(route, 'socket-destroyed');
    };
    if (fault?.type === 'drop') return destroy();
    if (fault?.type === 'delay' && !fault.afterWrite) await wait(fault.ms);
    if (closed) return destroy();
    const reply = (fault && faultReply(fault)) ?? run(req, url, body);
    if (fault?.type === 'dropAfterWrite') return destroy();
    if (fault?.type === 'delay' && fault.afterWrite) await wait(fault.ms);
    if (closed || res.destroyed) return destroy();
    send(res, reply);
    const code = (reply.json as { errorCode?: number } | undefined)?.errorCode;
    stats.countAnswer(route, code === undefined ? String(reply.status) : `${reply.status}/${code}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, errorReply(500, String(e), TbErrorCode.GENERAL, now()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    stats,
    deviceApi,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const p of [...pending]) p.resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => deviceApi?.close());
      return closing;
    },
  };
}

function headerOf(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    headers['Content-Type'] ??= 'application/json';
  } else if (reply.text !== undefined) {
    payload = reply.text;
    headers['Content-Type'] ??= 'text/plain;charset=UTF-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

import type { RouteName } from './faults.ts';
import type { JwtIssuer } from './jwt.ts';
import { CloudError, type Reply, TbErrorCode, TbMessage, badRequest, notFound, textError, unauthorized } from './replies.ts';
import type { StoredProfile, TenantState } from './state.ts';

// The slice of ThingsBoard's REST API that sync uses. Sources: AuthController + RestLoginProcessingFilter +
// RefreshTokenProcessingFilter (auth), DeviceController, DeviceProfileController, TelemetryController.

export interface RouteContext {
  state: TenantState;
  jwt: JwtIssuer;
  url: URL;
  params: string[];
  /** Raw request body. */
  body: string;
}

export interface Route {
  name: RouteName;
  method: string;
  path: RegExp;
  /** Needs `X-Authorization: Bearer <jwt>` or `ApiKey <key>`. */
  authenticated: boolean;
  handle(ctx: RouteContext): Reply;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** BaseController.toUUID: IllegalArgumentException -> 400/31 with Java's message. */
function toUuid(id: string): string {
  if (!UUID.test(id)) throw badRequest(`Invalid UUID string: ${id}`);
  return id.toLowerCase();
}

function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    // Spring's HttpMessageNotReadableException via ResponseEntityExceptionHandler -> 400/31.
    throw badRequest(`JSON parse error: ${(e as Error).message}`);
  }
}

/** ControllerConstants page params + Validator.validatePageLink. */
function pageLink(url: URL): { pageSize: number; page: number; textSearch: string } {
  const q = url.searchParams;
  for (const p of ['pageSize', 'page']) {
    if (!q.has(p)) throw badRequest(`Required request parameter '${p}' for method parameter type int is not present`);
  }
  const pageSize = Number(q.get('pageSize'));
  const page = Number(q.get('page'));
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw badRequest(`Incorrect page link page size '${q.get('pageSize')}'. Page size must be greater than zero.`);
  }
  if (!Number.isInteger(page) || page < 0) {
    throw badRequest(`Incorrect page link page '${q.get('page')}'. Page must be positive integer.`);
  }
  return { pageSize, page, textSearch: q.get('textSearch') ?? '' };
}

/** PageData<T>: {data,totalPages,totalElements,hasNext}; textSearch is a case-insensitive "contains" on name. */
function pageOf<T extends { name: string; createdTime: number }, J>(items: T[], url: URL, toJson: (t: T) => J) {
  const { pageSize, page, textSearch } = pageLink(url);
  const needle = textSearch.toLowerCase();
  const matching = items
    .filter((i) => i.name.toLowerCase().includes(needle))
    .sort((a, b) => a.createdTime - b.createdTime);
  const totalElements = matching.length;
  const totalPages = Math.ceil(totalElements / pageSize);
  const data = matching.slice(page * pageSize, (page + 1) * pageSize).map(toJson);
  return { data, totalPages, totalElements, hasNext: (page + 1) * pageSize < totalElements };
}

const ok = (json: unknown): Reply => ({ status: 200, json });

function login(ctx: RouteContext): Reply {
  let body: { username?: unknown; password?: unknown };
  try {
    body = JSON.parse(ctx.body) ?? {};
  } catch {
    throw unauthorized(TbMessage.authenticationFailed); // "Invalid login request payload" is not shown to clients
  }
  const username = typeof body.username === 'string' ? body.username : '';
  const password = typeof body.password === 'string' ? body.password : '';
  if (username.trim() === '' || password === '') throw unauthorized(TbMessage.authenticationFailed);
  const user = ctx.state.users.get(username);
  if (!user || user.password !== password) throw unauthorized(TbMessage.badCredentials);
  // JwtPair is @JsonInclude(NON_NULL): scope is absent for a normal login.
  return ok(ctx.jwt.issuePair({ userId: user.userId, username, tenantId: ctx.state.tenantId }));
}

function refresh(ctx: RouteContext): Reply {
  let token = '';
  try {
    const body = JSON.parse(ctx.body);
    token = typeof body?.refreshToken === 'string' ? body.refreshToken : '';
  } catch {
    throw unauthorized(TbMessage.authenticationFailed);
  }
  if (token.trim() === '') throw unauthorized(TbMessage.authenticationFailed);
  const v = ctx.jwt.verify(token);
  if (!v.ok) {
    if (v.reason === 'expired') throw unauthorized(TbMessage.tokenExpired, TbErrorCode.JWT_TOKEN_EXPIRED);
    if (v.reason === 'outdated') throw unauthorized(TbMessage.tokenOutdated); // CredentialsExpiredException -> 401/10
    throw unauthorized(TbMessage.badCredentials);
  }
  const scopes = v.claims.scopes as unknown[];
  // JwtTokenFactory.parseRefreshToken throws IllegalArgumentException, which AuthExceptionHandler turns into 500/2.
  if (scopes?.[0] !== 'REFRESH_TOKEN') throw new CloudError(500, 'Invalid Refresh Token scope', TbErrorCode.GENERAL);
  const username = String(v.claims.sub);
  const user = ctx.state.users.get(username);
  if (!user) throw unauthorized(TbMessage.badCredentials);
  return ok(ctx.jwt.issuePair({ userId: user.userId, username, tenantId: ctx.state.tenantId }));
}

function deviceByName(ctx: RouteContext): Reply {
  const name = ctx.url.searchParams.get('deviceName') ?? '';
  const d = ctx.state.deviceByName(name);
  if (!d) throw notFound();
  return ok(ctx.state.deviceJson(d));
}

function telemetryDevice(ctx: RouteContext): string {
  const [entityType, rawId] = ctx.params as [string, string];
  if (entityType !== 'DEVICE') throw badRequest(`The fake cloud stores attributes of devices only, not ${entityType}`);
  const id = toUuid(rawId);
  if (!ctx.state.devices.has(id)) throw textError(404, TbMessage.telemetryDeviceNotFound);
  return id;
}

const WRITABLE_SCOPES = ['SERVER_SCOPE', 'SHARED_SCOPE'] as const;
const ALL_SCOPES = ['SERVER_SCOPE', 'SHARED_SCOPE', 'CLIENT_SCOPE'];

function saveAttributes(ctx: RouteContext): Reply {
  const scope = ctx.params[2] as string;
  // The path variable is the AttributeScope enum: Spring refuses other words before the controller runs.
  if (!ALL_SCOPES.includes(scope)) {
    throw badRequest(`Failed to convert value of type 'java.lang.String' to required type 'org.thingsboard.server.common.data.AttributeScope'; Failed to convert from type [java.lang.String] to type [@org.springframework.web.bind.annotation.PathVariable org.thingsboard.server.common.data.AttributeScope] for value [${scope}]`);
  }
  // TelemetryController.saveAttributes: only SERVER_SCOPE and SHARED_SCOPE are writable; errors are text/plain.
  if (!(WRITABLE_SCOPES as readonly string[]).includes(scope)) throw textError(400, `Invalid scope: ${scope}`);
  let json: unknown;
  try {
    json = JSON.parse(ctx.body);
  } catch {
    // @RequestBody JsonNode: Jackson fails before the controller (HttpMessageNotReadableException -> 400/31).
    throw badRequest('JSON parse error: Invalid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw textError(400, 'Request is not a JSON object');
  }
  // JsonConverter.convertToAttributes skips JSON nulls.
  const entries = Object.entries(json).filter(([, v]) => v !== null);
  if (entries.length === 0) throw textError(400, 'No attributes data found in request body!');
  if (entries.some(([k]) => k.trim() === '')) throw textError(400, 'Key cannot be empty or contains only spaces');
  const id = telemetryDevice(ctx);
  ctx.state.saveAttributes(id, scope as (typeof WRITABLE_SCOPES)[number], Object.fromEntries(entries));
  return { status: 200 };
}

function getAttributes(ctx: RouteContext): Reply {
  const id = telemetryDevice(ctx);
  const keys = ctx.url.searchParams.get('keys')?.split(',').filter(Boolean);
  const store = ctx.params[2] === 'SHARED_SCOPE' ? ctx.state.sharedAttributes : ctx.state.attributes;
  const bucket = store.get(id) ?? new Map();
  const list = [...bucket]
    .filter(([k]) => !keys || keys.includes(k))
    .map(([key, a]) => ({ lastUpdateTs: a.lastUpdateTs, key, value: a.value })); // AttributeData
  return ok(list);
}

/** JsonConverter.convertToTelemetry (common/proto): `{k:v}`, `{ts, values}` or an array of those objects. */
function telemetryPoints(json: unknown, now: number): Array<{ ts: number; key: string; value: unknown }> {
  const cannot = (v: unknown) => new Error(`Can't parse value: ${JSON.stringify(v)}`);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const items = Array.isArray(json) ? json : [json];
  if (!Array.isArray(json) && !isObject(json)) throw cannot(json);
  const points: Array<{ ts: number; key: string; value: unknown }> = [];
  for (const item of items) {
    if (!isObject(item)) throw cannot(item);
    const withTs = 'ts' in item && 'values' in item;
    // jo.get("ts").getAsLong() and jo.get("values").getAsJsonObject()
    if (withTs && !Number.isInteger(typeof item.ts === 'string' ? Number(item.ts) : item.ts)) throw new Error(`For input string: "${String(item.ts)}"`);
    if (withTs && !isObject(item.values)) throw new Error(`Not a JSON Object: ${JSON.stringify(item.values)}`);
    const ts = withTs ? Number(item.ts) : now;
    const values = withTs ? (item.values as Record<string, unknown>) : item;
    // parseValues: primitives, objects and arrays are values; JSON nulls are skipped.
    for (const [key, value] of Object.entries(values)) if (value !== null) points.push({ ts, key, value });
  }
  return points;
}

/** TelemetryController.saveEntityTelemetry(WithTTL): POST .../timeseries/{scope}[/{ttl}]; the scope is not used. */
function saveTelemetry(ctx: RouteContext): Reply {
  let json: unknown;
  try {
    json = JSON.parse(ctx.body);
  } catch {
    throw textError(400, 'Unable to parse time series payload: Invalid JSON body!');
  }
  let points: Array<{ ts: number; key: string; value: unknown }>;
  try {
    points = telemetryPoints(json, Date.now());
  } catch (e) {
    throw textError(400, `Unable to parse time series payload. Invalid JSON body: ${(e as Error).message}`);
  }
  if (points.length === 0) throw textError(400, 'No time series data found in request body!');
  const id = telemetryDevice(ctx);
  ctx.state.saveTelemetry(id, points);
  return { status: 200 };
}

function createProfile(ctx: RouteContext): Reply {
  const body = parseJsonBody(ctx.body) as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object') throw badRequest('Device profile should be specified');
  if (body.id != null) throw badRequest('The fake cloud only creates device profiles; updates are not implemented');
  return ok(ctx.state.profileJson(ctx.state.createProfile(body)));
}

const profilesOf = (ctx: RouteContext): StoredProfile[] => [...ctx.state.profiles.values()];

export const routes: Route[] = [
  { name: 'login', method: 'POST', path: /^\/api\/auth\/login$/, authenticated: false, handle: login },
  { name: 'refresh', method: 'POST', path: /^\/api\/auth\/token$/, authenticated: false, handle: refresh },
  {
    name: 'getDeviceByName',
    method: 'GET',
    // DeviceController.getTenantDevice (@GetMapping params = "deviceName") and getTenantDeviceByName.
    path: /^\/api\/tenant\/devices?$/,
    authenticated: true,
    handle: (ctx) => {
      if (ctx.url.searchParams.has('deviceName')) return deviceByName(ctx);
      if (ctx.url.pathname.endsWith('/device')) {
        throw badRequest("Required request parameter 'deviceName' for method parameter type String is not present");
      }
      return ok(pageOf([...ctx.state.devices.values()], ctx.url, (d) => ctx.state.deviceJson(d)));
    },
  },
  {
    name: 'getCredentials',
    method: 'GET',
    path: /^\/api\/device\/([^/]+)\/credentials$/,
    authenticated: true,
    handle: (ctx) => {
      const d = ctx.state.requireDevice(toUuid(ctx.params[0] as string));
      const c = ctx.state.credentials.get(d.id);
      if (!c) throw notFound();
      return ok(ctx.state.credentialsJson(c));
    },
  },
  {
    name: 'createDevice',
    method: 'POST',
    path: /^\/api\/device-with-credentials$/,
    authenticated: true,
    handle: (ctx) => {
      const body = parseJsonBody(ctx.body) as Record<string, unknown> | null;
      if (body === null || typeof body !== 'object') throw badRequest('Request body is missing');
      return ok(ctx.state.deviceJson(ctx.state.createDeviceWithCredentials(body)));
    },
  },
  {
    name: 'listProfileInfos',
    method: 'GET',
    path: /^\/api\/deviceProfileInfos$/,
    authenticated: true,
    handle: (ctx) => ok(pageOf(profilesOf(ctx), ctx.url, (p) => ctx.state.profileInfoJson(p))),
  },
  {
    name: 'profileNames',
    method: 'GET',
    path: /^\/api\/deviceProfile\/names$/,
    authenticated: true,
    // List<EntityInfo>
    handle: (ctx) => ok(profilesOf(ctx).map((p) => ({ id: { entityType: 'DEVICE_PROFILE', id: p.id }, name: p.name }))),
  },
  { name: 'createProfile', method: 'POST', path: /^\/api\/deviceProfile$/, authenticated: true, handle: createProfile },
  {
    name: 'saveTelemetry',
    method: 'POST',
    path: /^\/api\/plugins\/telemetry\/([^/]+)\/([^/]+)\/timeseries\/([^/]+)(?:\/(\d+))?$/,
    authenticated: true,
    handle: saveTelemetry,
  },
  {
    name: 'saveAttributes',
    method: 'POST',
    // saveEntityAttributesV2 and the older V1 path without "/attributes".
    path: /^\/api\/plugins\/telemetry\/([^/]+)\/([^/]+)\/(?:attributes\/)?([^/]+)$/,
    authenticated: true,
    handle: saveAttributes,
  },
  {
    name: 'getAttributes',
    method: 'GET',
    path: /^\/api\/plugins\/telemetry\/([^/]+)\/([^/]+)\/values\/attributes\/(SERVER_SCOPE|SHARED_SCOPE)$/,
    authenticated: true,
    handle: getAttributes,
  },
];

export function matchRoute(method: string, pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.path.exec(pathname);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

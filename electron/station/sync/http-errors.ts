// How an upstream target (ThingsBoard, webhook) failed, in terms the sync worker acts on.
// Plain JSON so the worker can store it on the outbox row and the UI can show `message`.

export type TargetFailure =
  /** Try this item again later (5xx, 429, timeouts, dropped connections). `retryAfterMs` when the server said. */
  | { kind: 'retryable'; status?: number; retryAfterMs?: number; message: string }
  /** The cloud is unreachable from here (no DNS, refused, no route): pause the whole sync, nothing is wrong with the item. */
  | { kind: 'offline'; message: string }
  /** The station cannot authenticate with this cloud (login, API key, permission or its TLS certificate): stop syncing until settings change. */
  | { kind: 'auth'; status?: number; message: string }
  /** The cloud holds something different under the same identity; a person must decide. Never overwritten. */
  | { kind: 'conflict'; status?: number; message: string }
  /** The item names a device profile the cloud lacks and the target may not create it. */
  | { kind: 'missing-profile'; profileName: string; message: string }
  /**
   * The cloud rejected this item for good (other 4xx); `message` carries the cloud's reason. `cause` names a
   * reason found before any request (e.g. `no-credentials`); without it the HTTP status is the cause.
   */
  | { kind: 'fatal'; status?: number; message: string; cause?: string };

export type TargetFailureKind = TargetFailure['kind'];

/** Thrown by targets; `failure` is the value to store. */
export class TargetError extends Error {
  constructor(readonly failure: TargetFailure) {
    super(failure.message);
    this.name = 'TargetError';
  }

  get kind(): TargetFailureKind {
    return this.failure.kind;
  }
}

/**
 * The stable key of why an item was refused or is in conflict, shared by every device refused for the same
 * reason (`missing-profile:meters`): sync/problems.ts states it once with its fix. Built from the classified
 * failure, never from its message, which names the device. `code:detail`, the code before the first colon.
 */
export function failureCause(f: TargetFailure): string {
  switch (f.kind) {
    case 'missing-profile':
      return `missing-profile:${f.profileName}`;
    case 'fatal':
      return f.cause ?? (f.status === undefined ? 'refused' : `refused:${f.status}`);
    case 'conflict':
      return f.status === undefined ? 'conflict' : `conflict:${f.status}`;
    default:
      // retryable, offline, auth: the device waits and is never listed as a problem.
      return f.kind;
  }
}

export const isTargetError = (e: unknown): e is TargetError => e instanceof TargetError;

/**
 * RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date. Returns ms from `nowMs`, never negative;
 * undefined when absent or unreadable (the worker then uses its own backoff).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

// Error codes from Node (libuv/getaddrinfo) and undici, the engine under Node's fetch.
const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT)/;

/** Walks `cause` links (fetch wraps the socket error in a TypeError "fetch failed"). */
function errorChain(err: unknown): Array<{ name?: string; code?: string; message?: string }> {
  const chain: Array<{ name?: string; code?: string; message?: string }> = [];
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e !== null && typeof e === 'object'; depth += 1) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    chain.push({
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    });
    // AggregateError (happy-eyeballs tried v4 and v6): classify by the first inner error.
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = (e as { cause?: unknown }).cause ?? inner;
  }
  return chain;
}

/**
 * Classifies an error thrown by fetch (no HTTP answer at all). `cloud` names the server for messages,
 * `timeoutMs` is the limit the caller set, used when the request was aborted by it.
 */
export function classifyNetworkError(err: unknown, cloud: string, timeoutMs: number): TargetFailure {
  const chain = errorChain(err);
  if (chain.some((e) => e.name === 'TimeoutError')) {
    const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    return { kind: 'retryable', message: `${cloud} did not answer within ${limit}.` };
  }
  if (chain.some((e) => e.name === 'AbortError')) {
    return { kind: 'retryable', message: `The request to ${cloud} was cancelled.` };
  }
  const code = chain.find((e) => e.code)?.code ?? '';
  if (OFFLINE_CODES.has(code)) {
    return { kind: 'offline', message: `${cloud} cannot be reached from this computer (${code}).` };
  }
  if (TLS_CODES.test(code)) {
    return { kind: 'auth', message: `${cloud}'s HTTPS certificate is not trusted (${code}).` };
  }
  // Anything else (resets, sockets closed mid-answer, unknown codes) may well work next time.
  const detail = code || chain.at(-1)?.message || 'unknown network error';
  const what = RETRYABLE_CODES.has(code) ? `The connection to ${cloud} broke before it answered` : `Network error talking to ${cloud}`;
  return { kind: 'retryable', message: `${what} (${detail}).` };
}

/** The usual meaning of an HTTP error status for a sync target; `reason` is the server's own message. */
export function failureForStatus(
  status: number,
  reason: string,
  retryAfterMs: number | undefined,
): TargetFailure {
  if (status === 429) {
    return { kind: 'retryable', status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), message: reason };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), message: reason };
  }
  if (status === 401 || status === 403) return { kind: 'auth', status, message: reason };
  if (status === 409) return { kind: 'conflict', status, message: reason };
  return { kind: 'fatal', status, message: reason };
}

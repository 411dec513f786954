import type { z } from 'zod';
import { type TargetFailure, TargetError, classifyNetworkError, failureForStatus, parseRetryAfter } from '../http-errors.ts';
import { TbErrorBody } from './schemas.ts';

// One HTTP exchange with ThingsBoard: timeout, JSON in and out, and turning its answers into TargetFailures.

/** ThingsboardErrorCode values the adapter branches on (common/data/.../exception/ThingsboardErrorCode.java). */
export const TbCode = {
  AUTHENTICATION: 10,
  JWT_TOKEN_EXPIRED: 11,
  PERMISSION_DENIED: 20,
  BAD_REQUEST_PARAMS: 31,
  ITEM_NOT_FOUND: 32,
} as const;

export interface TbAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  /** Parsed JSON body, if it was JSON. */
  json: unknown;
  /** ThingsBoard's {message, errorCode} if the body was its error shape, or its bare-text error (TelemetryController). */
  error?: { message: string; errorCode?: number };
}

export interface TbHttpOptions {
  baseUrl: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  /** Names the server in messages, e.g. "ThingsBoard (tb.example.com)". */
  cloud: string;
}

export class TbHttp {
  constructor(readonly options: TbHttpOptions) {}

  get cloud(): string {
    return this.options.cloud;
  }

  /** Sends one request. Throws TargetError only when no HTTP answer arrived; any status is returned. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; authorization?: string; signal?: AbortSignal | undefined } = {},
  ): Promise<TbAnswer> {
    const { timeoutMs } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (init.authorization) headers['X-Authorization'] = init.authorization;
    try {
      const res = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal,
        // fetch would follow a 301/302 on POST as a GET; a redirect means the URL setting is wrong.
        redirect: 'manual',
      });
      const text = await res.text(); // under the same signal: a body that never ends also times out
      return { status: res.status, statusText: res.statusText, headers: res.headers, ...readBody(res, text) };
    } catch (e) {
      throw new TargetError(classifyNetworkError(e, this.cloud, timeoutMs));
    }
  }

  /** Validates a 2xx body. A body that is not ThingsBoard's (a proxy or captive-portal page) is worth retrying. */
  parse<S extends z.ZodType>(answer: TbAnswer, schema: S, what: string): z.infer<S> {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    throw new TargetError({
      kind: 'retryable',
      status: answer.status,
      message: `${this.cloud} gave an unexpected answer when asked to ${what}; is something else answering at this address?`,
    });
  }

  /** What a non-2xx answer means for the worker. `what` completes "could not …". */
  failure(answer: TbAnswer, what: string): TargetFailure {
    const { status } = answer;
    const reason = answer.error?.message || `${status} ${answer.statusText}`.trim();
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), this.options.now());
    if (status >= 300 && status < 400) {
      const to = answer.headers.get('location') ?? 'another address';
      return { kind: 'fatal', status, message: `${this.cloud} redirects to ${to}; use that address: Edit the target on the Sync screen (or run fieldstation sync target edit --name NAME --url ${to}).` };
    }
    if (status === 403 && answer.error?.errorCode === TbCode.PERMISSION_DENIED) {
      // ThingsboardErrorResponseHandler: AccessDeniedException -> 403/20. Tenant endpoints need TENANT_ADMIN.
      return {
        kind: 'auth',
        status,
        message: `The ThingsBoard user may not ${what} (${reason}). Sync needs a tenant administrator.`,
      };
    }
    if (status === 403) return { kind: 'fatal', status, message: `${this.cloud} refused to ${what}: ${reason}` };
    if (status === 429) {
      // ThingsBoard itself sends no Retry-After (RateLimitProcessingFilter); proxies in front of it may.
      return failureForStatus(status, `${this.cloud} is limiting requests (${reason}).`, retryAfterMs);
    }
    if (status >= 500 || status === 408) {
      return failureForStatus(status, `${this.cloud} could not ${what} (${reason}).`, retryAfterMs);
    }
    return failureForStatus(status, `${this.cloud} refused to ${what}: ${reason}`, retryAfterMs);
  }

  /** Throws the failure for a non-2xx answer. */
  fail(answer: TbAnswer, what: string): never {
    throw new TargetError(this.failure(answer, what));
  }
}

function readBody(res: Response, text: string): Pick<TbAnswer, 'json' | 'error'> {
  const type = res.headers.get('content-type') ?? '';
  let json: unknown;
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (res.ok) return { json };
  const tb = TbErrorBody.safeParse(json);
  if (tb.success && tb.data.message) {
    return { json, error: { message: tb.data.message, ...(tb.data.errorCode === undefined ? {} : { errorCode: tb.data.errorCode }) } };
  }
  // TelemetryController answers its validation errors as a bare string (ResponseEntity<String>).
  if (type.startsWith('text/plain') && text.length > 0 && text.length < 500) {
    return { json, error: { message: text.trim() } };
  }
  return { json };
}

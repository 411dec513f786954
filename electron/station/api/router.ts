import { type ApiAction, adminApi, isMethodName, type MethodName, type Params, type Result } from '../../../shared/api/contract.ts';
import { ApiError, type ApiReply } from '../../../shared/errors.ts';

/** Who is calling: the station's own secret (full access) or a scoped API token. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'api-token'; actions: readonly ApiAction[]; batchIds: readonly number[] | null; profileIds: readonly number[] | null };

export interface CallContext {
  principal: Principal;
  /** Progress of long work (import, labels, sync), forwarded to the caller's live stream. */
  onProgress?: (done: number, total: number | null) => void;
}

export type Handlers = {
  [M in MethodName]: (params: Params<M>, ctx: CallContext) => Result<M> | Promise<Result<M>>;
};

export interface Router {
  call(method: string, params: unknown, ctx: CallContext): Promise<ApiReply>;
}

export const ADMIN: CallContext = { principal: { kind: 'admin' } };

/** Limits a scoped principal to its batches and profiles (see scopes.ts). */
export interface Scope {
  before(method: string, principal: Principal, params: unknown): void;
  after(method: MethodName, principal: Principal, value: unknown): unknown;
}

/** One router implements the whole contract: validates params, checks the action and scope, maps errors to codes. */
export function createRouter(handlers: Handlers, scope?: Scope): Router {
  return {
    async call(method, rawParams, ctx) {
      try {
        if (!isMethodName(method)) throw new ApiError('unknown_method', `unknown method '${method}'`);
        const def = adminApi[method];
        if (ctx.principal.kind === 'api-token' && !ctx.principal.actions.includes(def.action)) {
          throw new ApiError('forbidden', `this API token may not ${def.action}`);
        }
        const parsed = def.params.safeParse(rawParams ?? {});
        if (!parsed.success) {
          const issues = parsed.error.issues.slice(0, maxIssues).map((i) => ({ code: i.code, path: i.path.map(shortPathPart), message: short(i.message, maxIssueMessage) }));
          throw new ApiError('invalid_params', describeIssues(issues), issues);
        }
        scope?.before(method, ctx.principal, parsed.data);
        const handler = handlers[method] as (p: unknown, c: CallContext) => unknown;
        const value = await handler(parsed.data, ctx);
        return { ok: true, value: scope ? scope.after(method, ctx.principal, value) : value };
      } catch (err) {
        return { ok: false, error: toApiError(err).toBody() };
      }
    },
  };
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // Unexpected failures are logged by the caller; the client gets a plain message, never a stack.
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}

// A reply names what was wrong, not everything: 20,000 bad keys in one call made 20,000 issues, each echoing its
// key (and zod's unrecognized_keys lists every key), megabytes of error for a 1 MB request (found by npm run fuzz).
// Each issue keeps what the UI shows (code, path, message); ApiError.toBody caps the whole message.
const maxIssues = 20;
const maxPathPart = 100;
const maxIssueMessage = 300;

const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const shortPathPart = (part: PropertyKey): PropertyKey => (typeof part === 'string' ? short(part, maxPathPart) : part);

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

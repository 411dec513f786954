import type { MethodName, ParamsIn, Result } from '../../../shared/api/contract.ts';
import { ApiError, ApiReply } from '../../../shared/errors.ts';

/** The admin API as typed functions, one per contract method: `api['station.status']({})`. */
export type Client = { [M in MethodName]: (params: ParamsIn<M>) => Promise<Result<M>> };

/** No answer at all (station stopped, laptop asleep): different advice from an error the station sent. */
export class StationUnreachableError extends ApiError {
  constructor() {
    super('internal', 'The station is not answering.');
    this.name = 'StationUnreachableError';
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called whenever the station answers 401: the cookie is gone or the station restarted with a new secret. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function call(method: string, params: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params ?? {}),
      credentials: 'same-origin',
    });
  } catch {
    throw new StationUnreachableError();
  }
  const parsed = ApiReply.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    throw new ApiError('internal', `The station answered something unexpected (HTTP ${response.status}).`);
  }
  if (!parsed.data.ok) {
    if (parsed.data.error.code === 'unauthorized') for (const listener of unauthorizedListeners) listener();
    throw new ApiError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  }
  return parsed.data.value;
}

export const api = new Proxy({} as Client, {
  get: (_target, method: string) => (params: unknown) => call(method, params),
});

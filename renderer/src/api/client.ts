import type { MethodName, ParamsIn, Result } from '../../../shared/api/contract.ts';
import { ApiError, ApiReply } from '../../../shared/errors.ts';

/** The admin API as typed functions, one per contract method: `api['station.status']({})`. */
export type Client = { [M in MethodName]: (params: ParamsIn<M>) => Promise<Result<M>> };

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
    throw new ApiError('internal', 'The station is not answering. Is it still running?');
  }
  const parsed = ApiReply.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new ApiError('internal', `The station answered something unexpected (HTTP ${response.status}).`);
  if (!parsed.data.ok) throw new ApiError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  return parsed.data.value;
}

export const api = new Proxy({} as Client, {
  get: (_target, method: string) => (params: unknown) => call(method, params),
});

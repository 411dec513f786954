import type { MethodName, ParamsIn, Result } from '../../shared/api/contract.ts';
import { ApiReply } from '../../shared/errors.ts';
import { defaultDataDir } from '../station/data-dir.ts';
import { readServingFile, type ServingStation } from '../station/serving-file.ts';
import { type ParsedArgs, stringOption } from './command.ts';
import { CommandError } from './engine-call.ts';

/** The station serving the command's data directory, if one is running (see station/serving-file.ts). */
export function servingStation(args: ParsedArgs): ServingStation | null {
  return readServingFile(stringOption(args, 'data') ?? defaultDataDir());
}

/** Calls a running station's admin API (POST /api/rpc/METHOD with its secret), as the UI does. */
export async function callStation<M extends MethodName>(station: ServingStation, method: M, params: ParamsIn<M>): Promise<Result<M>> {
  let response: Response;
  try {
    response = await fetch(`${station.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${station.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  } catch {
    throw new CommandError(`the station serving this data directory (pid ${station.pid}) does not answer at ${station.url}`);
  }
  const reply = ApiReply.safeParse(await response.json().catch(() => null));
  if (!reply.success) throw new CommandError(`the station answered HTTP ${response.status} with something unexpected`);
  if (!reply.data.ok) throw new CommandError(reply.data.error.message);
  return reply.data.value as Result<M>;
}

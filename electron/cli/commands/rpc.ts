import { CommandError } from '../engine-call.ts';
import { type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson } from '../engine-call.ts';
import { callStation, servingStation } from '../station-call.ts';

export const rpc: Command = {
  summary: 'send a two-way RPC to a connected device and print its answer (needs a running station)',
  usage: 'fieldstation rpc --device NAME --method M [--params JSON] [--timeout SECONDS] [--json]',
  options: { ...dataOption, device: { type: 'string' }, method: { type: 'string' }, params: { type: 'string' }, timeout: { type: 'string' } },
  async run(args) {
    const device = requiredOption(args, 'device');
    const method = requiredOption(args, 'method');
    let params: unknown = {};
    const rawParams = stringOption(args, 'params');
    if (rawParams !== undefined) {
      try {
        params = JSON.parse(rawParams);
      } catch {
        throw new UsageError('--params must be JSON, e.g. --params \'{"pin":4}\'');
      }
    }
    const rawTimeout = stringOption(args, 'timeout') ?? '10';
    const seconds = Number(rawTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) throw new UsageError('--timeout must be seconds from 0.1 to 300');
    // The device is connected to the station's process, not to this one.
    const station = servingStation(args);
    if (!station) throw new CommandError('rpc needs a running station serving this data directory (start `fieldstation serve`)');
    const result = await callStation(station, 'rpc.send', { device, method, params, timeoutMs: Math.round(seconds * 1000) });
    if (args.values.json) printJson(result);
    else console.log(typeof result.response === 'string' ? result.response : JSON.stringify(result.response));
    return 0;
  },
};

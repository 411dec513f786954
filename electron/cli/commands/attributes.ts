import { type AttributeLevel, parseAttributeValue } from '../../../shared/attributes.ts';
import { type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, withEngine } from '../engine-call.ts';
import { callStation, servingStation } from '../station-call.ts';
import { group } from './group.ts';

/** KEY=VALUE: VALUE as JSON when it parses (numbers, booleans, objects, null deletes), else as a string. */
export function parseAssignments(items: string[]): Record<string, unknown> {
  if (items.length === 0) throw new UsageError('give at least one KEY=VALUE');
  const values: Record<string, unknown> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`'${item}' is not KEY=VALUE`);
    values[item.slice(0, at)] = parseAttributeValue(item.slice(at + 1));
  }
  return values;
}

function target(args: Parameters<Command['run']>[0]): { level: AttributeLevel; name: string } {
  const given = (['profile', 'batch', 'device'] as const).filter((l) => stringOption(args, l) !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --profile, --batch or --device');
  return { level: given[0]!, name: stringOption(args, given[0]!)! };
}

const set: Command = {
  summary: 'set shared attributes for a profile, a batch or one device (device beats batch beats profile)',
  usage: 'fieldstation attributes set (--profile NAME | --batch NAME | --device NAME) KEY=VALUE [KEY=VALUE ...] [--json]',
  options: { ...dataOption, profile: { type: 'string' }, batch: { type: 'string' }, device: { type: 'string' } },
  positionals: true,
  async run(args) {
    const params = { ...target(args), values: parseAssignments(args.positionals) };
    // A serving station must tell its connected devices now: the change goes through it when one is running.
    const station = servingStation(args);
    const result = station ? await callStation(station, 'attributes.set', params) : await withEngine(args, (call) => call('attributes.set', params));
    if (args.values.json) printJson(result);
    else console.log(`${result.level} '${result.name}': ${JSON.stringify(result.values)} (${result.devicesChanged} device(s) receive new values)`);
    return 0;
  },
};

const list: Command = {
  summary: "a device's attributes: client, shared (what it receives) and server",
  usage: 'fieldstation attributes list --device NAME [--json]',
  options: { ...dataOption, device: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const attributes = await call('attributes.list', { device: requiredOption(args, 'device') });
      if (args.values.json) printJson(attributes);
      else for (const scope of ['client', 'shared', 'server'] as const) console.log(`${scope}: ${JSON.stringify(attributes[scope])}`);
      return 0;
    }),
};

export const attributes = group('attributes', 'shared attributes devices receive, and what they report', { set, list });

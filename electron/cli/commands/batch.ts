import { type Command, dataOption, requiredOption, stringOption } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';

const add: Command = {
  summary: 'create a batch of devices for a site',
  usage: 'fieldstation batch add --name NAME --profile PROFILE [--site SITE] [--notes TEXT]',
  options: { ...dataOption, name: { type: 'string' }, profile: { type: 'string' }, site: { type: 'string' }, notes: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const batch = await call('batches.create', {
        name: requiredOption(args, 'name'),
        profile: requiredOption(args, 'profile'),
        site: stringOption(args, 'site'),
        notes: stringOption(args, 'notes'),
      });
      if (args.values.json) printJson(batch);
      else console.log(`batch '${batch.name}' created`);
      return 0;
    }),
};

const list: Command = {
  summary: 'list batches with their progress',
  usage: 'fieldstation batch list [--json]',
  options: dataOption,
  run: (args) =>
    withEngine(args, async (call) => {
      const batches = await call('batches.list', {});
      if (args.values.json) printJson(batches);
      else printTable(batches.map((b) => ({ ...b, ...b.counts })), ['name', 'site', 'profile', 'total', 'pending', 'provisioned', 'online'], 'no batches yet');
      return 0;
    }),
};

export const batch = group('batch', 'manage batches of devices', { add, list });

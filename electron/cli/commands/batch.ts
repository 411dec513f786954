import { LabelLanguage, labelLanguages } from '../../../shared/label-words.ts';
import { choiceOption, type Command, dataOption, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';
import { describeRemoval, provisionedChoice, provisionedOptions } from './removal-flags.ts';

const add: Command = {
  summary: 'create a batch of devices for a site',
  usage: 'fieldstation batch add --name NAME --profile PROFILE [--site SITE] [--notes TEXT] [--language en|de]',
  options: {
    ...dataOption,
    name: { type: 'string' },
    profile: { type: 'string' },
    site: { type: 'string' },
    notes: { type: 'string' },
    language: { type: 'string' },
  },
  run: (args) =>
    withEngine(args, async (call) => {
      const batch = await call('batches.create', {
        name: requiredOption(args, 'name'),
        profile: requiredOption(args, 'profile'),
        site: stringOption(args, 'site'),
        notes: stringOption(args, 'notes'),
        language: choiceOption(args, 'language', labelLanguages),
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
      else printTable(batches.map((b) => ({ ...b, ...b.counts })), ['name', 'site', 'profile', 'language', 'total', 'pending', 'provisioned', 'online'], 'no batches yet');
      return 0;
    }),
};

const rename: Command = {
  summary: 'rename a batch (its devices, tokens and labels stay with it)',
  usage: 'fieldstation batch rename --name NAME --to NEW_NAME [--json]',
  options: { ...dataOption, name: { type: 'string' }, to: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const batch = await call('batches.update', { batch: requiredOption(args, 'name'), name: requiredOption(args, 'to') });
      if (args.values.json) printJson(batch);
      else console.log(`batch '${requiredOption(args, 'name')}' is now '${batch.name}'`);
      return 0;
    }),
};

const setLanguage: Command = {
  summary: 'choose the language a batch prints its labels in (the words "Batch", "Site"; en or de)',
  usage: 'fieldstation batch set-language BATCH en|de [--json]',
  options: dataOption,
  positionals: true,
  run: (args) =>
    withEngine(args, async (call) => {
      const [name, language, ...extra] = args.positionals;
      if (!name || !language || extra.length) throw new UsageError(`give a batch and a language (usage: ${setLanguage.usage})`);
      const chosen = LabelLanguage.safeParse(language);
      if (!chosen.success) throw new UsageError(`the language must be one of ${labelLanguages.join(', ')}, not '${language}'`);
      const batch = await call('batches.update', { batch: name, language: chosen.data });
      if (args.values.json) printJson(batch);
      else console.log(`batch '${batch.name}' prints its labels in '${batch.language}'`);
      return 0;
    }),
};

const remove: Command = {
  summary: 'remove a batch with its devices and tokens (refused while it has provisioned devices unless --include-provisioned)',
  usage: 'fieldstation batch remove --name NAME [--include-provisioned] [--json]',
  options: { ...dataOption, name: { type: 'string' }, ...provisionedOptions },
  run: (args) =>
    withEngine(args, async (call) => {
      const name = requiredOption(args, 'name');
      const provisioned = provisionedChoice(args, false);
      const result = await call('batches.remove', { batch: name, provisioned: provisioned === 'keep' ? 'refuse' : provisioned });
      if (args.values.json) printJson(result);
      else console.log(describeRemoval(result, `batch '${name}' removed`));
      return 0;
    }),
};

export const batch = group('batch', 'manage batches of devices', { add, list, rename, 'set-language': setLanguage, remove });

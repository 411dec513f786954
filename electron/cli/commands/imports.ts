import { type Command, dataOption, positiveInteger, requiredOption, stringOption, UsageError } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';
import { group } from './group.ts';
import { describeRemoval, provisionedChoice, provisionedOptions } from './removal-flags.ts';

const list: Command = {
  summary: 'list recorded imports (newest first) with how many of the devices each created are still here',
  usage: 'fieldstation imports list [--batch NAME] [--limit N] [--json]',
  options: { ...dataOption, batch: { type: 'string' }, limit: { type: 'string' } },
  run: (args) =>
    withEngine(args, async (call) => {
      const imports = await call('imports.list', { batch: stringOption(args, 'batch'), limit: positiveInteger(args, 'limit', 100, 1000) });
      if (args.values.json) printJson(imports);
      else printTable(imports, ['id', 'batch', 'fileName', 'at', 'created', 'updated', 'remaining', 'undoneAt'], 'no imports yet');
      return 0;
    }),
};

const undo: Command = {
  summary: 'undo an import: remove the devices it created (provisioned ones refused unless --keep-provisioned or --include-provisioned)',
  usage: 'fieldstation imports undo --id ID [--keep-provisioned | --include-provisioned] [--json]',
  options: { ...dataOption, id: { type: 'string' }, ...provisionedOptions },
  run: (args) =>
    withEngine(args, async (call) => {
      const idText = requiredOption(args, 'id');
      const id = Number(idText);
      if (!Number.isInteger(id)) throw new UsageError(`--id must be an import id (see imports list), not '${idText}'`);
      const result = await call('imports.undo', { id, provisioned: provisionedChoice(args, true) });
      if (args.values.json) printJson(result);
      else console.log(describeRemoval(result, `import ${id} undone`));
      return 0;
    }),
};

export const imports = group('imports', 'list imports, or undo one', { list, undo });

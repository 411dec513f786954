import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { identifyDeviceListFile, wrongFileMessage } from '../../../shared/device-list-file.ts';
import type { ImportReport } from '../../../shared/import.ts';
import { labelLanguages } from '../../../shared/label-words.ts';
import { decodeDeviceList } from '../../station/import/index.ts';
import { ADMIN } from '../../station/api/router.ts';
import { choiceOption, type Command, dataOption, requiredOption, UsageError } from '../command.ts';
import { CommandError, printJson, withEngine } from '../engine-call.ts';

function describeProblems(report: ImportReport): string {
  const shown = report.problems.slice(0, 50).map((p) => `  line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`);
  const more = report.problems.length - shown.length;
  return [...shown, ...(more > 0 ? [`  … and ${more} more`] : [])].join('\n');
}

export const importCommand: Command = {
  summary: 'import a CSV, JSON or Excel (.xlsx, first sheet) device list into a batch (all rows or none; --dry-run only checks)',
  usage: 'fieldstation import --profile NAME --batch NAME [--language en|de] [--dry-run] [--json] FILE.csv|FILE.json|FILE.xlsx',
  options: { ...dataOption, profile: { type: 'string' }, batch: { type: 'string' }, language: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  positionals: true,
  run: (args) =>
    withEngine(args, async (_call, engine) => {
      const [file, ...extra] = args.positionals;
      if (!file || extra.length) throw new UsageError(`give exactly one file (usage: ${importCommand.usage})`);
      // The label language of a batch this import creates: a typo is refused before the file is read.
      const language = choiceOption(args, 'language', labelLanguages);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      const kind = await identifyDeviceListFile(bytes);
      if (kind.kind === 'wrong') throw new CommandError(wrongFileMessage(file, kind));
      let text: string;
      if (kind.kind === 'spreadsheet') text = kind.text;
      else {
        const decoded = decodeDeviceList(bytes);
        if (!decoded.ok) throw new CommandError(`${file}: line ${decoded.problem.line}: ${decoded.problem.message}`);
        text = decoded.text;
      }
      const json = args.values.json === true;
      let lastShown = 0;
      const reply = await engine.router.call(
        'devices.import',
        { profile: requiredOption(args, 'profile'), batch: requiredOption(args, 'batch'), text, dryRun: args.values['dry-run'] === true, fileName: basename(file), language },
        {
          ...ADMIN,
          onProgress: (done, total) => {
            // Only large files are worth a progress line; scripts asking for JSON get none.
            if (json || total === null || total < 10_000 || done - lastShown < total / 10) return;
            lastShown = done;
            console.error(`checked ${done.toLocaleString('en')} of ${total.toLocaleString('en')} rows`);
          },
        },
      );
      if (!reply.ok) throw new CommandError(reply.error.message);
      const report = reply.value as ImportReport;
      if (json) printJson(report);
      else if (report.problems.length) {
        console.error(`${file}: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}; nothing was imported\n${describeProblems(report)}`);
      } else {
        const verb = report.dryRun ? 'would import' : 'imported';
        console.log(
          `${verb} ${report.rows} rows: ${report.created} new, ${report.updated} updated, ${report.unchanged} unchanged` +
            // Undo removes what the import created: an import that created nothing has nothing to offer.
            (report.importId === undefined || report.created === 0 ? '' : ` (import ${report.importId}; undo: fieldstation imports undo --id ${report.importId})`),
        );
      }
      return report.problems.length ? 1 : 0;
    }),
};

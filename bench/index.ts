import { cpus, totalmem } from 'node:os';
import { benchImport } from './import.ts';
import { benchImportParse } from './import-parse.ts';
import { benchLabels } from './labels.ts';
import { loadChildEnv, serveLoadChild } from './load/pool.ts';
import { benchProvisioning, provisioningOptions } from './provisioning.ts';
import { benchSync, syncOptions } from './sync.ts';
import type { BenchRow, BenchSuite } from './types.ts';
import { benchUi } from './ui.ts';
import { receiverChildEnv, serveReceiverChild } from './webhook-receiver.ts';

/** Every suite, in the order printed. Each is independent; one failing is reported and the others still run. */
const suites: [name: string, run: BenchSuite][] = [
  ['import-parse', benchImportParse],
  ['import', benchImport],
  ['labels', () => benchLabels()],
  ['sync', () => benchSync(syncOptions(process.argv.slice(2)))],
  ['provisioning', () => benchProvisioning(provisioningOptions(process.argv.slice(2)))],
  ['ui', benchUi],
];

// The provisioning suite forks this same bundle as its load generator processes.
// The webhook sync bench forks it as its receiver.
if (process.env[loadChildEnv] !== undefined) serveLoadChild();
else if (process.env[receiverChildEnv] !== undefined) await serveReceiverChild();
else process.exitCode = await main();

/** Suites named on the command line, as `provisioning ui` or `--only provisioning,ui`; none named means all. */
function selected(args: string[]): string[] {
  const suiteArgs = args.filter((arg, i) => !arg.startsWith('--case') && args[i - 1] !== '--case' && arg !== '--station-only');
  const names = suiteArgs.flatMap((arg, i) =>
    arg === '--only' ? [] : suiteArgs[i - 1] === '--only' ? arg.split(',') : arg.startsWith('--only=') ? arg.slice(7).split(',') : [arg],
  );
  const unknown = names.filter((n) => !suites.some(([name]) => name === n));
  if (unknown.length) throw new Error(`unknown suite ${unknown.join(', ')}; suites: ${suites.map(([n]) => n).join(', ')}`);
  return names;
}

async function main(): Promise<number> {
  const only = selected(process.argv.slice(2));
  console.log(machine());
  const rows: BenchRow[] = [];
  let failed = 0;
  for (const [name, run] of suites) {
    if (only.length > 0 && !only.includes(name)) continue;
    const started = performance.now();
    try {
      const got = await run();
      rows.push(...got);
      console.error(`bench ${name}: ${got.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      failed++;
      console.error(`bench ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  console.log(table(rows));
  return failed > 0 ? 1 : 0;
}

/** The date and machine the figures were measured on, for the README to quote. */
function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `Fieldstation bench, ${new Date().toISOString()}\nmachine: ${model}, ${cpu.length} cores, ${memory} RAM, node ${process.version}, ${process.platform}-${process.arch}\n`;
}

function table(rows: BenchRow[]): string {
  const header = ['suite', 'case', 'value', 'unit', 'baseline', 'ratio', 'ceiling', 'note'];
  const cells = rows.map((r) => [
    r.suite,
    r.case,
    format(r.value),
    r.unit,
    r.baseline === undefined ? '' : format(r.baseline),
    r.ratio === undefined ? (r.verdict ?? '') : r.ratio.toFixed(2),
    r.ceiling === undefined ? '' : format(r.ceiling),
    r.note ?? '',
  ]);
  // Only provisioning rows (load generator) and the webhook row (receiver) have a ceiling; without them the column is left out.
  if (!rows.some((r) => r.ceiling !== undefined)) for (const row of [header, ...cells]) row.splice(6, 1);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([2, 4, 5, 6].filter((i) => header[i] !== 'note'));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === c.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function format(n: number): string {
  if (Number.isNaN(n)) return '-';
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../electron/station/api/router.ts';
import { openEngine } from '../electron/station/engine.ts';
import { parseDeviceList } from '../electron/station/import/index.ts';
import { deviceListCsv } from './import-parse.ts';
import type { BenchRow } from './types.ts';

const rowCount = 100_000;

/** Rounds, each in a fresh station; the row prints the median of each figure (one round is at the mercy of this VM). */
const rounds = 3;

/**
 * The whole import of a 100,000-row file into a station (parse, check every row against the database, write all
 * rows with credentials and attributes in one transaction), then the idempotent re-import of the same file. Baseline:
 * parsing and validating the same text alone, measured in each round just before the import, so a slow window of the
 * machine slows both alike. Each figure is the median of 3 rounds; the note lists every round.
 */
export async function benchImport(): Promise<BenchRow[]> {
  const text = deviceListCsv(rowCount);
  const parses: number[] = [];
  const imports: number[] = [];
  const reimports: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [parseMs, importMs, againMs] = await importRound(text);
    parses.push(parseMs);
    imports.push(importMs);
    reimports.push(againMs);
  }
  const parseMs = median(parses);
  const row = (name: string, times: number[], note: string): BenchRow => ({
    suite: 'import',
    case: name,
    value: Math.round((rowCount / median(times)) * 1000),
    unit: 'rows/s',
    baseline: Math.round((rowCount / parseMs) * 1000),
    ratio: Number((parseMs / median(times)).toFixed(3)),
    note: `${seconds(median(times))} s (median of ${seconds(...times)} s), ${note}`,
  });
  return [
    row('import 100k rows into a station', imports, `one transaction; baseline = parse + validate alone (${seconds(...parses)} s)`),
    row('re-import the same 100k rows (all unchanged)', reimports, 'nothing written'),
  ];
}

/** One fresh station: the parse baseline, the import, the same import again (ms each). */
async function importRound(text: string): Promise<[number, number, number]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-import-'));
  const engine = openEngine({ dataDir });
  try {
    const call = async (method: string, params: unknown) => {
      const reply = await engine.router.call(method, params, ADMIN);
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.value as { created: number; unchanged: number; problems: unknown[] };
    };
    await call('profiles.add', { name: 'fleet', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'check-pre-provisioned' });
    // Imports run on the writer thread, which a serving station starts with it (prepareWriter); a one-row dry run
    // waits until it is up, so the figure is the import's, not the thread's start.
    engine.prepareWriter();
    await call('devices.import', { profile: 'fleet', batch: 'warm-up', text: 'name\nwarm-up-1\n', dryRun: true });
    (globalThis as { gc?: () => void }).gc?.();
    const parseStarted = performance.now();
    parseDeviceList(text, 'csv');
    const parseMs = performance.now() - parseStarted;
    (globalThis as { gc?: () => void }).gc?.();

    const importStarted = performance.now();
    const first = await call('devices.import', { profile: 'fleet', batch: 'b', text });
    const importMs = performance.now() - importStarted;
    const againStarted = performance.now();
    const again = await call('devices.import', { profile: 'fleet', batch: 'b', text });
    const againMs = performance.now() - againStarted;
    if (first.created !== rowCount || again.unchanged !== rowCount) {
      throw new Error(`bench import went wrong: created ${first.created}, unchanged on re-import ${again.unchanged}`);
    }
    return [parseMs, importMs, againMs];
  } finally {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function seconds(...ms: number[]): string {
  return ms.map((m) => (m / 1000).toFixed(2)).join(', ');
}

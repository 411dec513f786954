import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../electron/station/api/router.ts';
import { openEngine } from '../electron/station/engine.ts';
import { parseDeviceList } from '../electron/station/import/index.ts';
import { deviceListCsv } from './import-parse.ts';
import type { BenchRow } from './types.ts';

const rowCount = 100_000;

/**
 * The whole import of a 100,000-row file into a station (parse, check every row against the database, write all
 * rows with credentials and attributes in one transaction), then the idempotent re-import of the same file. Baseline:
 * parsing and validating the same text alone, in the same run.
 */
export async function benchImport(): Promise<BenchRow[]> {
  const text = deviceListCsv(rowCount);
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
    const parseStarted = performance.now();
    parseDeviceList(text, 'csv');
    const parseMs = performance.now() - parseStarted;

    const importStarted = performance.now();
    const first = await call('devices.import', { profile: 'fleet', batch: 'b', text });
    const importMs = performance.now() - importStarted;
    const againStarted = performance.now();
    const again = await call('devices.import', { profile: 'fleet', batch: 'b', text });
    const againMs = performance.now() - againStarted;
    if (first.created !== rowCount || again.unchanged !== rowCount) {
      throw new Error(`bench import went wrong: created ${first.created}, unchanged on re-import ${again.unchanged}`);
    }
    const row = (name: string, ms: number, note: string): BenchRow => ({
      suite: 'import',
      case: name,
      value: Math.round((rowCount / ms) * 1000),
      unit: 'rows/s',
      baseline: Math.round((rowCount / parseMs) * 1000),
      ratio: Number((parseMs / ms).toFixed(3)),
      note,
    });
    return [
      row('import 100k rows into a station', importMs, `${(importMs / 1000).toFixed(2)} s, one transaction; baseline = parse + validate alone`),
      row('re-import the same 100k rows (all unchanged)', againMs, `${(againMs / 1000).toFixed(2)} s, nothing written`),
    ];
  } finally {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

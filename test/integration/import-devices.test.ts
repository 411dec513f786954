import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { createStationWriter } from '../../electron/station/station-writer.ts';
import { openTestEngine, type TestEngine, tempDir } from '../support/engine.ts';

const file = '\uFEFFName;Serial;MAC;attr:Floor\r\nmeter-1;S1;aa-bb-cc-dd-ee-01;3\r\n"meter-2";"S;2";AABBCCDDEE02;"4\nnorth"\r\n';

describe('device import into the station', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'check-pre-provisioned' });
  });
  afterEach(() => t.close());

  const run = (text: string, extra: { dryRun?: boolean; batch?: string } = {}) =>
    t.call('devices.import', { profile: 'meters', batch: extra.batch ?? 'site-a', text, dryRun: extra.dryRun });

  it('imports a semicolon file with BOM, quoted delimiters and newlines, and gives each device credentials', async () => {
    expect(await run(file)).toEqual({ dryRun: false, rows: 2, created: 2, updated: 0, unchanged: 0, problems: [], importId: 1 });
    const d = await t.call('devices.get', { name: 'meter-2' });
    expect(d).toMatchObject({ batch: 'site-a', serial: 'S;2', mac: 'AA:BB:CC:DD:EE:02', state: 'pending', credentialsType: 'ACCESS_TOKEN' });
    expect(d.attributes.server).toEqual({ Floor: '4\nnorth' });
    expect((await t.call('batches.get', { batch: 'site-a' })).counts).toEqual({ total: 2, pending: 2, provisioned: 0, online: 0, offline: 0, handedOver: 0 });
  });

  it('re-importing the same file is idempotent; a changed row is an update', async () => {
    await run(file);
    const before = await t.call('devices.get', { name: 'meter-1' });
    expect(await run(file)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await t.call('devices.get', { name: 'meter-1' })).credentialsValue).toBe(before.credentialsValue);
    expect(await run(file.replace(';3\r\n', ';5\r\n'))).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await t.call('devices.list', {})).toHaveLength(2);
  });

  it('a file with one bad row imports nothing, and dry runs never write', async () => {
    const bad = 'name,mac\nok-1,AA:BB:CC:DD:EE:01\nok-2,not-a-mac\n';
    const report = await run(bad);
    expect(report.problems).toEqual([expect.objectContaining({ line: 3, column: 'mac' })]);
    expect(report.created).toBe(0);
    expect(await t.call('devices.list', {})).toHaveLength(0);
    expect(await run('name\nok-1\n', { dryRun: true })).toMatchObject({ dryRun: true, created: 1, problems: [] });
    expect(await t.call('devices.list', {})).toHaveLength(0);
  });

  it('reports a name already in another batch and credentials owned by another device, with line and column', async () => {
    await run('name,token\nshared-1,tok-1\n', { batch: 'site-a' });
    const report = await run('name,token\nshared-1,tok-9\nnew-1,tok-1\n', { batch: 'site-b' });
    expect(report.problems).toEqual([
      { line: 2, column: 'name', message: "a device named 'shared-1' is already in the station in batch 'site-a'", value: 'shared-1' },
      { line: 3, column: 'token', message: "these credentials already belong to device 'shared-1'" },
    ]);
  });

  it('a file of thousands of rows lands whole, every row with its own serial, token and attributes', async () => {
    // 2,345 rows: more than one lookup chunk and many multi-row statements, with a remainder that is not a full one.
    const rows = (n: number, floorOf = (i: number) => String(i % 9)) =>
      ['name,serial,token,attr:floor', ...Array.from({ length: n }, (_, i) => `dev-${i},S${i},tok-${i},${floorOf(i)}`)].join('\n');
    expect(await run(rows(2345))).toMatchObject({ created: 2345, problems: [] });
    expect(await t.call('devices.list', {})).toHaveLength(2345);
    for (const i of [0, 199, 200, 1999, 2000, 2344]) {
      const d = await t.call('devices.get', { name: `dev-${i}` });
      expect(d).toMatchObject({ serial: `S${i}`, credentialsValue: `tok-${i}`, batch: 'site-a' });
      expect(d.attributes.server).toEqual({ floor: String(i % 9) });
    }
    // A token another device already holds, on the last line: nothing is written, the line is named.
    const clash = `${rows(2345, (i) => (i === 2100 ? 'changed' : String(i % 9)))}\nlate,S,tok-7,1`;
    expect(await run(clash)).toMatchObject({ created: 0, updated: 0, problems: [{ line: 2347, column: 'token' }] });
    expect((await t.call('devices.get', { name: 'dev-2100' })).attributes.server).toEqual({ floor: String(2100 % 9) });
    const changed = await run(rows(2345, (i) => (i === 5 || i === 2100 ? 'changed' : String(i % 9))));
    expect(changed).toMatchObject({ created: 0, updated: 2, unchanged: 2343, problems: [] });
    expect((await t.call('devices.get', { name: 'dev-2100' })).attributes.server).toEqual({ floor: 'changed' });
  });

  it('a large file, read on the parser thread while written: a late problem undoes every row, even a new batch', async () => {
    // This station reads files from 64 KB on the parser thread (the default is 3 MB, ~40,000 rows): 9,000 rows go
    // in pieces, written before the end of the file is read, and a late problem must still undo all of them.
    const threaded = openTestEngine(tempDir(), { writer: (db) => createStationWriter(db, { importThreadFromChars: 64 * 1024 }) });
    try {
      await threaded.call('profiles.add', { name: 'meters', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'check-pre-provisioned' });
      await largeFile(threaded);
    } finally {
      await threaded.close();
    }
  });

  it('the same large file read by the writer itself (under its 3 MB): the same outcome at every step', async () => {
    await largeFile(t);
  });

  it('refuses access tokens that a device could never send in a URL path', async () => {
    const report = await run('name,token\nok-1,good_token-1\nbad-1,has space\nbad-2,a/b\n');
    expect(report.problems).toEqual([
      expect.objectContaining({ line: 3, column: 'token', message: "a token cannot contain spaces, '/', '?' or '#': devices send it in URL paths" }),
      expect.objectContaining({ line: 4, column: 'token' }),
    ]);
    await expect(t.call('devices.add', { profile: 'meters', name: 'x', token: 'a/b' })).rejects.toMatchObject({ code: 'invalid_params' });
  });

  it('CLI: --dry-run lists problems by line and exits 1; the real run prints counts', () => {
    const data = tempDir();
    expect(runCli(['profile', 'add', '--data', data, '--name', 'meters', '--key', 'k', '--secret', 's', '--strategy', 'allow-create']).status).toBe(0);
    const csv = join(data, 'devices.csv');
    writeFileSync(csv, 'name,mac\nm-1,AA:BB:CC:DD:EE:01\nm-1,AA:BB:CC:DD:EE:02\n');
    const dry = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', '--dry-run', csv]);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toContain("line 3, column name: name 'm-1' also appears on line 2");
    writeFileSync(csv, 'name,mac\nm-1,AA:BB:CC:DD:EE:01\nm-2,AA:BB:CC:DD:EE:02\n');
    const ok = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', csv]);
    expect(ok.stdout.trim()).toBe('imported 2 rows: 2 new, 0 updated, 0 unchanged (import 1; undo: fieldstation imports undo --id 1)');
    const again = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', '--json', csv]);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, unchanged: 2 });
  });
});

/** 9,000 rows: refused by a problem on its last line, a dry run, the real import, and the same file again. */
async function largeFile(t: TestEngine): Promise<void> {
  const run = (text: string, extra: { dryRun?: boolean; batch?: string } = {}) =>
    t.call('devices.import', { profile: 'meters', batch: extra.batch ?? 'site-a', text, dryRun: extra.dryRun });
  const rows = (n: number, last = '') =>
    ['name,serial,mac,token,attr:floor,attr:site', ...Array.from({ length: n }, (_, i) => `meter-${String(i).padStart(5, '0')},SERIAL-${i},${mac(i)},tok-${i},${i % 9},Site-${i % 17}`)]
      .concat(last ? [last] : [])
      .join('\n');
  const mac = (i: number) => `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0').toUpperCase();
  expect(rows(9000).length).toBeGreaterThan(8 * 64 * 1024);

  // A MAC repeated on the last line, and a token of another row: both named, nothing written, no batch left behind.
  const refused = await run(rows(9000, `meter-late,S,${mac(3)},tok-8,1,x`), { batch: 'new-site' });
  expect(refused).toMatchObject({ rows: 9000, created: 0, updated: 0, unchanged: 0 });
  expect(refused.problems.map((p) => [p.line, p.column])).toEqual([
    [9002, 'mac'],
    [9002, 'token'],
  ]);
  expect(await t.call('devices.list', {})).toHaveLength(0);
  expect((await t.call('batches.list', {})).map((b) => b.name)).not.toContain('new-site');

  expect(await run(rows(9000), { dryRun: true, batch: 'new-site' })).toMatchObject({ dryRun: true, rows: 9000, created: 9000, problems: [] });
  expect(await t.call('devices.list', {})).toHaveLength(0);

  const report = await run(rows(9000), { batch: 'new-site' });
  expect(report).toMatchObject({ rows: 9000, created: 9000, problems: [] });
  expect(await t.call('devices.list', {})).toHaveLength(9000);
  for (const i of [0, 1999, 2000, 8999]) {
    const d = await t.call('devices.get', { name: `meter-${String(i).padStart(5, '0')}` });
    expect(d).toMatchObject({ serial: `SERIAL-${i}`, mac: mac(i), credentialsValue: `tok-${i}`, batch: 'new-site' });
    expect(d.attributes.server).toEqual({ floor: String(i % 9), site: `Site-${i % 17}` });
  }
  expect(await run(rows(9000), { batch: 'new-site' })).toMatchObject({ created: 0, unchanged: 9000, problems: [] });
  // The list of imports (for "undo this import") has both runs with their counts, written at each one's end.
  expect(await t.call('imports.list', { batch: 'new-site' })).toMatchObject([
    { id: report.importId, created: 9000, updated: 0, unchanged: 0, remaining: 9000 },
    { created: 0, updated: 0, unchanged: 9000 },
  ].reverse());
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// `fieldstation import` with the files technicians really have: an Excel workbook straight from the vendor, a
// photo picked by mistake, a row that lost a value, a column the station does not know.

function station() {
  const data = tempDir();
  const add = runCli(['profile', 'add', '--data', data, '--name', 'meters', '--key', 'k', '--secret', 's', '--strategy', 'check-pre-provisioned']);
  expect(add.status, add.stderr).toBe(0);
  return data;
}

async function writeWorkbook(path: string, rows: unknown[][]) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Delivery 7');
  for (const row of rows) sheet.addRow(row);
  workbook.addWorksheet('Notes').addRow(['name', 'this sheet is not read']);
  await workbook.xlsx.writeFile(path);
}

const devicesOf = (data: string) =>
  JSON.parse(runCli(['devices', '--data', data, '--batch', 'b1', '--json']).stdout) as { name: string; serial: string | null; mac: string | null }[];

describe('fieldstation import FILE', () => {
  it('reads an .xlsx directly: first sheet, header row; problems name the sheet row; an extra column is an attribute', async () => {
    const data = station();
    const xlsx = join(data, 'delivery 7.xlsx');
    await writeWorkbook(xlsx, [
      ['Name', 'Serial', 'MAC', 'Floor'],
      ['meter-1', 40012, 'aa-bb-cc-dd-ee-01', 3],
      ['meter-2', 'S-2', 'not a mac', 4],
    ]);
    const dry = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', '--dry-run', xlsx]);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toContain('line 3, column mac:');
    expect(dry.stderr).toContain("mac 'not a mac' is not a MAC address");

    await writeWorkbook(xlsx, [
      ['Name', 'Serial', 'MAC', 'Floor'],
      ['meter-1', 40012, 'aa-bb-cc-dd-ee-01', 3],
      ['meter-2', 'S-2', null, 4],
    ]);
    const ok = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', xlsx]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('imported 2 rows: 2 new, 0 updated, 0 unchanged');
    expect(devicesOf(data).map(({ name, serial, mac }) => ({ name, serial, mac }))).toEqual([
      { name: 'meter-1', serial: '40012', mac: 'AA:BB:CC:DD:EE:01' },
      { name: 'meter-2', serial: 'S-2', mac: null },
    ]);
    const attributes = JSON.parse(runCli(['attributes', 'list', '--data', data, '--device', 'meter-2', '--json']).stdout);
    expect(attributes.server).toEqual({ Floor: '4' });
    // The same workbook again changes nothing.
    expect(runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', xlsx]).stdout.trim()).toBe(
      'imported 2 rows: 0 new, 0 updated, 2 unchanged',
    );
  }, 120_000); // six CLI runs, each a fresh Node process: seconds each on a loaded 2-core machine

  it('names the type of a file that is no device list, with its name, and imports nothing', () => {
    const data = station();
    const png = join(data, 'photo of the list.png');
    writeFileSync(png, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
    const r = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', png]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      `fieldstation: ${png}: this is a PNG image (image/png), not a device list; choose a CSV, JSON or Excel (.xlsx) file`,
    );
    expect(devicesOf(data)).toEqual([]);

    const latin1 = join(data, 'windows.csv');
    writeFileSync(latin1, Buffer.from('name,label\nm-1,ok\nm-2,M\xfcnchen\n', 'latin1'));
    const bad = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', latin1]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${latin1}: line 3: this line is not UTF-8 text`);
  }, 60_000);

  it('flags a row with too few values instead of importing it half-empty', () => {
    const data = station();
    const csv = join(data, 'devices.csv');
    writeFileSync(csv, 'name,serial,mac\nm-1,S1,AA:BB:CC:DD:EE:01\nm-2,AA:BB:CC:DD:EE:02\n');
    const r = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'b1', csv]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line 3, column mac: this row has 2 values but the header has 3 columns');
    expect(devicesOf(data)).toEqual([]);
  }, 60_000);
});

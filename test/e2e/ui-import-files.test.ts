/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * The import wizard with the files technicians really pick: the vendor's Excel workbook (read directly, an extra
 * column becoming an attribute as the help says, a bad cell corrected and the corrections saved as CSV), a photo of
 * the list picked by mistake, and a CSV row that lost a value.
 */

const batch = 'north-wing';
const { until, visible } = uiWaits(15_000);

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Delivery');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('import wizard: Excel, wrong files, short rows', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-import-files-',
      args: ['--bind', '127.0.0.1', '--listeners', 'none'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-0001', provisionDeviceSecret: 'meters-secret-01', strategy: 'check-pre-provisioned' });
        await rpc('batches.create', { name: batch, site: 'North wing', profile: 'meters' });
      },
    });
    ({ station, page, rpc } = ui);
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  const openImport = async () => {
    // A fresh page each time: the wizard keeps the last file's result on screen.
    await page.goto(`${station.baseUrl}/#/batches/${batch}/import`);
    await page.reload();
    await page.locator('[data-app-state="ready"]').waitFor();
    await visible(page.getByLabel('Device list file'));
  };

  it('names a photo picked by mistake, with its file name, and reads nothing', async () => {
    await openImport();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    await page.getByLabel('Device list file').setInputFiles({ name: 'IMG_2041.png', mimeType: 'image/png', buffer: png });
    await visible(page.getByText('“IMG_2041.png” is a PNG image, not a device list.'));
    await visible(page.getByText('Choose the device list itself: a CSV, JSON or Excel (.xlsx) file.'));
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'import-wrong-file.png'), animations: 'disabled' });
  });

  it('reads an .xlsx directly: Floor becomes an attribute, a bad MAC is corrected, the corrections download as CSV', async () => {
    await openImport();
    const xlsx = await workbook([
      ['Name', 'Serial', 'MAC', 'Floor'],
      ['meter-1', 40012, 'AA:BB:CC:DD:EE:01', 3],
      ['meter-2', 'S-2', 'AA:BB:CC:DD:EE', 4],
    ]);
    await page.getByLabel('Device list file').setInputFiles({
      name: 'delivery 7.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    await visible(page.getByText('delivery 7.xlsx', { exact: true }));
    await visible(page.getByText(/Excel workbook, sheet “Delivery”/));
    // The extra column: an attribute under its own name, not a problem.
    const floor = page.getByRole('combobox', { name: 'Import column “Floor” as' });
    await until(() => floor.inputValue(), 'attr:Floor');
    expect(await floor.getAttribute('aria-invalid')).toBe(null);
    const problems = page.getByRole('list', { name: 'Problems in delivery 7.xlsx' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'Line 3' });
    await visible(problem);
    expect(await problem.textContent()).toMatch(/not a MAC address/);
    await page.screenshot({ path: join(screenshots, 'import-xlsx-problem.png'), fullPage: true, animations: 'disabled' });

    await problem.getByRole('button', { name: 'Correct it' }).click();
    const cell = page.getByRole('textbox', { name: 'New mac for line 3' });
    await cell.fill('AA:BB:CC:DD:EE:02');
    await cell.press('Enter');
    await visible(page.locator('[data-check="ok"]'));

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save the corrected file' }).click()]);
    expect(download.suggestedFilename()).toBe('delivery 7-fixed.csv');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(
      'Name,Serial,MAC,Floor\nmeter-1,40012,AA:BB:CC:DD:EE:01,3\nmeter-2,S-2,AA:BB:CC:DD:EE:02,4\n',
    );

    await page.getByRole('button', { name: 'Import 2 devices' }).click();
    await until(() => page.locator('[data-import-created]').textContent(), '2');
    const device = (await rpc('devices.get', { name: 'meter-2' })) as { serial: string; mac: string; attributes: { server: Record<string, unknown> } };
    expect(device).toMatchObject({ serial: 'S-2', mac: 'AA:BB:CC:DD:EE:02' });
    expect(device.attributes.server).toEqual({ Floor: '4' });
  });

  it('flags a CSV row with too few values, at the column that is missing, and imports nothing', async () => {
    await openImport();
    const csv = 'name,serial,mac\nmeter-7,S-7,AA:BB:CC:DD:EE:07\nmeter-8,AA:BB:CC:DD:EE:08\n';
    await page.getByLabel('Device list file').setInputFiles({ name: 'short.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const problems = page.getByRole('list', { name: 'Problems in short.csv' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'Line 3' });
    await visible(problem);
    expect(await problem.textContent()).toMatch(/[Tt]his row has 2 values but the header has 3 columns/);
    await until(() => page.getByRole('button', { name: /^Import/ }).isDisabled(), true);
    await page.screenshot({ path: join(screenshots, 'import-short-row.png'), fullPage: true, animations: 'disabled' });
    expect(await rpc('devices.list', { batch })).toHaveLength(2);
  });
});

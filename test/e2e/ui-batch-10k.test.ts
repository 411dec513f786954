/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * A batch of 10,000 devices (the largest a site gets) beside another of 2,000: the batch screen opens, searches,
 * selects everything, issues 10,000 tokens, checks 10,000 labels and exports 10,000 rows without making anyone wait.
 */

const batch = 'tower-a';
const size = 10_000;
const name = (i: number) => `${batch}-${String(i).padStart(5, '0')}`;

const { until, visible } = uiWaits(30_000, 25);

describe('a batch of 10,000 devices', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let browser: TestBrowser;
  let page: Page;
  const measured: Record<string, number> = {};

  const time = async (label: string, act: () => Promise<unknown>) => {
    const started = performance.now();
    await act();
    measured[label] = Math.round(performance.now() - started);
    console.log(`10k batch: ${label} in ${measured[label]} ms`);
    return measured[label]!;
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-10k-',
      args: ['--bind', '127.0.0.1', '--listeners', 'none'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'tower', provisionDeviceKey: 'tower-key-000001', provisionDeviceSecret: 'tower-secret-0001', strategy: 'check-pre-provisioned' });
        for (const [b, n] of [
          [batch, size],
          ['tower-b', 2_000],
        ] as const) {
          await rpc('batches.create', { name: b, profile: 'tower' });
          const rows = Array.from({ length: n }, (_, i) => `${b}-${String(i + 1).padStart(5, '0')},SN${b}${i + 1}`);
          await rpc('devices.import', { profile: 'tower', batch: b, text: `name,serial\n${rows.join('\n')}\n` });
        }
      },
    });
    ({ station, browser, page } = ui);
  }, 120_000);

  afterAll(async () => {
    await ui?.close();
    mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
    writeFileSync(join(process.cwd(), 'test-results', 'ui-batch-10k.json'), `${JSON.stringify({ devices: size, ...measured }, null, 2)}\n`);
  });

  const count = () => page.locator('[data-batch-result-count]').getAttribute('data-batch-result-count');

  it('opens, searches and selects the whole batch', async () => {
    await time('open the batch (12,000 devices loaded, 10,000 shown)', async () => {
      await page.goto(`${station.baseUrl}/#/batches/${batch}`);
      await until(count, String(size));
    });
    const grid = page.getByRole('grid', { name: `Devices of batch ${batch}` });
    expect(await grid.getByRole('row').count()).toBeLessThan(120);

    const search = page.getByRole('searchbox', { name: 'Search this batch' });
    const searchMs = await time('search to 10 rows', async () => {
      await search.fill('tower-a-0420');
      await until(count, '10');
    });
    expect(searchMs).toBeLessThan(1500);
    await search.fill('');
    await until(count, String(size));

    await time('select all 10,000', async () => {
      await grid.getByRole('checkbox', { name: 'Select all shown devices' }).check();
      await until(() => page.locator('[data-selected-count]').getAttribute('data-selected-count'), String(size));
    });
  }, 90_000);

  it('issues 10,000 tokens in one go, and the table follows', async () => {
    await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Issue tokens' }).click();
    const issue = page.getByRole('dialog', { name: 'Issue tokens for 10,000 selected devices' });
    await time('issue 10,000 tokens', async () => {
      await issue.getByRole('button', { name: 'Issue 10,000 tokens' }).click();
      await until(() => page.getByRole('dialog', { name: 'Tokens issued' }).locator('[data-issued]').getAttribute('data-issued'), String(size), 60_000);
    });
    await page.getByRole('dialog', { name: 'Tokens issued' }).getByRole('button', { name: 'Done' }).click();
    const grid = page.getByRole('grid', { name: `Devices of batch ${batch}` });
    await visible(grid.getByRole('row', { name: new RegExp(name(1)) }).getByText('Active', { exact: true }));
    await page.screenshot({ path: join(screenshots, 'batch-10k.png'), animations: 'disabled' });
  }, 120_000);

  it('exports the 10,000 selected rows as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(size + 1);
  }, 60_000);

  it('checks and previews 10,000 labels for the whole batch', async () => {
    await time('labels screen checked', async () => {
      await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Print labels' }).click();
      await visible(page.getByRole('heading', { name: `Labels for ${batch}` }));
      await until(() => page.locator('[data-check-ok]').getAttribute('data-check-ok'), 'true');
    });
    // The whole batch, not a list of 10,000 names.
    expect(await page.getByText(/Reprinting/).count()).toBe(0);
    await visible(page.getByText(/10,000 labels on \d+ pages/));
    const sheet = page.getByRole('list', { name: 'Labels on the first page' });
    await visible(sheet.getByRole('listitem', { name: `Label for ${name(1)}` }));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batches', exact: true }).click();
    await visible(page.getByRole('table', { name: 'Batches' }).getByRole('link', { name: batch }));
    expect(browser.problems.all).toEqual([]);
  }, 60_000);
});

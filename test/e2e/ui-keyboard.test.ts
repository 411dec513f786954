/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl } from '../support/real-clients.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { uiWaits } from '../support/ui-waits.ts';

/*
 * The technician's story with the keyboard alone: no click, no fill. Tab (and Shift+Tab) walks to each control, and
 * every stop it lands on must show its focus; Enter and Space press, arrows move in the tables, Esc closes. A new
 * batch, its device list imported, tokens issued, a device provisioned by curl (a real client), the labels' PDF
 * downloaded, a device opened from the Devices table. After each dialog closes, the focus is back on what opened it.
 */

const shots = join(process.cwd(), 'test-results', 'keyboard');
const batch = 'keyboard-site';
const { until, visible } = uiWaits(10_000);
const deviceList = 'name,serial,mac\nkb-0001,SN-1,3C:71:BF:00:01:01\nkb-0002,SN-2,3C:71:BF:00:01:02\nkb-0003,SN-3,3C:71:BF:00:01:03\n';

describe('the technician story, with the keyboard alone', () => {
  let ui: ServedUi | undefined;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-keyboard-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: (rpc) => rpc('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-00001', provisionDeviceSecret: 'meters-secret-001', strategy: 'check-pre-provisioned' }).then(() => {}),
    });
    page = ui.page;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

  /**
   * Presses Tab (or Shift+Tab) until `target` has the focus, at most `limit` times; at every stop on the way the
   * focused element must be visibly marked (:focus-visible with an outline or a ring), or it is a stop a sighted
   * keyboard user cannot see.
   */
  const tabTo = async (target: Locator, { back = false, limit = 60 } = {}) => {
    for (let i = 0; i < limit; i++) {
      if (await isFocused(target).catch(() => false)) return;
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return { ok: true, what: 'body' };
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        const marked = el.matches(':focus-visible') && (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none');
        const seen = rect.width > 1 && rect.height > 1;
        return { ok: marked && seen, what: `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}” ${Math.round(rect.width)}×${Math.round(rect.height)}` };
      });
      expect(stop.ok, `the focus on ${stop.what} is not visible`).toBe(true);
    }
    throw new Error(`${limit} presses of Tab did not reach ${target}`);
  };

  it('creates a batch from the keyboard; Esc on the dialog gives the focus back to its button', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('b');
    await visible(page.getByRole('heading', { level: 1, name: 'Batches' }));
    const newBatch = page.getByRole('button', { name: 'New batch' }).first();
    await tabTo(newBatch);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New batch' });
    await visible(dialog);
    await page.keyboard.press('Escape');
    await until(() => dialog.count(), 0);
    await until(() => isFocused(newBatch), true);

    await page.keyboard.press('Enter');
    await visible(dialog);
    await tabTo(dialog.getByRole('textbox', { name: 'Name' }));
    await page.keyboard.type(batch);
    await tabTo(dialog.getByRole('textbox', { name: 'Site' }));
    await page.keyboard.type('Keyboard street 1');
    await until(() => dialog.getByRole('combobox', { name: 'Profile' }).inputValue(), 'meters');
    await page.screenshot({ path: join(shots, 'new-batch.png') });
    await tabTo(dialog.getByRole('button', { name: 'Create batch' }));
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { level: 1, name: batch }));
  });

  it('imports the device list: the file picker opens from its button', async () => {
    // The batch's own data arrives after its first paint (the Devices tab then shows its count, 0); wait for it, so
    // the button Tab reaches is the one that stays.
    await visible(page.getByRole('navigation', { name: 'Batch sections' }).locator('.tab-count').first());
    const choose = page.getByRole('button', { name: 'Choose file…' });
    await tabTo(choose);
    await until(() => isFocused(choose), true);
    // Listening for the chooser switches on its interception in Chromium, asynchronously; one round trip to the page
    // (after that command, on the same connection) makes sure it is on before Enter opens the picker.
    const chooserEvent = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.evaluate(() => document.readyState);
    await page.keyboard.press('Enter');
    const chooser = await chooserEvent;
    await chooser.setFiles({ name: 'kb.csv', mimeType: 'text/csv', buffer: Buffer.from(deviceList) });
    await visible(page.locator('[data-check="ok"]'));
    await tabTo(page.getByRole('button', { name: 'Import 3 devices' }));
    await page.keyboard.press('Enter');
    await until(() => page.locator('[data-import-created]').textContent(), '3');
    await tabTo(page.getByRole('button', { name: 'Show the devices' }), { back: true });
    await page.keyboard.press('Enter');
    await visible(page.getByRole('grid', { name: `Devices of batch ${batch}` }).getByRole('row', { name: /kb-0003/ }));
  });

  let credentials: { key: string; secret: string } | undefined;

  it('selects every device and issues tokens; reads one back from the Tokens tab; focus returns each time', async () => {
    const grid = page.getByRole('grid', { name: `Devices of batch ${batch}` });
    const all = grid.getByRole('checkbox', { name: 'Select all shown devices' });
    await tabTo(all);
    await page.keyboard.press('Space');
    await until(() => page.locator('[data-selected-count]').getAttribute('data-selected-count'), '3');
    const issue = page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Issue tokens' });
    await tabTo(issue, { back: true });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Issue tokens for 3 selected devices' });
    await visible(dialog);
    await tabTo(dialog.getByRole('button', { name: 'Issue 3 tokens' }));
    await page.keyboard.press('Enter');
    const issued = page.getByRole('dialog', { name: 'Tokens issued' });
    await until(() => issued.locator('[data-issued]').getAttribute('data-issued'), '3');
    await tabTo(issued.getByRole('button', { name: 'Done' }));
    await page.keyboard.press('Enter');
    await until(() => issued.count(), 0);
    await until(() => isFocused(issue), true);

    // The Tokens tab, by its link; the first row by Tab, the one for kb-0001 by arrows; Enter opens it.
    await tabTo(page.getByRole('navigation', { name: 'Batch sections' }).getByRole('link', { name: /^Tokens/ }), { back: true });
    await page.keyboard.press('Enter');
    const tokens = page.getByRole('grid', { name: `Tokens of batch ${batch}` });
    await until(() => tokens.getByRole('row').filter({ hasText: 'Active' }).count(), 3);
    await tabTo(tokens.locator('[data-row-index="0"]'));
    const row = tokens.getByRole('row', { name: /kb-0001/ });
    for (let i = 0; i < 3 && !(await isFocused(row)); i++) await page.keyboard.press('ArrowDown');
    await until(() => isFocused(row), true);
    await page.keyboard.press('Enter');
    const token = page.getByRole('dialog', { name: 'Token for kb-0001' });
    await visible(token);
    await tabTo(token.getByRole('button', { name: 'Reveal' }));
    await page.keyboard.press('Enter');
    await visible(token.locator('[data-token-secret]'));
    credentials = { key: (await token.locator('[data-token-key]').textContent())!, secret: (await token.locator('[data-token-secret]').textContent())! };
    await page.screenshot({ path: join(shots, 'token.png') });
    await page.keyboard.press('Escape');
    await until(() => token.count(), 0);
    await until(() => isFocused(row), true);
  }, 60_000);

  it('downloads the labels as a PDF, then sees a device provision (curl, over HTTP)', async () => {
    // `p` prints the open batch's selection (every device); the PDF downloads from its button.
    await page.keyboard.press('p');
    await visible(page.getByRole('heading', { level: 1, name: `Labels for ${batch}` }));
    await until(() => page.locator('[data-check-ok]').getAttribute('data-check-ok'), 'true');
    const pdfButton = page.getByRole('button', { name: /Download PDF/ });
    await tabTo(pdfButton);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await visible(page.getByRole('region', { name: 'Print', exact: true }).getByRole('status').filter({ hasText: /Saved .*\.pdf \(3 labels\)/ }));
    await page.screenshot({ path: join(shots, 'labels.png') });

    // The device powers on (curl, with its token's key and secret); its row in the batch flips to Provisioned.
    await page.keyboard.press('g');
    await page.keyboard.press('b');
    const link = page.getByRole('table', { name: 'Batches' }).getByRole('link', { name: batch });
    await tabTo(link);
    await page.keyboard.press('Enter');
    const grid = page.getByRole('grid', { name: `Devices of batch ${batch}` });
    await visible(grid.getByRole('row', { name: /kb-0001/ }));
    const answer = await curl(`http://127.0.0.1:${ui!.station.ports.http}/api/v1/provision`, {
      body: JSON.stringify({ deviceName: 'kb-0001', provisionDeviceKey: credentials!.key, provisionDeviceSecret: credentials!.secret }),
    });
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'SUCCESS' });
    await until(() => grid.getByRole('row', { name: /kb-0001/ }).getByText('Provisioned', { exact: true }).isVisible(), true);
  });

  it('opens the provisioned device from the Devices table; Esc closes it and the focus is back on its row', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    const grid = page.getByRole('grid', { name: 'Devices' });
    await visible(grid.getByRole('row', { name: /kb-0003/ }));
    await tabTo(grid.locator('[data-row-index="0"]'));
    const row = grid.getByRole('row', { name: /kb-0001/ });
    for (let i = 0; i < 3 && !(await isFocused(row)); i++) await page.keyboard.press('ArrowDown');
    await until(() => isFocused(row), true);
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'kb-0001' });
    await visible(drawer.getByText('Used', { exact: true }));
    expect(await drawer.getByText('Provisioned', { exact: true }).first().isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'device.png') });
    await page.keyboard.press('Escape');
    await until(() => drawer.count(), 0);
    await until(() => isFocused(row), true);

    // The shortcuts dialog, opened with `?`, gives the focus back where it was.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await visible(help);
    await page.keyboard.press('Escape');
    await until(() => help.count(), 0);
    await until(() => isFocused(row), true);
  });
});

/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJsonPayload, encodeUrlPayload } from '../../shared/label-payload.ts';
import type { IssuedToken } from '../../shared/tokens.ts';
import { runCliAsync } from '../support/cli.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * What other processes and other keyboards do to an open UI: the CLI writing to the served data directory shows up
 * live; a USB barcode scanner (a keyboard typing a few ms a key, then Enter) checks a device in wherever the focus
 * is, and nothing else; the Server and Sync screens show one waiting count, also after `sync --once` from the CLI.
 */

const { until, visible } = uiWaits(10_000);
const profile = { name: 'meters', provisionDeviceKey: 'meters-key-00001', provisionDeviceSecret: 'meters-secret-001' };
const batch = 'north';

describe('live UI: other processes, barcode scanners, one waiting count', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;
  let tokens: IssuedToken[];
  let files: string;

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'fieldstation-live-files-'));
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-live-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (rpc) => {
        await rpc('profiles.add', { ...profile, strategy: 'check-pre-provisioned' });
        await rpc('batches.create', { name: batch, site: 'North wing', profile: profile.name });
        await rpc('devices.import', { profile: profile.name, batch, text: 'name,serial\nmeter-1,S1\nmeter-2,S2\nmeter-3,S3\n' });
      },
    });
    ({ station, page, rpc } = ui);
    tokens = ((await rpc('tokens.issue', { batch, perDevice: true })) as { tokens: IssuedToken[] }).tokens;
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    rmSync(files, { recursive: true, force: true });
  });

  /** Marks the loaded page, so a test can tell that what it saw came without a reload. */
  const markPage = () => page.evaluate(() => Object.assign(window, { fieldstationTestMark: true }));
  const stillSamePage = () => page.evaluate(() => 'fieldstationTestMark' in window);
  const cli = async (...args: string[]) => {
    const r = await runCliAsync([...args, '--data', station.dataDir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r;
  };

  it('shows devices, tokens and profiles that the CLI writes to the served data directory, within 2 s, without a reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    const grid = page.getByRole('grid', { name: 'Devices' });
    await visible(grid.getByRole('row', { name: /meter-1\b/ }));
    await markPage();

    const csv = join(files, 'late.csv');
    writeFileSync(csv, 'name,serial\nlate-arrival,S9\n');
    await cli('import', '--profile', profile.name, '--batch', batch, csv);
    // The acceptance: the row appears by itself within 2 s of the CLI finishing.
    await grid.getByRole('row', { name: /late-arrival\b/ }).waitFor({ timeout: 2000 });

    await cli('device', 'add', '--profile', profile.name, '--batch', batch, '--name', 'added-by-hand');
    await grid.getByRole('row', { name: /added-by-hand\b/ }).waitFor({ timeout: 2000 });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    await visible(page.getByRole('heading', { name: 'Profiles', level: 1 }));
    await cli('profile', 'add', '--name', 'valves', '--key', 'valves-key-000001', '--secret', 'valves-secret-001', '--strategy', 'allow-create');
    await page.getByRole('link', { name: /valves/ }).or(page.getByRole('button', { name: /valves/ })).first().waitFor({ timeout: 2000 });

    await page.goto(`${station.baseUrl}/#/batches/${batch}/tokens`);
    await markPage();
    const tokenGrid = page.getByRole('grid', { name: `Tokens of batch ${batch}` });
    await visible(tokenGrid.getByRole('row', { name: /meter-1\b/ }));
    await cli('tokens', 'issue', '--batch', batch, '--device', 'late-arrival');
    await tokenGrid.getByRole('row', { name: /late-arrival\b/ }).waitFor({ timeout: 2000 });
    expect(await stillSamePage()).toBe(true);
  }, 60_000);

  /** What a USB scanner does: the payload a few ms a key, then Enter, wherever the focus is. */
  const scan = async (payload: string) => {
    await page.keyboard.type(payload, { delay: 3 });
    await page.keyboard.press('Enter');
  };
  const scanned = (p: Page) => p.locator('[data-scanned-device]');
  const batchCount = async () => ((await rpc('batches.list', {})) as unknown[]).length;

  it('takes a scanned label of every kind as a check-in wherever the focus is, and nothing else', async () => {
    const [t1, t2, t3] = [tokens[0]!, tokens[1]!, tokens[2]!];
    const batchesBefore = await batchCount();
    const urlPayload = encodeUrlPayload('127.0.0.1', 8080, t2.key);
    const jsonPayload = encodeJsonPayload({ host: '127.0.0.1', ports: { http: 8080, mqtt: 1883, coap: 5683 }, key: t3.key, secret: t3.secret ?? null });

    // Focus on the page body, on the Batches screen where `b` means "New batch": a url label has a b in "onboard".
    await page.goto(`${station.baseUrl}/#/batches`);
    await visible(page.getByRole('heading', { name: 'Batches', level: 1 }));
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    const hash = await page.evaluate(() => location.hash);
    for (const [payload, device] of [
      [t1.payload, t1.device],
      [urlPayload, t2.device],
      [jsonPayload, t3.device],
      [t1.shortCode, t1.device],
    ] as const) {
      await scan(payload);
      await until(() => scanned(page).textContent(), device);
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await page.evaluate(() => location.hash)).toBe(hash);
      await page.getByRole('button', { name: 'Dismiss' }).click();
    }

    // Inside an open dialog, with the focus in its first field.
    await page.keyboard.press('b');
    const dialog = page.getByRole('dialog', { name: 'New batch' });
    await visible(dialog);
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await name.fill('half-typed');
    await name.focus();
    await scan(urlPayload);
    await until(() => scanned(page).textContent(), t2.device);
    await visible(scanned(page));
    await page.screenshot({ path: join(screenshots, 'live-scan-over-dialog.png'), animations: 'disabled' });
    expect(await dialog.isVisible()).toBe(true);
    expect(await name.inputValue()).toBe('half-typed');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await batchCount()).toBe(batchesBefore);

    // In a search box: its text stays what the person typed, and the list stays filtered by it.
    await page.goto(`${station.baseUrl}/#/devices`);
    const search = page.getByRole('searchbox', { name: 'Search devices' }).or(page.getByRole('textbox', { name: 'Search devices' }));
    await search.fill('meter');
    await search.focus();
    await scan(jsonPayload);
    await until(() => scanned(page).textContent(), t3.device);
    expect(await search.inputValue()).toBe('meter');
    // A person typing into it is still a person typing (held keys are delivered, in order).
    await page.keyboard.type('-2', { delay: 80 });
    await until(() => search.inputValue(), 'meter-2');

    // An unknown code says so, in words (an answer, not a failed request: the shared setup fails any 4xx).
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await scan('NOT-OUR-LABEL-77');
    await visible(page.locator('[data-scan-result="unknown"]'));
    expect(await page.locator('[data-scan-result="unknown"]').textContent()).toMatch(/Unknown code “NOT-OUR-LABEL-77”\. That is not a Fieldstation label/);
    expect(await batchCount()).toBe(batchesBefore);
  }, 60_000);

  it('hands a scan to the batch scanner field when it is on screen, wherever the focus is', async () => {
    await page.goto(`${station.baseUrl}/#/batches/${batch}`);
    const field = page.getByRole('textbox', { name: 'Scan a label' });
    await visible(field);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await scan(tokens[1]!.payload);
    const result = page.locator('.scan-result-name');
    await until(() => result.textContent(), tokens[1]!.device);
    // The page-wide panel stays closed: the field answered.
    expect(await page.locator('.scan-panel').isVisible()).toBe(false);
    expect(await field.inputValue()).toBe('');
  }, 60_000);

  it('shows one waiting count on the Server and Sync screens, before and after `sync --once` from the CLI', async () => {
    const cloud: ThingsBoardCloud = await startThingsBoardCloud({ profiles: [profile.name] });
    try {
      // The cloud answers 503 for a while: the results wait, retried by the station's worker.
      const outage = cloud.faults.add({ route: 'createDevice', probability: 1, action: { type: 'error', status: 503 } });
      await rpc('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
      // Two devices provision over HTTP, as firmware does: two results for the cloud.
      for (const deviceName of ['meter-1', 'meter-2']) {
        const r = await fetch(`http://127.0.0.1:${station.ports.http}/api/v1/provision`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deviceName, provisionDeviceKey: profile.provisionDeviceKey, provisionDeviceSecret: profile.provisionDeviceSecret }),
        });
        expect(((await r.json()) as { status: string }).status).toBe('SUCCESS');
      }
      const serverCount = async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
        return page.locator('.counters-card [data-sync-queue]').getAttribute('data-sync-queue');
      };
      const syncCount = async () => {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
        return page.locator('.sync-stats [data-sync-queue]').getAttribute('data-sync-queue');
      };
      await until(serverCount, '2');
      await until(syncCount, '2');

      // The cloud is back and another process syncs: both screens follow without a reload, and agree.
      outage.remove();
      await markPage();
      await cli('sync', '--once');
      await until(() => cloud.state.devices.size, 2, 20_000);
      await until(syncCount, '0');
      await until(serverCount, '0');
      expect(((await rpc('sync.status', {})) as { queue: number }).queue).toBe(0);
      expect(await stillSamePage()).toBe(true);
    } finally {
      await cloud.close();
    }
  }, 60_000);
});

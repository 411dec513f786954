/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.ts';
import { pahoProvision } from '../support/mqtt-clients.ts';
import { coapClient, curl } from '../support/real-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { startThingsBoardCloud, type ThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * The technician's day, through the UI alone: a profile, a batch and its device list (one bad row, fixed on the spot),
 * tokens, labels, the device listeners switched on, three devices provisioning with real clients (curl over HTTP,
 * Paho over MQTT, libcoap over CoAP) while their rows flip live, a label scanned at the mounting place and the device
 * marked installed, the batch exported as CSV, the results sent on to a (local) webhook, and the batch handed over to
 * a ThingsBoard-shaped cloud: each device told its cloud after sync delivered it, and confirming.
 */

const profile = { name: 'boiler-sensors', key: 'story-provision-key-01', secret: 'story-provision-secret-01' };
const batch = 'plant-room-2';
const devices = ['boiler-0001', 'boiler-0002', 'boiler-0003'] as const;
const note = 'Boiler room B, rack 2';
const hookSecret = 'story-webhook-secret-0123456789';

// A vendor's list: semicolons, a column the station does not know (Floor), and a MAC typed wrong on line 3.
const deviceList = [
  'name;serial;mac;Floor',
  'boiler-0001;SN-1001;3C:71:BF:00:00:01;1',
  'boiler-0002;SN-1002;3C:71:BF:00:00:0G;1',
  'boiler-0003;SN-1003;3C:71:BF:00:00:03;2',
  '',
].join('\n');

async function shot(page: Page, name: string, fullPage = false) {
  // A full-page capture of a scrolled page draws the sticky top bar where the scroll left it.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, `story-${name}.png`), fullPage, animations: 'disabled' });
}

/** Polls until `read` gives `expected` (10 s: real clients and the station's checks take their time). */
const { until, visible } = uiWaits(10_000);

describe('the technician story, through the UI alone', () => {
  let dataDir: string;
  let station: ServeProcess;
  let browser: TestBrowser;
  let page: Page;
  let hook: WebhookReceiver;
  let cloud: ThingsBoardCloud;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-story-'));
    // Loopback only, and the device listeners off: the technician switches them on from the Server screen.
    station = await startServe({ dataDir, args: ['--bind', '127.0.0.1', '--listeners', 'none'] });
    browser = await openBrowser({ permissions: ['clipboard-read', 'clipboard-write'] });
    page = browser.page;
    hook = await startWebhookReceiver(hookSecret);
    cloud = await startThingsBoardCloud({ profiles: [profile.name], deviceApi: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    await hook?.close();
    await cloud?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const batchTab = (name: string) => page.getByRole('navigation', { name: 'Batch sections' }).getByRole('link', { name: new RegExp(`^${name}`) }).click();
  const table = () => page.getByRole('grid', { name: `Devices of batch ${batch}` });
  const row = (device: string) => table().getByRole('row', { name: new RegExp(`${device}\\b`) });
  const credentials = new Map<string, { key: string; secret: string; payload: string; shortCode: string }>();
  /** The access token each device received (ACCESS_TOKEN is the profile's default). */
  const accessTokens = new Map<string, string>();
  let httpPort = 0;

  it('sets up the day: a profile, a batch, its device list with one bad row fixed on the spot', async () => {
    await page.goto(station.uiUrl);
    await until(() => page.locator('[data-app-state]').getAttribute('data-app-state'), 'ready');
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    // The profile the devices belong to.
    await nav('Profiles');
    const form = page.getByRole('form', { name: 'New profile' });
    await visible(form);
    await form.getByRole('textbox', { name: 'Name' }).fill(profile.name);
    await form.getByRole('textbox', { name: 'Provision key' }).fill(profile.key);
    await form.getByRole('textbox', { name: 'Provision secret' }).fill(profile.secret);
    await form.getByRole('button', { name: 'Create profile' }).click();
    await visible(page.getByRole('form', { name: `Edit “${profile.name}”` }));
    await shot(page, 'profiles');

    // A batch for today's site.
    await nav('Batches');
    await visible(page.getByText('No batches yet.'));
    await page.getByRole('button', { name: 'New batch' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New batch' });
    await visible(dialog);
    await dialog.getByRole('textbox', { name: 'Name' }).fill(batch);
    await dialog.getByRole('textbox', { name: 'Site' }).fill('North plant');
    await until(() => dialog.getByRole('combobox', { name: 'Profile' }).inputValue(), profile.name);
    await dialog.getByRole('textbox', { name: 'Notes' }).fill('Delivery 2 of 3: boiler sensors');
    await shot(page, 'batch-new');
    await dialog.getByRole('button', { name: 'Create batch' }).click();
    await visible(page.getByRole('heading', { name: batch, level: 1 }));

    // The new batch opens on its import: the vendor's file, read here and checked by the station (dry run).
    await page.getByLabel('Device list file').setInputFiles({ name: 'delivery-2.csv', mimeType: 'text/csv', buffer: Buffer.from(deviceList) });
    await visible(page.getByText('delivery-2.csv', { exact: true }));
    await visible(page.getByText(/semicolon-separated/));
    // "Floor" is not a column the station knows: as the help says, it becomes an attribute under that name.
    const floor = page.getByRole('combobox', { name: 'Import column “Floor” as' });
    await until(() => floor.inputValue(), 'attr:Floor');
    expect(await floor.getAttribute('aria-invalid')).toBe(null);
    // The bad MAC: the problem with its line, and the cell marked in the preview.
    const problems = page.getByRole('list', { name: 'Problems in delivery-2.csv' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'Line 3' });
    await visible(problem);
    expect(await problem.textContent()).toMatch(/mac.*not a MAC address/i);
    const preview = page.getByRole('table', { name: 'Preview of delivery-2.csv' });
    await visible(preview.locator('tr[data-line="3"] td[data-problem]'));
    expect(await page.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    await shot(page, 'import-problem', true);

    // Fixed in place: the cell opens for editing, Enter saves, the station checks again.
    await problem.getByRole('button', { name: 'Correct it' }).click();
    const cell = page.getByRole('textbox', { name: 'New mac for line 3' });
    await visible(cell);
    await cell.fill('3C:71:BF:00:00:02');
    await cell.press('Enter');
    await visible(page.locator('[data-check="ok"]'));
    await page.getByRole('button', { name: 'Import 3 devices' }).click();
    await until(() => page.locator('[data-import-created]').textContent(), '3');
    await shot(page, 'import-done');
  }, 90_000);

  it('issues a token per device and reads them back, then previews and downloads the labels', async () => {
    await page.getByRole('button', { name: 'Show the devices' }).click();
    for (const d of devices) await visible(row(d));
    await until(() => row('boiler-0002').getByText('Pending', { exact: true }).isVisible(), true);

    // Select all, issue tokens: one per device.
    await table().getByRole('checkbox', { name: 'Select all shown devices' }).check();
    await until(() => page.locator('[data-selected-count]').getAttribute('data-selected-count'), '3');
    await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Issue tokens' }).click();
    const issue = page.getByRole('dialog', { name: 'Issue tokens for 3 selected devices' });
    await visible(issue);
    await shot(page, 'issue-tokens');
    await issue.getByRole('button', { name: 'Issue 3 tokens' }).click();
    const issued = page.getByRole('dialog', { name: 'Tokens issued' });
    await until(() => issued.locator('[data-issued]').getAttribute('data-issued'), '3');
    await issued.getByRole('button', { name: 'Done' }).click();
    for (const d of devices) await until(() => row(d).getByText('Active', { exact: true }).isVisible(), true);

    // The Tokens tab: each token's code, key and secret, as a technician would type them into a device.
    await batchTab('Tokens');
    const tokens = page.getByRole('grid', { name: `Tokens of batch ${batch}` });
    await until(() => tokens.getByRole('row').filter({ hasText: 'Active' }).count(), 3);
    await shot(page, 'tokens');
    for (const d of devices) {
      await tokens.getByRole('row', { name: new RegExp(d) }).click();
      const token = page.getByRole('dialog', { name: `Token for ${d}` });
      await visible(token);
      await token.getByRole('button', { name: 'Reveal' }).click();
      await visible(token.locator('[data-token-secret]'));
      credentials.set(d, {
        key: (await token.locator('[data-token-key]').textContent())!,
        secret: (await token.locator('[data-token-secret]').textContent())!,
        payload: (await token.locator('code.payload').textContent())!,
        shortCode: (await token.locator('[data-short-code]').textContent())!,
      });
      if (d === 'boiler-0001') await shot(page, 'token');
      await page.keyboard.press('Escape');
      await until(() => token.count(), 0);
    }
    expect(credentials.get('boiler-0003')!.payload).toMatch(/^FS1:/);

    // Labels for the selection: the first page at true scale, checked by the station, then the PDF.
    await batchTab('Devices');
    await table().getByRole('checkbox', { name: 'Select all shown devices' }).check();
    await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Print labels' }).click();
    await visible(page.getByRole('heading', { name: `Labels for ${batch}`, level: 1 }));
    // Every device of the batch selected is the batch itself: no reprint list.
    expect(await page.getByText(/^Reprinting/).count()).toBe(0);
    const sheet = page.getByRole('list', { name: 'Labels on the first page' });
    for (const d of devices) await visible(sheet.getByRole('listitem', { name: `Label for ${d}` }));
    await until(() => sheet.locator('svg.qr').count(), 3);
    await until(() => page.locator('[data-check-ok]').getAttribute('data-check-ok'), 'true');
    await visible(page.getByText(/3 labels on 1 page/));
    await shot(page, 'labels', true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download PDF/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await visible(page.getByRole('region', { name: 'Print', exact: true }).getByRole('status').filter({ hasText: /Saved .*\.pdf \(3 labels\)/ }));
  }, 90_000);

  it('switches the device listeners on, and three devices provision with real clients while their rows flip live', async () => {
    await nav('Server');
    const listeners = page.getByRole('table', { name: 'Listeners' });
    await visible(listeners);
    await visible(page.getByText(/Every device listener is off/));
    const ports: Record<string, number> = {};
    for (const [name, title] of [
      ['http', 'HTTP'],
      ['mqtt', 'MQTT broker'],
      ['coap', 'CoAP'],
    ] as const) {
      const toggle = page.getByRole('switch', { name: title, exact: true });
      await until(() => toggle.getAttribute('aria-checked'), 'false');
      await toggle.click();
      await until(() => toggle.getAttribute('aria-checked'), 'true');
      const url = (await listeners.locator(`[data-listener="${name}"] code`).textContent())!;
      ports[name] = Number(new URL(url.replace(/^(mqtt|coap):/, 'http:')).port);
      expect(ports[name]).toBeGreaterThan(0);
    }
    await visible(page.getByRole('list', { name: 'Provisioning endpoints' }));
    await shot(page, 'server-listeners', true);

    // Back to the batch (no reload: the same document all along), then the devices power on.
    await nav('Batches');
    await page.getByRole('link', { name: batch, exact: true }).click();
    await visible(table());
    const request = (d: string) => {
      const c = credentials.get(d)!;
      return { deviceName: d, provisionDeviceKey: c.key, provisionDeviceSecret: c.secret };
    };

    httpPort = ports.http!;
    const http = await curl(`http://127.0.0.1:${ports.http}/api/v1/provision`, { body: JSON.stringify(request('boiler-0001')) });
    expect(JSON.parse(http.body)).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    accessTokens.set('boiler-0001', JSON.parse(http.body).credentialsValue);
    await until(() => row('boiler-0001').getByText('Provisioned', { exact: true }).isVisible(), true);
    await until(() => row('boiler-0001').getByText('HTTP', { exact: true }).isVisible(), true);

    const mqtt = JSON.parse(await pahoProvision(ports.mqtt!, request('boiler-0002')));
    expect(mqtt).toMatchObject({ status: 'SUCCESS' });
    accessTokens.set('boiler-0002', mqtt.credentialsValue);
    await until(() => row('boiler-0002').getByText('Provisioned', { exact: true }).isVisible(), true);
    await until(() => row('boiler-0002').getByText('MQTT', { exact: true }).isVisible(), true);

    const coap = await coapClient(`coap://127.0.0.1:${ports.coap}/api/v1/provision`, { payload: JSON.stringify(request('boiler-0003')) });
    expect(coap.code, coap.log).toMatch(/^2\./);
    expect(JSON.parse(coap.payload)).toMatchObject({ status: 'SUCCESS' });
    accessTokens.set('boiler-0003', JSON.parse(coap.payload).credentialsValue);
    await until(() => row('boiler-0003').getByText('Provisioned', { exact: true }).isVisible(), true);
    await until(() => row('boiler-0003').getByText('COAP', { exact: true }).isVisible(), true);

    // The tokens are used up, the batch's bar is full: all live.
    for (const d of devices) await until(() => row(d).getByText('Used', { exact: true }).isVisible(), true);
    await until(() => page.locator('[data-batch-done]').first().getAttribute('data-batch-done'), '3');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shot(page, 'batch-provisioned');
  }, 90_000);

  it('scans a label at the mounting place, marks the device installed, and exports the batch as CSV', async () => {
    const scanner = page.getByRole('textbox', { name: 'Scan a label' });
    await page.getByRole('textbox', { name: 'Location note' }).fill(note);
    // A USB scanner types the payload and presses Enter.
    await scanner.click();
    await page.keyboard.type(credentials.get('boiler-0003')!.payload);
    await page.keyboard.press('Enter');
    const result = page.locator('.scan-result');
    await visible(result.getByText('boiler-0003', { exact: true }));
    await until(() => row('boiler-0003').getAttribute('data-highlighted'), 'true');
    await visible(page.getByRole('dialog', { name: 'boiler-0003' }));
    // The cursor stayed in the scanner field: the next label can be scanned without the mouse.
    await until(() => page.evaluate(() => document.activeElement?.hasAttribute('data-scanner') ?? false), true);
    await result.getByRole('button', { name: `Mark installed at “${note}”` }).click();
    await visible(result.getByText(/Marked installed at/));
    await until(() => page.evaluate(() => document.activeElement?.hasAttribute('data-scanner') ?? false), true);
    await visible(row('boiler-0003').getByText(note, { exact: false }));
    await visible(page.getByRole('dialog', { name: 'boiler-0003' }).getByText(note, { exact: false }));
    await shot(page, 'scan-installed');

    // A code that is no label of this station: the plain error, and the field is ready for the next scan.
    await page.keyboard.type('NOT-A-LABEL-42');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('alert').filter({ hasText: /not a Fieldstation label/ }));
    await until(() => page.evaluate(() => document.activeElement?.hasAttribute('data-scanner') ?? false), true);
    await shot(page, 'scan-unknown');
    await page.getByRole('button', { name: 'Close device details' }).click();

    // Export the batch as CSV.
    await table().getByRole('checkbox', { name: 'Select all shown devices' }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^plant-room-2-devices-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('name,serial,mac,label,batch,profile,state,credentialsType,provisionedVia,provisionedAt,lastSeenAt,installedAt,locationNote');
    expect(csv).toHaveLength(4);
    const installed = csv.find((l) => l.startsWith('boiler-0003,'))!;
    expect(installed).toContain(`"${note}"`);
    expect(installed).toContain(',provisioned,');

    // The Devices screen has the same devices, live, and its drawer knows the token and the installation.
    await nav('Devices');
    await page.getByRole('grid', { name: 'Devices' }).getByRole('row', { name: /boiler-0003/ }).click();
    const drawer = page.getByRole('dialog', { name: 'boiler-0003' });
    await visible(drawer.getByText(note, { exact: false }));
    await visible(drawer.getByText('Used', { exact: true }));
    await shot(page, 'devices');
    await page.keyboard.press('Escape');
  }, 60_000);

  it('sends the results on to a sync target and shows the keyboard shortcuts', async () => {
    await nav('Sync');
    await visible(page.getByText('No sync target yet.'));
    await page.getByRole('button', { name: 'Add target' }).first().click();
    const add = page.getByRole('dialog', { name: 'Add a sync target' });
    await add.getByRole('radio', { name: /Webhook/ }).check();
    await add.getByRole('textbox', { name: 'Name' }).fill('cloud-hook');
    await add.getByRole('textbox', { name: 'URL' }).fill(hook.url);
    await add.getByRole('textbox', { name: 'Signing secret' }).fill(hookSecret);
    await add.getByRole('button', { name: 'Add target' }).click();
    const card = page.getByRole('listitem', { name: 'Sync target cloud-hook' });
    await visible(card);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await visible(card.getByRole('status'));
    await page.getByRole('button', { name: 'Sync now' }).first().click();
    await until(() => page.locator('[data-sync-queue]').textContent(), '0', 20_000);
    await until(() => card.locator('[data-target-status]').getAttribute('data-target-status'), 'idle');
    await hook.until((r) => r.events.size > 0);
    await shot(page, 'sync', true);

    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await visible(help);
    await visible(help.getByText('Scan a label', { exact: false }));
    await shot(page, 'help');
    await page.keyboard.press('Escape');
    await until(() => help.count(), 0);

    // `g b` then the batch: the batch list shows the day's progress.
    await page.keyboard.press('g');
    await page.keyboard.press('b');
    await visible(page.getByRole('heading', { name: 'Batches', level: 1 }));
    await visible(page.getByRole('table', { name: 'Batches' }).getByRole('link', { name: batch }));
    await shot(page, 'batches');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  }, 60_000);

  it('hands the batch over to the cloud: each device told after sync delivered it, then confirming, live', async () => {
    await nav('Sync');
    await page.getByRole('button', { name: 'Add target' }).first().click();
    const add = page.getByRole('dialog', { name: 'Add a sync target' });
    await add.getByRole('textbox', { name: 'Name', exact: true }).fill('cloud');
    await add.getByRole('textbox', { name: 'URL' }).fill(cloud.url);
    await add.getByRole('textbox', { name: 'User name' }).fill('tenant@thingsboard.org');
    await add.getByLabel('Password').fill('tenant');
    await add.getByRole('button', { name: 'Add target' }).click();
    await visible(page.getByRole('listitem', { name: 'Sync target cloud', exact: true }));

    await nav('Batches');
    await page.getByRole('link', { name: batch, exact: true }).click();
    await batchTab('Hand-over');
    await visible(page.getByText('Not handed over yet.'));
    await page.getByRole('button', { name: 'Hand over…' }).click();
    const dialog = page.getByRole('dialog', { name: `Hand “${batch}” over to the cloud` });
    await dialog.getByRole('combobox', { name: 'Cloud' }).selectOption('cloud');
    await dialog.getByRole('spinbutton', { name: 'MQTT port' }).fill(String(cloud.deviceApi!.mqttPort));
    await shot(page, 'handover-dialog');
    await dialog.getByRole('button', { name: 'Hand over 3 devices' }).click();
    await until(() => dialog.count(), 0);

    // Sync delivers the devices; only then are they told, and the counts move live.
    const count = (state: string) => page.locator(`[data-handover-count="${state}"]`).textContent();
    await until(count.bind(null, 'waiting'), '3', 30_000);
    for (const d of devices) expect(cloud.state.deviceByName(d), d).toBeDefined();

    // Each device acknowledges to the station before it moves; the table and the counts follow.
    for (const d of devices) {
      const ack = await curl(`http://127.0.0.1:${httpPort}/api/v1/${accessTokens.get(d)}/attributes`, { body: JSON.stringify({ cloudAck: '127.0.0.1' }) });
      expect(ack.status).toBe(200);
    }
    await until(count.bind(null, 'confirmed'), '3', 15_000);
    const table = page.getByRole('table', { name: 'Hand-over of each device' });
    for (const d of devices) await until(() => table.locator(`tr[data-device="${d}"] [data-handover-state]`).getAttribute('data-handover-state'), 'confirmed');
    await shot(page, 'handover', true);
  }, 90_000);

  it('logged no console errors and no page errors', () => {
    expect(browser.problems.all).toEqual([]);
  });
});

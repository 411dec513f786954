import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectJs } from '../support/mqtt-clients.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Shared attributes and commands as a technician uses them: values authored in the UI on the profile, the batch and
 * the device reach a connected MQTT device (mqtt.js, subscribed to v1/devices/me/attributes), the drawer shows what
 * the device receives and which level each value comes from (device > batch > profile), and a command run from the
 * drawer shows the device's answer, or says plainly that nobody was listening.
 */

const { until } = uiWaits(10_000);

describe('shared attributes and commands in the UI', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;
  let device: MqttClient | undefined;
  /** Every shared-attributes update the device received, merged: what its firmware would hold. */
  const received: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-attributes-',
      args: ['--bind', '127.0.0.1', '--listeners', 'mqtt'],
      seed: async (call) => {
        await call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-0001', provisionDeviceSecret: 'meters-secret-01', strategy: 'allow-create' });
        await call('batches.create', { name: 'north', site: 'North wing', profile: 'meters' });
        await call('devices.add', { profile: 'meters', batch: 'north', name: 'meter-7', token: 'METER7TOKEN' });
        await call('devices.add', { profile: 'meters', batch: 'north', name: 'meter-8', token: 'METER8TOKEN' });
      },
    });
    ({ station, page, rpc } = ui);
    // A real device: it takes shared-attribute updates and answers every command by echoing its params.
    device = await connectJs(station.ports.mqtt!, { username: 'METER7TOKEN', clientId: 'meter-7' });
    device.on('message', (topic, payload) => {
      if (topic === 'v1/devices/me/attributes') Object.assign(received, JSON.parse(payload.toString()));
      const request = /^v1\/devices\/me\/rpc\/request\/(\d+)$/.exec(topic);
      if (request) {
        const { method, params } = JSON.parse(payload.toString()) as { method: string; params: unknown };
        device!.publish(`v1/devices/me/rpc/response/${request[1]}`, JSON.stringify({ done: method, echo: params }), { qos: 1 });
      }
    });
    await device.subscribeAsync(['v1/devices/me/attributes', 'v1/devices/me/rpc/request/+'], { qos: 1 });
  }, 60_000);

  afterAll(async () => {
    await device?.endAsync(true);
    await ui?.close();
  });

  /** Adds one row to an attributes editor and types its name and value. */
  async function addRow(editor: Locator, key: string, value: string) {
    await editor.getByRole('button', { name: 'Add attribute' }).click();
    // The new row's name field takes the focus.
    await expect.poll(() => editor.getByLabel('Name').last().evaluate((el) => el === document.activeElement)).toBe(true);
    await editor.getByLabel('Name').last().fill(key);
    await editor.getByLabel('Value').last().fill(value);
  }

  const receivedValue = (key: string) => received[key];

  it('sets profile-level values on the Profiles screen, with a plain error for a bad key, and the device receives them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    const editor = page.getByRole('form', { name: 'Shared attributes' });
    await editor.getByText('No shared attributes at this level yet.').waitFor();
    await addRow(editor, 'interval', '60');
    await addRow(editor, 'mode', 'eco');
    await addRow(editor, 'interval', 'true');
    await editor.getByRole('button', { name: 'Save attributes' }).click();
    await expect.poll(() => editor.getByText('“interval” is already in the list.').isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'attributes-profile-bad-key.png'), animations: 'disabled' });
    await editor.getByRole('button', { name: 'Remove interval' }).last().click();
    await editor.getByRole('button', { name: 'Save attributes' }).click();

    await until(() => receivedValue('interval'), 60);
    await until(() => receivedValue('mode'), 'eco');
    expect(await rpc('attributes.authored', { level: 'profile', name: 'meters' })).toEqual({ level: 'profile', name: 'meters', values: { interval: 60, mode: 'eco' } });
    // Saved: the rows are what the station holds, numbers shown as typed.
    await until(() => editor.getByText('Unsaved changes').count(), 0);
    expect(await editor.getByLabel('Value').first().inputValue()).toBe('60');
  }, 30_000);

  it('saves the profile’s hand-over settings', async () => {
    const form = page.getByRole('form', { name: 'Hand-over' });
    await form.getByLabel('Confirmation attribute').fill('movedAck');
    await form.getByLabel('Extra attributes (JSON)').fill('{"fwChannel": "stable"');
    await form.getByRole('button', { name: 'Save hand-over settings' }).click();
    await expect.poll(() => form.getByText('This is not valid JSON.', { exact: false }).isVisible()).toBe(true);
    await form.getByLabel('Extra attributes (JSON)').fill('{"fwChannel": "stable"}');
    await form.getByRole('button', { name: 'Save hand-over settings' }).click();
    await until(async () => {
      const s = (await rpc('handover.settings.get', { profile: 'meters' })) as { confirmKey: string; extra: unknown };
      return [s.confirmKey, s.extra];
    }, ['movedAck', { fwChannel: 'stable' }]);
    await page.screenshot({ path: join(screenshots, 'attributes-profile.png'), animations: 'disabled', fullPage: true });
  }, 30_000);

  it('sets batch-level values on the batch’s Attributes tab; they beat the profile’s', async () => {
    await page.goto(`${station.baseUrl}/#/batches/north`);
    await page.getByRole('navigation', { name: 'Batch sections' }).getByRole('link', { name: 'Attributes' }).click();
    const editor = page.getByRole('form', { name: 'Shared attributes' });
    await editor.getByText('No shared attributes at this level yet.').waitFor();
    await addRow(editor, 'interval', '30');
    await addRow(editor, 'site', 'north wing');
    await editor.getByRole('button', { name: 'Save attributes' }).click();
    await until(() => receivedValue('interval'), 30);
    await until(() => receivedValue('site'), 'north wing');
    await page.screenshot({ path: join(screenshots, 'attributes-batch.png'), animations: 'disabled' });
  }, 30_000);

  it('sets a device-level value in the drawer and shows what the device receives, and from where', async () => {
    await page.goto(`${station.baseUrl}/#/batches/north/devices/meter-7`);
    const drawer = page.getByRole('dialog', { name: 'meter-7' });
    const editor = drawer.getByRole('form', { name: /own shared attributes/ });
    await editor.getByText('No shared attributes at this level yet.').waitFor();
    await addRow(editor, 'interval', '15');
    await editor.getByRole('button', { name: 'Save attributes' }).click();
    await until(() => receivedValue('interval'), 15);

    const shared = drawer.getByRole('table', { name: /Received by the device/ });
    const row = (key: string) => shared.getByRole('row', { name: new RegExp(`^${key}\\b`) });
    await until(() => row('interval').getByRole('cell').allTextContents(), ['15', 'this device']);
    await until(() => row('site').getByRole('cell').allTextContents(), ['north wing', 'batch']);
    await until(() => row('mode').getByRole('cell').allTextContents(), ['eco', 'profile']);
    await drawer.getByRole('heading', { name: 'Attributes', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'attributes-drawer.png'), animations: 'disabled' });

    // Removing the device's own value: the batch's shows through, on the device and in the drawer.
    await editor.getByRole('button', { name: 'Remove interval' }).click();
    await editor.getByRole('button', { name: 'Save attributes' }).click();
    await until(() => receivedValue('interval'), 30);
    await until(() => row('interval').getByRole('cell').allTextContents(), ['30', 'batch']);
  }, 30_000);

  it('runs a command on the device from the drawer and shows its answer', async () => {
    const drawer = page.getByRole('dialog', { name: 'meter-7' });
    const form = drawer.getByRole('form', { name: 'Run a command on meter-7' });
    await form.getByLabel('Command').fill('blink');
    await form.getByLabel('Parameters (JSON)').fill('{"times": 3}');
    await form.getByLabel('Wait (seconds)').fill('5');
    await form.getByRole('button', { name: 'Run command' }).click();
    const answer = form.locator('[data-rpc-outcome="answered"]');
    await answer.waitFor();
    expect(await answer.textContent()).toContain('Answer to blink');
    expect(JSON.parse((await answer.locator('pre').textContent()) ?? '')).toEqual({ done: 'blink', echo: { times: 3 } });
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'attributes-rpc-answer.png'), animations: 'disabled' });
  }, 30_000);

  it('says plainly when no device is connected to take the command, on a small screen', async () => {
    ui!.browser.allowProblems(/status of 504/, /^response: 504 for POST .*rpc\.send$/);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${station.baseUrl}/#/batches/north/devices/meter-8`);
    const drawer = page.getByRole('dialog', { name: 'meter-8' });
    const form = drawer.getByRole('form', { name: 'Run a command on meter-8' });
    await form.getByLabel('Command').fill('reboot');
    await form.getByLabel('Wait (seconds)').fill('1');
    await form.getByRole('button', { name: 'Run command' }).click();
    const failure = form.getByRole('alert');
    await failure.waitFor();
    expect(await failure.textContent()).toContain('meter-8 is not connected');
    // The drawer fits the small screen: nothing sideways to scroll.
    expect(await drawer.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await failure.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'attributes-rpc-timeout-small.png'), animations: 'disabled' });
  }, 30_000);

  it('keeps an open drawer right when its batch is renamed: the new name, and the batch’s values still shown as the batch’s', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${station.baseUrl}/#/devices/meter-7`);
    const drawer = page.getByRole('dialog', { name: 'meter-7' });
    const batchFact = drawer.locator('dt:text-is("Batch") + dd');
    const shared = drawer.getByRole('table', { name: /Received by the device/ });
    const row = (key: string) => shared.getByRole('row', { name: new RegExp(`^${key}\\b`) });
    await until(() => row('site').getByRole('cell').allTextContents(), ['north wing', 'batch']);
    expect(await batchFact.textContent()).toBe('north');

    await rpc('batches.update', { batch: 'north', name: 'north-2' });
    // A device event right after (someone marks it installed): before, the attributes part re-read the batch's values
    // under the old name (a 404, which fails this test by itself) and the drawer kept showing "north".
    await rpc('devices.markInstalled', { name: 'meter-7' });
    await until(() => batchFact.textContent(), 'north-2');
    await until(() => row('site').getByRole('cell').allTextContents(), ['north wing', 'batch']);
  }, 30_000);
});

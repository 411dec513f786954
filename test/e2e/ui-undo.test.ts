import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../shared/batches.ts';
import type { Device } from '../../shared/devices.ts';
import { curl } from '../support/real-clients.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Issue 15, item 2, as a technician meets it: a second device list went into the wrong batch, one of its devices has
 * already provisioned (curl, as its firmware would), a device is missing from the list, another sits in the wrong
 * profile, and in the end the whole batch must go. Each way out from the UI alone, with the numbers the confirmation
 * names.
 */

const { until } = uiWaits(10_000);
const csv = (names: string[]) => `name,serial\n${names.map((n) => `${n},SN-${n}`).join('\n')}\n`;

describe('undoing a mistake from the UI: undo an import, remove devices and a batch, add one, change its profile, rename', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-undo-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (call) => {
        await call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
        await call('profiles.add', { name: 'valves', provisionDeviceKey: 'valves-key', provisionDeviceSecret: 'valves-secret', strategy: 'check-pre-provisioned' });
        await call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1', 'm-2', 'm-3']), fileName: 'plant.csv' });
        await call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['w-1', 'w-2', 'w-3']), fileName: 'other-site.csv' });
        await call('tokens.issue', { batch: 'plant', perDevice: true });
      },
    });
    ({ station, page, rpc } = ui);
    const reply = await curl(`http://127.0.0.1:${station.ports.http}/api/v1/provision`, {
      body: JSON.stringify({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', deviceName: 'w-1' }),
    });
    expect(reply.body).toContain('"status":"SUCCESS"');
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  const names = async () => ((await rpc('devices.list', { batch: 'plant' })) as Device[]).map((d) => d.name).sort();
  const shownInBatch = () => page.locator('[data-batch-result-count]').getAttribute('data-batch-result-count');

  it('undoes the wrong import: the provisioned device is named and kept, the others go', async () => {
    await page.goto(`${station.baseUrl}/#/batches/plant/import`);
    const history = page.getByRole('region', { name: 'Earlier imports' });
    await history.getByRole('button', { name: 'Undo this import (other-site.csv)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo this import?' });
    await dialog.locator('[data-removal-preview="ready"]').waitFor();
    await expect.poll(() => dialog.textContent()).toMatch(/The 3 devices this import \(other-site\.csv\) created/);
    expect(await dialog.textContent()).toMatch(/1 device is already provisioned: real devices on site/);
    expect(await dialog.textContent()).toMatch(/3 printed labels stop working/);
    expect(await dialog.getByRole('radio', { name: 'Keep the 1 provisioned, remove the other 2' }).isChecked()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'undo-import-confirm.png'), animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Remove 2 devices' }).click();
    await until(names, ['m-1', 'm-2', 'm-3', 'w-1']);
    await until(() => history.getByText('(1 still here)').isVisible(), true);
  }, 60_000);

  it('removes a selected device; a provisioned one only after a tick that names it', async () => {
    await page.getByRole('navigation', { name: 'Batch sections' }).getByRole('link', { name: /Devices/ }).click();
    await until(shownInBatch, '4');
    await page.getByRole('row', { name: /m-3/ }).getByRole('checkbox').check();
    await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove device “m-3”?' });
    await dialog.getByRole('button', { name: 'Remove 1 device' }).click();
    await until(shownInBatch, '3');

    await page.getByRole('row', { name: /w-1/ }).click();
    const drawer = page.getByRole('dialog', { name: 'w-1' });
    await drawer.getByRole('button', { name: 'Remove device…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove device “w-1”?' });
    await confirm.locator('[data-removal-preview="ready"]').waitFor();
    const remove = confirm.getByRole('button', { name: 'Remove 1 device' });
    expect(await remove.isDisabled()).toBe(true);
    await confirm.getByRole('checkbox', { name: 'Remove the provisioned device too' }).check();
    await remove.click();
    await until(shownInBatch, '2');
    await until(() => drawer.count(), 0);
    await until(names, ['m-1', 'm-2']);
  }, 60_000);

  it('adds the device missing from the list, and moves it to another profile before it provisions', async () => {
    await page.getByRole('button', { name: 'Add device' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a device to “plant”' });
    await dialog.getByLabel('Name').fill('m-9');
    await dialog.getByLabel('Serial number (optional)').fill('SN-9');
    await dialog.getByRole('button', { name: 'Add device' }).click();
    const drawer = page.getByRole('dialog', { name: 'm-9' });
    await drawer.waitFor();
    const section = drawer.getByRole('region', { name: 'Profile and removal' });
    await section.getByLabel('Profile').selectOption('valves');
    await section.getByRole('button', { name: 'Change profile' }).click();
    await until(async () => ((await rpc('devices.get', { name: 'm-9' })) as Device).profile, 'valves');
    await until(() => drawer.locator('.facts dd').first().textContent(), 'valves');
    // The move is in the device's history at once, titled, with the station's reason beside it.
    const history = drawer.getByRole('region', { name: 'History' });
    await history.getByText('Profile changed').waitFor();
    await history.getByText('profile meters → valves; credentials kept').waitFor();
  }, 60_000);

  it('renames the batch and then removes it whole, its device count in the confirmation', async () => {
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    const rename = page.getByRole('dialog', { name: 'Rename batch “plant”' });
    await rename.getByLabel('New name').fill('plant-3');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await until(() => page.getByRole('heading', { level: 1 }).textContent(), 'plant-3');
    expect(page.url()).toContain('#/batches/plant-3');

    await page.getByRole('button', { name: 'Remove batch…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove batch “plant-3”?' });
    await dialog.locator('[data-removal-preview="ready"]').waitFor();
    expect(await dialog.textContent()).toMatch(/The batch and its 3 devices are removed/);
    await dialog.getByRole('button', { name: 'Remove batch and 3 devices' }).click();
    await until(() => page.url().endsWith('#/batches'), true);
    await until(async () => ((await rpc('batches.list', {})) as Batch[]).length, 0);
    const events = (await rpc('devices.events', { name: 'm-9', limit: 5 })) as { kind: string }[];
    expect(events[0]!.kind).toBe('device.removed');
  }, 60_000);
});

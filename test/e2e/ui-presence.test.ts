import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../support/serve-process.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Online ⇄ offline as a technician sees it: the Devices screen, never reloaded, shows a device come online when its
 * MQTT client (mosquitto_sub) connects and go offline when that client is killed; the state filter finds it, and the
 * Server screen counts it.
 */

const { until } = uiWaits(10_000);

describe('device presence in the UI', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let client: ChildProcess | null = null;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-presence-',
      args: ['--bind', '127.0.0.1', '--listeners', 'mqtt'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-0001', provisionDeviceSecret: 'meters-secret-01', strategy: 'allow-create' });
        await rpc('devices.add', { profile: 'meters', name: 'meter-7', token: 'METER7TOKEN' });
      },
    });
    ({ station, page } = ui);
  }, 60_000);

  afterAll(async () => {
    client?.kill('SIGKILL');
    await ui?.close();
  });

  const stateOf = (row: Locator) => row.locator('.badge').first().textContent();

  it('shows a device go online, then offline when its MQTT client is killed, without a reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    const grid = page.getByRole('grid', { name: 'Devices' });
    const row = grid.getByRole('row', { name: /meter-7\b/ });
    await row.waitFor();
    const loaded = await page.evaluate(() => performance.timeOrigin);

    client = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(station.ports.mqtt), '-u', 'METER7TOKEN', '-k', '5', '-t', 'v1/devices/me/attributes']);
    await until(() => stateOf(row), 'Online');

    const exited = new Promise((resolve) => client!.once('exit', resolve));
    client.kill('SIGKILL');
    await exited;
    // Within 1.5 × its 5 s keep-alive at the latest; a killed client's socket closes at once.
    await until(() => stateOf(row), 'Offline', 7500);
    await page.screenshot({ path: join(screenshots, 'presence-offline.png'), animations: 'disabled' });
    // The same page all along: nothing reloaded it.
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loaded);

    // The state filter finds it.
    await page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /^Offline\b/ }).click();
    await until(() => grid.getByRole('row', { name: /meter-7\b/ }).isVisible(), true);
  }, 60_000);

  it('counts it as offline on the Server screen', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
    await until(() => page.locator('[data-state-count="offline"]').textContent(), '1');
    await until(() => page.locator('[data-state-count="online"]').textContent(), '0');
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * The Sync screen when a ThingsBoard cloud lacks the devices' profile: thirty refused devices are one problem, stated
 * once with its fix and count, that opens to the thirty device names; creating the profile and "Retry all" clears it.
 */

const names = Array.from({ length: 30 }, (_, i) => `boiler-${String(i).padStart(2, '0')}`);
const { until, visible } = uiWaits(15_000);

describe('sync screen: problems grouped by cause', () => {
  let ui: ServedUi | undefined;
  let cloud: ThingsBoardCloud;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    cloud = await startThingsBoardCloud(); // only ThingsBoard's "default" profile
    ui = await openServedUi({
      prefix: 'fieldstation-sync-problems-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'boilers', provisionDeviceKey: 'boilers-key-0001', provisionDeviceSecret: 'boilers-secret-01', strategy: 'allow-create' });
      },
    });
    page = ui.page;
    // The devices provision over the station's HTTP listener, as real devices do.
    for (const deviceName of names) {
      const r = await fetch(`http://127.0.0.1:${ui.station.ports.http}/api/v1/provision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceName, provisionDeviceKey: 'boilers-key-0001', provisionDeviceSecret: 'boilers-secret-01' }),
      });
      expect(await r.json()).toMatchObject({ status: 'SUCCESS' });
    }
    await ui.rpc('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
  }, 90_000);

  afterAll(async () => {
    await ui?.close();
    await cloud?.close();
  });

  it('shows one problem row with the fix and count 30, expandable to the 30 devices, and retries them all', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync', exact: true }).click();
    await page.getByRole('button', { name: 'Sync now' }).first().click();

    const list = page.getByRole('list', { name: 'Sync problems' });
    const problem = list.getByRole('listitem');
    await until(() => problem.count(), 1, 30_000);
    await until(() => problem.getAttribute('data-problem-count'), '30', 30_000);
    await visible(problem.getByText('ThingsBoard has no device profile named "boilers".'));
    await visible(problem.getByText(/Create the device profile "boilers" in ThingsBoard/));
    expect(await page.getByText(/no device profile named/).count()).toBe(1);

    const toggle = problem.getByRole('button', { name: 'Show 30 devices' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const table = problem.getByRole('table');
    await visible(table);
    await until(() => table.locator('tbody tr').count(), 30);
    expect(await table.locator('tbody th[scope="row"]').allTextContents()).toEqual(names);
    expect(await problem.getByRole('button', { name: 'Hide devices' }).getAttribute('aria-expanded')).toBe('true');
    await page.screenshot({ path: join(screenshots, 'sync-problems.png'), fullPage: true, animations: 'disabled' });

    // Fixed on the cloud's side, then one click for all thirty.
    cloud.state.createProfile({ name: 'boilers', type: 'DEFAULT', transportType: 'DEFAULT' });
    await problem.getByRole('button', { name: 'Retry all 30' }).click();
    await until(() => list.count(), 0, 30_000);
    await cloud.stats.until((s) => s.devicesCreated === 30);
    await until(() => page.locator('[data-sync-queue]').textContent(), '0', 30_000);
    expect(ui!.browser.problems.all).toEqual([]);
  });
});

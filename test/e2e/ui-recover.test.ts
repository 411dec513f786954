import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenView } from '../../shared/tokens.ts';
import { mosquittoPub, pahoProvision } from '../support/mqtt-clients.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Issue 15, the stuck device as a technician meets it: boiler-002 published its provisioning request before
 * subscribing (mosquitto_pub, the answer is lost), its retry (Paho) is refused. From its drawer, "Allow one more"
 * lets the retry through; later "Reset to pending" brings it back to pending with its token usable again.
 */

const { until } = uiWaits(10_000);
const FAILURE = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';
const SUCCESS = '{"credentialsValue":"BOILER2TOKEN","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}';

describe('bringing a stuck device back from the UI', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;
  let request: object;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-recover-',
      args: ['--bind', '127.0.0.1', '--listeners', 'mqtt'],
      seed: async (call) => {
        await call('profiles.add', { name: 'boilers', provisionDeviceKey: 'boilers-key-01', provisionDeviceSecret: 'boilers-secret-1', strategy: 'check-pre-provisioned' });
        await call('batches.create', { name: 'plant', profile: 'boilers' });
        await call('devices.add', { profile: 'boilers', name: 'boiler-002', batch: 'plant', token: 'BOILER2TOKEN' });
        const issued = (await call('tokens.issue', { batch: 'plant', perDevice: true })) as { tokens: { key: string; secret: string }[] };
        request = { provisionDeviceKey: issued.tokens[0]!.key, provisionDeviceSecret: issued.tokens[0]!.secret };
      },
    });
    ({ station, page, rpc } = ui);
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
  });

  const tokenState = async () => ((await rpc('tokens.list', { batch: 'plant' })) as TokenView[])[0]!.state;

  it('"Allow one more" lets its retry through; "Reset to pending" makes it pending with its token usable again', async () => {
    const pub = await mosquittoPub(station.ports.mqtt!, ['-u', 'provision', '-q', '1', '-t', '/provision/request', '-m', JSON.stringify(request)]);
    expect(pub.code, pub.stderr).toBe(0);
    await until(tokenState, 'used');
    expect(await pahoProvision(station.ports.mqtt!, request)).toBe(FAILURE);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('row', { name: /boiler-002/ }).click();
    const drawer = page.getByRole('dialog', { name: 'boiler-002' });
    await drawer.getByRole('button', { name: 'Allow one more redemption…' }).click();
    await until(() => drawer.getByText(/next provisioning gets the same credentials/).isVisible(), true);
    await drawer.getByRole('button', { name: 'Allow one more', exact: true }).click();
    await until(tokenState, 'active');
    expect(await pahoProvision(station.ports.mqtt!, request)).toBe(SUCCESS);

    await drawer.getByRole('button', { name: 'Reset to pending…' }).click();
    await until(() => drawer.getByText(/It keeps its credentials/).isVisible(), true);
    await page.screenshot({ path: join(screenshots, 'recover-reset-confirm.png'), animations: 'disabled' });
    await drawer.getByRole('button', { name: 'Reset to pending', exact: true }).click();
    await until(async () => ((await rpc('devices.get', { name: 'boiler-002' })) as { state: string }).state, 'pending');
    await until(() => drawer.locator('.drawer-header .badge').first().textContent(), 'Pending');
    await until(tokenState, 'active');
    await until(() => drawer.getByRole('button', { name: 'Reset to pending…' }).count(), 0);
    expect(await pahoProvision(station.ports.mqtt!, request)).toBe(SUCCESS);
  }, 60_000);
});

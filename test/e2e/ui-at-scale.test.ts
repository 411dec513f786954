import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenView } from '../../shared/tokens.ts';
import type { TestBrowser } from '../support/browser.ts';
import { curl } from '../support/real-clients.ts';
import type { ServeProcess } from '../support/serve-process.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { uiWaits } from '../support/ui-waits.ts';

/*
 * Issue 15, item 9, at a 10,000-device batch: finding one token among 10,000, a feed row that opens its device, the
 * Devices screen filtered by batch, profile and state with the filter in the link, a token locked by wrong PINs
 * opened by the person who has the PIN, and a token expiry chosen on a calendar that never suggests the past.
 */

const size = 10_000;
const { until } = uiWaits(20_000);
const pad = (n: number) => `t-${String(n).padStart(5, '0')}`;

describe('the technician at scale: search tokens, open a device from the feed, filter by link, unlock, pick an expiry date', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let rpc: AdminRpc;
  let browser: TestBrowser;
  let pinToken: TokenView;

  const provision = (body: object) => curl(`http://127.0.0.1:${station.ports.http}/api/v1/provision`, { body: JSON.stringify(body) });

  beforeAll(async () => {
    ui = await openServedUi({
      prefix: 'fieldstation-scale-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (call) => {
        await call('profiles.add', { name: 'tower', provisionDeviceKey: 'tower-key', provisionDeviceSecret: 'tower-secret', strategy: 'check-pre-provisioned' });
        await call('profiles.add', { name: 'keypad', provisionDeviceKey: 'keypad-key', provisionDeviceSecret: 'keypad-secret', strategy: 'check-pre-provisioned' });
        const rows = Array.from({ length: size }, (_, i) => `${pad(i + 1)},SN${i + 1}`);
        await call('devices.import', { profile: 'tower', batch: 'tower-1', text: `name,serial\n${rows.join('\n')}\n` });
        await call('tokens.issue', { batch: 'tower-1', perDevice: true });
        await call('batches.create', { name: 'pins', profile: 'keypad' });
        await call('devices.add', { profile: 'keypad', name: 'pin-1', batch: 'pins' });
        await call('tokens.issue', { batch: 'pins', device: 'pin-1', pin: '4711' });
      },
    });
    ({ station, page, rpc, browser } = ui);
    pinToken = ((await rpc('tokens.list', { batch: 'pins' })) as TokenView[])[0]!;
    // Five wrong PINs from a phone at the site lock the token (curl, as a device's HTTP stack sends them).
    for (let i = 0; i < 5; i++) await provision({ provisionDeviceKey: pinToken.key, provisionDeviceSecret: '0000' });
    expect((await provision({ provisionDeviceKey: 'tower-key', provisionDeviceSecret: 'tower-secret', deviceName: pad(42) })).body).toContain('SUCCESS');
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('finds one token among 10,000 by device name or by the short code printed on its label', async () => {
    await page.goto(`${station.baseUrl}/#/batches/tower-1/tokens`);
    const count = page.locator('[data-token-result-count]');
    await until(() => count.getAttribute('data-token-result-count'), String(size), 60_000);
    const search = page.getByRole('searchbox', { name: 'Search tokens' });
    await search.fill('t-09999');
    await until(() => count.getAttribute('data-token-result-count'), '1');
    const table = page.getByRole('grid', { name: 'Tokens of batch tower-1' }).or(page.getByRole('table', { name: 'Tokens of batch tower-1' }));
    await until(() => table.getByText('t-09999').isVisible(), true);

    const wanted = ((await rpc('tokens.list', { batch: 'tower-1' })) as TokenView[]).find((t) => t.device === pad(777))!;
    await search.fill(wanted.shortCode.replace('-', ' ').toLowerCase());
    await until(() => count.getAttribute('data-token-result-count'), '1');
    await until(() => table.getByText(pad(777)).isVisible(), true);
  }, 120_000);

  it('a feed row opens its device', async () => {
    await page.goto(`${station.baseUrl}/#/server`);
    await page.getByRole('row', { name: new RegExp(pad(42)) }).first().click();
    await until(() => page.url().endsWith(`#/devices/${pad(42)}`), true);
    await page.getByRole('dialog', { name: pad(42) }).waitFor();
  }, 60_000);

  it('filters devices by batch, profile and state, and the address carries the filter to a new page', async () => {
    await page.goto(`${station.baseUrl}/#/devices?batch=pins`);
    const shown = () => page.locator('[data-result-count]').getAttribute('data-result-count');
    await until(shown, '1', 60_000);
    await page.getByLabel('Batch', { exact: true }).selectOption('');
    await page.getByLabel('Profile', { exact: true }).selectOption('tower');
    await until(shown, String(size), 60_000);
    await page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /Provisioned/ }).click();
    await until(shown, '1');
    expect(new URL(page.url()).hash).toBe('#/devices?profile=tower&state=provisioned');
    await page.reload();
    await page.locator('[data-app-state="ready"]').waitFor();
    await until(shown, '1', 60_000);
    expect(await page.getByRole('row', { name: new RegExp(pad(42)) }).isVisible()).toBe(true);
  }, 120_000);

  it('a token locked by wrong PINs opens for the person with the right PIN', async () => {
    expect(pinToken.state).toBe('active');
    await until(async () => ((await rpc('tokens.list', { batch: 'pins' })) as TokenView[])[0]!.state, 'locked');
    await page.goto(`${station.baseUrl}/#/batches/pins/tokens`);
    await page.getByRole('row', { name: /pin-1/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Token for pin-1' });
    const form = dialog.getByRole('form', { name: 'Unlock token' });
    browser.allowProblems(/status of 400 .*tokens\.unlock/, /^response: 400 for POST .*tokens\.unlock$/);
    await form.getByLabel('PIN').fill('1234');
    await form.getByRole('button', { name: 'Unlock' }).click();
    await until(async () => /^That is not this token's PIN; it stays locked/.test((await form.getByRole('alert').textContent()) ?? ''), true);
    await form.getByLabel('PIN').fill('4711');
    await form.getByRole('button', { name: 'Unlock' }).click();
    await until(async () => ((await rpc('tokens.list', { batch: 'pins' })) as TokenView[])[0]!.state, 'active');
    await until(() => form.count(), 0);
    expect((await provision({ provisionDeviceKey: pinToken.key, provisionDeviceSecret: '4711' })).body).toContain('SUCCESS');
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 60_000);

  it('token expiry is a date picker that starts a month ahead and refuses the past', async () => {
    await page.getByRole('button', { name: 'Issue tokens' }).first().click();
    const form = page.getByRole('form', { name: 'Issue tokens' });
    await form.getByText('One group token').click();
    await form.getByLabel('Expires', { exact: true }).selectOption({ label: 'On a date…' });
    const date = form.getByLabel('Expires on');
    expect(await date.getAttribute('type')).toBe('datetime-local');
    const start = new Date(await date.inputValue()).getTime();
    expect(start).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    await date.fill('2020-01-01T10:00');
    await form.getByRole('button', { name: /Issue/ }).last().click();
    await until(() => form.getByText('Choose a date and time in the future.').isVisible(), true);
    const future = new Date(Date.now() + 10 * 86_400_000);
    const local = `${future.getFullYear()}-${String(future.getMonth() + 1).padStart(2, '0')}-${String(future.getDate()).padStart(2, '0')}T09:30`;
    await date.fill(local);
    await form.getByRole('button', { name: /Issue/ }).last().click();
    await until(async () => ((await rpc('tokens.list', { batch: 'pins' })) as TokenView[]).filter((t) => t.device === null).length, 1);
    const group = ((await rpc('tokens.list', { batch: 'pins' })) as TokenView[]).find((t) => t.device === null)!;
    expect(group.expiresAt).toBe(new Date(local).toISOString());
  }, 60_000);
});

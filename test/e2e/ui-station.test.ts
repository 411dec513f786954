/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { screenshots } from '../support/ui-waits.ts';

const run = promisify(execFile);
const profile = { name: 'boiler-sensors', key: 'e2e-provision-key-01', secret: 'e2e-provision-secret-01' };
const deviceName = 'boiler-e2e-0001';

/** `curl` as a device would use it: JSON in, status and JSON body out. */
async function curlJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const { stdout } = await run('curl', [
    '-s',
    '-X',
    'POST',
    url,
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify(body),
    '-w',
    '\n%{http_code}',
  ]);
  const cut = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, cut);
  return { status: Number(stdout.slice(cut + 1)), json: text ? JSON.parse(text) : null };
}

const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(screenshots, `${name}.png`), fullPage, animations: 'disabled' });


const oneAddressForManyDevices = ['--max-connections-per-address', '1000', '--max-connection-rate', '5000'];
describe('station UI in a browser', () => {
  let dataDir: string;
  let station: ServeProcess;
  let browser: TestBrowser;
  let page: Page;
  let uiPort: number;
  let provisioned = false;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-ui-'));
    // Device listeners on loopback too: tests never open a port to the network.
    // The burst below is 200 devices from one address (this machine): more than a single LAN address may open by default.
    station = await startServe({ dataDir, args: ['--bind', '127.0.0.1', ...oneAddressForManyDevices] });
    uiPort = station.ports.ui!;
    browser = await openBrowser({ permissions: ['clipboard-read', 'clipboard-write'] });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the station status: data directory and listeners', async () => {
    await page.goto(station.uiUrl);
    await expect.poll(() => page.locator('[data-app-state]').getAttribute('data-app-state')).toBe('ready');
    // The token left the address bar (it became an HttpOnly cookie).
    expect(page.url()).not.toContain('token=');
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    await expect.poll(() => page.getByRole('heading', { name: 'Server', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(dataDir, { exact: true }).isVisible()).toBe(true);
    const listeners = page.getByRole('table', { name: 'Listeners' });
    await expect.poll(() => listeners.getByRole('rowheader', { name: /Admin UI and API/ }).isVisible()).toBe(true);
    await expect.poll(() => listeners.getByText(`http://127.0.0.1:${uiPort}/`).isVisible()).toBe(true);
    for (const l of station.listeners.filter((x) => x.name !== 'ui')) {
      await expect.poll(() => listeners.locator(`[data-listener="${l.name}"]`).getByText(l.url).isVisible()).toBe(true);
    }
    await expect.poll(() => page.locator('output[data-connection]').getAttribute('data-connection')).toBe('live');

    // A copy button copies exactly what it shows.
    await page.getByRole('button', { name: 'Copy data directory' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(dataDir);
  });

  it('creates a profile through the UI, with the station’s validation shown beside the form', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    const form = page.getByRole('form', { name: 'New profile' });
    await expect.poll(() => form.isVisible()).toBe(true);

    // Empty fields are caught before the round trip, in words, next to the field.
    await form.getByRole('button', { name: 'Create profile' }).click();
    await expect.poll(() => form.getByText('Give the profile a name.').isVisible()).toBe(true);
    await expect.poll(() => form.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');

    await form.getByRole('textbox', { name: 'Name' }).fill(profile.name);
    await form.getByRole('button', { name: 'Generate a random provision key' }).click();
    await expect.poll(async () => (await form.getByRole('textbox', { name: 'Provision key' }).inputValue()).length).toBe(20);
    await form.getByRole('textbox', { name: 'Provision key' }).fill(profile.key);
    await form.getByRole('textbox', { name: 'Provision secret' }).fill(profile.secret);
    await form.getByRole('radio', { name: /Devices create themselves/ }).check();
    await form.getByRole('button', { name: 'Create profile' }).click();

    const edit = page.getByRole('form', { name: `Edit “${profile.name}”` });
    await expect.poll(() => edit.isVisible()).toBe(true);
    const list = page.getByRole('list', { name: 'Profiles' });
    await expect.poll(() => list.getByRole('button', { name: profile.name, exact: true }).isVisible()).toBe(true);
    await expect.poll(() => list.getByText('Allow create').isVisible()).toBe(true);

    // The station refuses a second profile with the same key; its message lands on the key field.
    await page.getByRole('button', { name: 'New profile' }).click();
    const second = page.getByRole('form', { name: 'New profile' });
    await second.getByRole('textbox', { name: 'Name' }).fill('duplicate-key');
    await second.getByRole('textbox', { name: 'Provision key' }).fill(profile.key);
    await second.getByRole('textbox', { name: 'Provision secret' }).fill('another-secret');
    // Chromium logs every non-2xx fetch; this 409 is the refusal the step provokes, not a problem of the page.
    browser.allowProblems(/status of 409 .*profiles\.add/, /^response: 409 for POST .*profiles\.add$/);
    await second.getByRole('button', { name: 'Create profile' }).click();
    await expect.poll(() => second.getByText(/already uses that provision key/).isVisible()).toBe(true);
    await expect.poll(() => second.getByRole('textbox', { name: 'Provision key' }).getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'profiles-validation');
    // Fix the key (Generate), create it, then edit it and remove it again, with a confirmation.
    await second.getByRole('button', { name: 'Generate a random provision key' }).click();
    await second.getByRole('button', { name: 'Create profile' }).click();
    const temporary = page.getByRole('form', { name: 'Edit “duplicate-key”' });
    await expect.poll(() => temporary.isVisible()).toBe(true);
    await temporary.getByRole('radio', { name: /Only devices added beforehand/ }).check();
    await temporary.getByRole('radio', { name: /Give the same credentials again/ }).check();
    await temporary.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => list.getByText('Pre-provisioned only').isVisible()).toBe(true);
    await list.getByRole('button', { name: 'Remove duplicate-key' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove profile “duplicate-key”?' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    // The safe answer has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await shot(page, 'profile-remove');
    await confirm.getByRole('button', { name: 'Remove profile' }).click();
    await expect.poll(() => list.getByRole('button', { name: 'duplicate-key', exact: true }).count()).toBe(0);
    await list.getByRole('button', { name: profile.name, exact: true }).click();
    await expect.poll(() => edit.isVisible()).toBe(true);
    await shot(page, 'profiles', true);
  });

  it('shows a device provisioned over HTTP in the Devices table and the live feed, without reloading', async () => {
    const http = station.listeners.find((l) => l.name === 'http');
    if (!http) throw new Error(`the station printed no http listener line:\n${station.output()}`);
    const base = `http://127.0.0.1:${http.port}`;

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await expect.poll(() => page.getByText('No devices yet.').isVisible()).toBe(true);

    const reply = await curlJson(`${base}/api/v1/provision`, {
      deviceName,
      provisionDeviceKey: profile.key,
      provisionDeviceSecret: profile.secret,
    });
    expect(reply.json).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    const token = (reply.json as { credentialsValue: string }).credentialsValue;
    // A device with the wrong secret: NOT_FOUND, shown amber in the feed.
    const wrong = await curlJson(`${base}/api/v1/provision`, {
      deviceName: 'intruder-1',
      provisionDeviceKey: profile.key,
      provisionDeviceSecret: 'wrong',
    });
    expect(wrong.json).toMatchObject({ status: 'NOT_FOUND' });

    const table = page.getByRole('grid', { name: 'Devices' });
    const row = table.getByRole('row', { name: new RegExp(deviceName) });
    await expect.poll(() => row.isVisible()).toBe(true);
    await expect.poll(() => row.getByText('Provisioned', { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => row.getByText('HTTP', { exact: true }).isVisible()).toBe(true);

    // First contact: telemetry makes the device online, live.
    const telemetry = await curlJson(`${base}/api/v1/${token}/telemetry`, { temperature: 21.5, humidity: 48 });
    expect(telemetry.status).toBe(200);
    await expect.poll(() => row.getByText('Online', { exact: true }).isVisible()).toBe(true);
    provisioned = true;

    // The drawer: credentials stay hidden until Reveal.
    await row.click();
    const drawer = page.getByRole('dialog', { name: deviceName });
    await expect.poll(() => drawer.isVisible()).toBe(true);
    await expect.poll(() => drawer.getByText(token).count()).toBe(0);
    await expect.poll(() => drawer.getByRole('rowheader', { name: 'temperature' }).isVisible()).toBe(true);
    await drawer.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => drawer.getByText(token, { exact: true }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
    const feed = page.getByRole('grid', { name: /Provisioning attempts/ });
    const attempt = feed.getByRole('row', { name: new RegExp(deviceName) });
    await expect.poll(() => attempt.getByText('Success').isVisible()).toBe(true);
    await expect.poll(() => feed.getByRole('row', { name: /Not found/ }).count()).toBe(1);
    await expect.poll(() => page.locator('[data-outcome-count="SUCCESS"] strong').textContent()).toBe('1');
    await expect.poll(() => page.locator('[data-outcome-count="NOT_FOUND"] strong').textContent()).toBe('1');
    await expect.poll(() => page.locator('[data-state-count="online"]').textContent()).toBe('1');

    // A burst: a whole batch powers on at once. The feed and the counters keep up, live.
    const burst = 200;
    const replies = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        fetch(`${base}/api/v1/provision`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            deviceName: `burst-${String(i + 1).padStart(3, '0')}`,
            provisionDeviceKey: profile.key,
            provisionDeviceSecret: profile.secret,
          }),
        }).then((r) => r.json() as Promise<{ status: string }>),
      ),
    );
    expect(replies.filter((r) => r.status === 'SUCCESS')).toHaveLength(burst);
    await expect.poll(() => page.locator('[data-outcome-count="SUCCESS"] strong').textContent()).toBe(String(burst + 1));
    await expect.poll(() => page.locator('[data-state-count="provisioned"]').textContent()).toBe(String(burst));
    await expect.poll(() => feed.getByRole('row', { name: /burst-200/ }).isVisible()).toBe(true);

    // Everything above arrived over the live stream: still the same document.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shot(page, 'server', true);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await expect.poll(() => page.locator('[data-result-count]').getAttribute('data-result-count')).toBe(String(burst + 1));
    await page.getByRole('searchbox', { name: 'Search devices' }).fill('burst-1');
    await expect.poll(() => page.locator('[data-result-count]').getAttribute('data-result-count')).toBe('100');
    await page.getByRole('searchbox', { name: 'Search devices' }).fill('');
    await shot(page, 'devices');
    await page.getByRole('row', { name: new RegExp(deviceName) }).click();
    await expect.poll(() => page.getByRole('dialog', { name: deviceName }).isVisible()).toBe(true);
    await shot(page, 'device-drawer');
    await page.keyboard.press('Escape');
  });

  it('goes offline when the station stops and back to live when it restarts on the same port', async () => {
    const indicator = page.locator('output[data-connection]');
    await expect.poll(() => indicator.getAttribute('data-connection')).toBe('live');
    const secret = station.secret;
    // While it is down, the live stream's reconnect attempts are refused: that is what this test is about.
    browser.allowProblems(/ERR_CONNECTION_REFUSED \(http:\/\/127\.0\.0\.1:\d+\/api\//);
    await station.stop();
    await expect.poll(() => indicator.getAttribute('data-connection')).toMatch(/^(reconnecting|offline)$/);

    station = await startServe({
      dataDir,
      uiPort,
      args: ['--bind', '127.0.0.1', ...oneAddressForManyDevices],
      env: { FIELDSTATION_UI_SECRET: secret },
    });
    expect(station.ports.ui).toBe(uiPort);
    if (station.secret !== secret) {
      // `serve` ignored FIELDSTATION_UI_SECRET: the old cookie is refused, and the UI must say so in words.
      console.warn('serve does not honour FIELDSTATION_UI_SECRET yet; checking the signed-out state instead');
      await expect.poll(() => indicator.getAttribute('data-connection'), { timeout: 15_000 }).toBe('signed-out');
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Signed out.' }).isVisible()).toBe(true);
      return;
    }
    await expect.poll(() => indicator.getAttribute('data-connection'), { timeout: 15_000 }).toBe('live');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    if (provisioned) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      await expect.poll(() => page.getByRole('row', { name: new RegExp(deviceName) }).isVisible()).toBe(true);
    }
  });

  it('switches screens and theme from the keyboard, and remembers the theme', async () => {
    await page.locator('body').click({ position: { x: 5, y: 200 } });
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await expect.poll(() => page.getByRole('heading', { name: 'Profiles', level: 1 }).isVisible()).toBe(true);
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await expect.poll(() => page.getByRole('heading', { name: 'Devices', level: 1 }).isVisible()).toBe(true);
    if (provisioned) {
      // The device list is one tab stop; arrows move between rows, Enter opens one.
      await page.getByRole('grid', { name: 'Devices' }).getByRole('row', { name: /burst-001/ }).focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByRole('dialog', { name: 'burst-002' }).isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    }
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await expect.poll(() => page.getByRole('heading', { name: 'Server', level: 1 }).isVisible()).toBe(true);
    // `/` on a screen without a search box jumps to the device search.
    await page.keyboard.press('/');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search devices');
    await expect.poll(() => page.getByRole('heading', { name: 'Devices', level: 1 }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => help.isVisible()).toBe(true);
    await shot(page, 'help');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(before).toBe('light'); // the browser prefers light: the default follows it
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await expect.poll(() => page.locator('[data-app-state]').getAttribute('data-app-state')).toBe('ready');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(() => page.locator('output[data-connection]').getAttribute('data-connection')).toBe('live');
    await expect.poll(() => page.getByRole('grid', { name: /Provisioning attempts/ }).getByRole('row').count()).toBeGreaterThan(1);
    await shot(page, 'server-dark', true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await expect.poll(() => page.getByRole('grid', { name: 'Devices' }).isVisible()).toBe(true);
    await shot(page, 'devices-dark');
    await page.getByRole('button', { name: 'Switch to high contrast theme' }).click();
    // Three themes in a cycle: dark, high contrast, back to light.
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('tells a visitor without the secret how to sign in', async () => {
    // The expected 401s of this check are not problems of the page.
    browser.allowProblems(/status of 401/, /^response: 401 for /);
    await browser.context.clearCookies();
    await page.goto(`${station.baseUrl}/`);
    await expect.poll(() => page.locator('[data-app-state]').getAttribute('data-app-state')).toBe('error');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Not signed in\..*open the link the station printed/i);
    await shot(page, 'signed-out');
  });
});

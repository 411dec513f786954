// The desktop app, launched for real, tries to escape its window (STYLE.md §3: lock it down and prove it).
// Needs the Electron binary and a display; without them it is skipped, saying so.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopBridge } from '../../shared/desktop-bridge.ts';
// @ts-expect-error plain JavaScript module run by `npm start`
import * as startScript from '../../scripts/start.mjs';

type Decision = { mode: 'electron'; electronPath: string } | { mode: 'headless'; reason: string };
const { decideLaunch } = startScript as { decideLaunch(options?: { uid?: number }): Decision };

const root = fileURLToPath(new URL('../../', import.meta.url));
const mainScript = path.join(root, 'dist', 'electron', 'main.cjs');
const asRoot = process.getuid?.() === 0;

// The same decision `npm start` makes (no download, a few seconds at most). As root it would refuse
// because Chromium needs --no-sandbox there; a test may pass that, so it asks as if it were not root.
const decision = decideLaunch({ uid: asRoot ? 1000 : process.getuid?.() });
const skipReason = decision.mode === 'headless' ? `skipped: no Electron binary usable here (${decision.reason})` : null;
if (skipReason) console.log(`test/e2e/electron.test.ts ${skipReason}`);
const electronPath = decision.mode === 'electron' ? decision.electronPath : '';

/** What the page's own global object offers, as the renderer sees it (this tsconfig has no DOM lib). */
interface PageGlobal {
  location: { href: string };
  open(url: string): unknown;
  require?: unknown;
  process?: unknown;
  module?: unknown;
  fieldstation?: DesktopBridge;
}

describe.skipIf(skipReason !== null)(skipReason ? `desktop app (${skipReason})` : 'desktop app', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    if (!existsSync(mainScript)) throw new Error(`${mainScript} is missing: run \`npm run build\` first`);
    userData = await mkdtemp(path.join(tmpdir(), 'fieldstation-electron-'));
    app = await _electron.launch({
      executablePath: electronPath,
      args: [...(asRoot ? ['--no-sandbox'] : []), mainScript],
      cwd: root,
      env: { ...process.env, FIELDSTATION_USER_DATA_DIR: userData, FIELDSTATION_UI_PORT: '0' },
      timeout: 60_000,
    });
    page = await app.firstWindow({ timeout: 60_000 });
    await page.locator('[data-app-state="ready"]').waitFor({ timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  it('shows the engine UI from loopback, token gone from the address', () => {
    const url = new URL(page.url());
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.has('token')).toBe(false);
  });

  it('gives the page no Node: no require, no process, no module', async () => {
    const kinds = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobal;
      return [typeof page.require, typeof page.process, typeof page.module];
    });
    expect(kinds).toEqual(['undefined', 'undefined', 'undefined']);
  });

  it('answers appVersion through the bridge, and only named verbs are exposed', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const reply = await page.evaluate(() => (globalThis as unknown as PageGlobal).fieldstation!.appVersion());
    expect(reply).toEqual({ ok: true, value: version });
    const verbs = await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobal).fieldstation!).sort());
    expect(verbs).toEqual(['appVersion', 'onEngineStatus', 'openDocs']);
  });

  it('refuses openDocs for anything but a known topic', async () => {
    const reply = await page.evaluate(() =>
      (globalThis as unknown as PageGlobal).fieldstation!.openDocs('https://evil.example/' as never),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
  });

  it('blocks navigating the window to another origin', async () => {
    const origin = new URL(page.url()).origin;
    // Watch from the main process, after our own will-navigate handler has had its say.
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      (globalThis as { navigationVerdict?: Promise<unknown> }).navigationVerdict = new Promise((resolve) => {
        contents.once('will-navigate', (event) => {
          setImmediate(() => resolve({ url: event.url, prevented: event.defaultPrevented }));
        });
      });
    });
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobal).location.href = 'https://example.com/';
    });
    const verdict = await app.evaluate(() => (globalThis as { navigationVerdict?: Promise<unknown> }).navigationVerdict);
    expect(verdict).toEqual({ url: 'https://example.com/', prevented: true });
    expect(new URL(page.url()).origin).toBe(origin);
    await expect(page.locator('[data-app-state="ready"]').count()).resolves.toBe(1);
  });

  it('returns null from window.open and opens no window', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobal).open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('denies permission requests (notifications) and checks (geolocation)', async () => {
    const answers = await page.evaluate(async () => {
      const page = globalThis as unknown as {
        Notification: { requestPermission(): Promise<string> };
        navigator: { permissions: { query(d: { name: string }): Promise<{ state: string }> } };
      };
      return [await page.Notification.requestPermission(), (await page.navigator.permissions.query({ name: 'geolocation' })).state];
    });
    expect(answers).toEqual(['denied', 'denied']);
  });

  it('enforces the Content-Security-Policy: no eval, no inline script', async () => {
    const outcome = await page.evaluate(() => {
      try {
        // biome-ignore lint/security/noGlobalEval: the point is that the policy forbids it
        return String(globalThis.eval('"ran"'));
      } catch (err) {
        return (err as Error).name;
      }
    });
    expect(outcome).toBe('EvalError');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from './browser.ts';
import { type ServeProcess, startServe } from './serve-process.ts';

/** One admin API call; throws with the method and the error when the station answers `{ok: false}`. */
export type AdminRpc = (method: string, params: unknown) => Promise<unknown>;

/** The admin API as a script would call it (bearer secret, `{ok, value | error}` answers), for test set-up. */
export function adminRpc(station: Pick<ServeProcess, 'baseUrl' | 'secret'>): AdminRpc {
  return async (method, params) => {
    const r = await fetch(`${station.baseUrl}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${station.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await r.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.value;
  };
}

export interface ServedUi {
  dataDir: string;
  station: ServeProcess;
  rpc: AdminRpc;
  browser: TestBrowser;
  /** On the UI link, with the app ready (`data-app-state="ready"`). */
  page: Page;
  /** Closes the browser, stops the station and deletes its data dir; idempotent. */
  close(): Promise<void>;
}

/**
 * `fieldstation serve` on a fresh data dir, seeded through the admin API by `seed` before any page loads, and a browser
 * on its UI. A failure part-way tears down what had started.
 */
export async function openServedUi(options: {
  /** Prefix of the temporary data dir, e.g. `fieldstation-batches-`. */
  prefix: string;
  /** Extra `serve` arguments (`--bind`, `--listeners`). */
  args: readonly string[];
  seed?: (rpc: AdminRpc) => Promise<void>;
}): Promise<ServedUi> {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix));
  let station: ServeProcess | undefined;
  let browser: TestBrowser | undefined;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await browser?.close();
      await station?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return closed;
  };
  try {
    station = await startServe({ dataDir, args: options.args });
    const rpc = adminRpc(station);
    await options.seed?.(rpc);
    browser = await openBrowser();
    const page = browser.page;
    await page.goto(station.uiUrl);
    await page.locator('[data-app-state="ready"]').waitFor();
    return { dataDir, station, rpc, browser, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

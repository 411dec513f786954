import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser } from '../test/support/browser.ts';
import { deviceCount, seed100k, timeUntilResult } from '../test/support/devices-100k.ts';
import { startServe } from '../test/support/serve-process.ts';
import type { BenchRow } from './types.ts';

/**
 * The Devices screen with 100,000 devices in Debian's Chromium: from the keystroke to the frame showing the filtered
 * rows. Baseline: the same substring filter as a bare loop over 100,000 strings in the same page, the floor any
 * UI pays before drawing anything.
 */
export async function benchUi(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-ui-'));
  seed100k(dataDir);
  const station = await startServe({ dataDir, args: ['--bind', '127.0.0.1', '--listeners', 'none'] });
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(station.uiUrl);
    await page.locator('[data-app-state="ready"]').waitFor({ timeout: 30_000 });
    const loadStarted = performance.now();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.locator(`[data-result-count="${deviceCount}"]`).waitFor({ timeout: 60_000 });
    await page.getByRole('progressbar', { name: 'Loading devices' }).waitFor({ state: 'detached', timeout: 60_000 });
    const loadMs = performance.now() - loadStarted;

    const search = page.getByRole('searchbox', { name: 'Search devices' });
    const runs: number[] = [];
    for (const term of ['sensor-04217', 'sensor-08812', 'sensor-01234']) {
      runs.push(await timeUntilResult(page, 10, () => search.fill(term), 'input'));
      await search.fill('');
      await page.locator(`[data-result-count="${deviceCount}"]`).waitFor();
    }
    const filterMs = runs.sort((a, b) => a - b)[1]!;
    const bareMs = await page.evaluate((n) => {
      const names = Array.from({ length: n }, (_, i) => `sensor-${String(i + 1).padStart(6, '0')}`);
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        names.filter((s) => s.includes('sensor-04217'));
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2]!;
    }, deviceCount);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return [
      {
        suite: 'ui',
        case: 'devices screen: search 100k, keystroke to frame',
        value: round(filterMs),
        unit: 'ms',
        baseline: round(bareMs),
        ratio: Math.round((filterMs / Math.max(bareMs, 0.1)) * 10) / 10,
        note: 'median of 3 searches; goal < 200 ms; baseline = bare String.includes loop in the same page (lower is better)',
      },
      { suite: 'ui', case: 'devices screen: load 100k into the table', value: Math.round(loadMs), unit: 'ms', note: 'from the click to every row loaded' },
    ];
  } finally {
    await browser.close();
    await station.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

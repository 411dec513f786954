/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.ts';
import { deviceCount, deviceName as name, seed100k, timeUntilResult } from '../support/devices-100k.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';

interface Measured {
  seedMs: number;
  loadMs: number;
  filterMs: number;
  typingMs: number;
  sortMs: number;
  stateFilterMs: number;
}

describe('Devices screen at 100,000 devices', () => {
  let dataDir: string;
  let station: ServeProcess;
  let browser: TestBrowser;
  let page: Page;
  const measured: Partial<Measured> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-100k-'));
    measured.seedMs = seed100k(dataDir);
    station = await startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    const out = join(process.cwd(), 'test-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'ui-devices-100k.json'), `${JSON.stringify({ devices: deviceCount, ...measured }, null, 2)}\n`);
  });

  it('loads every device into the table', async () => {
    await page.goto(station.uiUrl);
    await expect.poll(() => page.locator('[data-app-state]').getAttribute('data-app-state')).toBe('ready');
    const started = Date.now();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await expect
      .poll(() => page.locator('[data-result-count]').getAttribute('data-result-count'), { timeout: 30_000 })
      .toBe(String(deviceCount));
    await expect.poll(() => page.getByRole('progressbar', { name: 'Loading devices' }).count(), { timeout: 30_000 }).toBe(0);
    measured.loadMs = Date.now() - started;
    console.log(`100k devices: loaded into the table in ${measured.loadMs} ms (seeded in ${Math.round(measured.seedMs!)} ms)`);

    const table = page.getByRole('grid', { name: 'Devices' });
    expect(await table.getAttribute('aria-rowcount')).toBe(String(deviceCount + 1));
    await expect.poll(() => table.getByRole('row', { name: new RegExp(name(1)) }).isVisible()).toBe(true);
    // Virtualized: a screenful of rows in the DOM, not 100,000.
    expect(await table.getByRole('row').count()).toBeLessThan(120);
    const screenshots = join(process.cwd(), 'test-results', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'devices-100k.png'), animations: 'disabled' });
  }, 60_000);

  it('filters 100,000 rows by search in well under a second', async () => {
    const search = page.getByRole('searchbox', { name: 'Search devices' });
    // sensor-042170 … sensor-042179
    measured.filterMs = await timeUntilResult(page, 10, () => search.fill('sensor-04217'), 'input');
    console.log(`100k devices: search "sensor-04217" showed its 10 rows ${measured.filterMs.toFixed(1)} ms after the input event`);
    expect(measured.filterMs).toBeLessThan(1000);
    const table = page.getByRole('grid', { name: 'Devices' });
    await expect.poll(() => table.getByRole('row', { name: /sensor-042170/ }).isVisible()).toBe(true);
    await expect.poll(() => table.getByRole('row').count()).toBe(11);
    await page.screenshot({ path: join(process.cwd(), 'test-results', 'screenshots', 'devices-100k-search.png'), animations: 'disabled' });

    // Typed key by key, as a person does (each keystroke filters the whole list); by MAC, in another notation.
    await search.fill('');
    await expect.poll(() => page.locator('[data-result-count]').getAttribute('data-result-count')).toBe(String(deviceCount));
    const typingStarted = Date.now();
    await search.pressSequentially('3c71bf012345');
    await expect.poll(() => page.locator('[data-result-count]').getAttribute('data-result-count')).toBe('1');
    measured.typingMs = Date.now() - typingStarted;
    console.log(`100k devices: typing a 12-character MAC key by key until its row showed took ${measured.typingMs} ms`);
    await expect.poll(() => table.getByRole('row', { name: new RegExp(name(0x012345)) }).isVisible()).toBe(true);
    await search.fill('');
  }, 60_000);

  it('sorts and filters by state, and scrolls to the last row', async () => {
    const table = page.getByRole('grid', { name: 'Devices' });
    await expect.poll(() => page.locator('[data-result-count]').getAttribute('data-result-count')).toBe(String(deviceCount));
    const started = Date.now();
    await table.getByRole('button', { name: 'Name' }).click();
    await expect.poll(() => table.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => table.getByRole('row', { name: new RegExp(name(deviceCount)) }).isVisible()).toBe(true);
    measured.sortMs = Date.now() - started;
    console.log(`100k devices: sort by name, descending, in ${measured.sortMs} ms`);

    const online = Math.floor(deviceCount / 3);
    measured.stateFilterMs = await timeUntilResult(
      page,
      online,
      () => page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /Online/ }).click(),
      'click',
    );
    console.log(`100k devices: filter to ${online} online devices in ${measured.stateFilterMs.toFixed(1)} ms`);
    expect(measured.stateFilterMs).toBeLessThan(1000);

    await table.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    // Sorted descending, online only (i % 3 === 2): the last row is the lowest such name.
    await expect.poll(() => table.getByRole('row', { name: new RegExp(name(2)) }).isVisible()).toBe(true);
    expect(browser.problems.all).toEqual([]);
  }, 60_000);
});

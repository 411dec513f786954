import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type BrowserProblems, watchProblems } from './browser-problems.ts';

export type { BrowserProblems };

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// What Chromium needs on this machine (no sandbox in containers, no network beyond loopback).
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /**
   * Problems the page reported during the current test (console errors, page errors, 4xx/5xx answers). After each
   * test the shared e2e setup fails the test on any that it did not allow, and clears the list.
   */
  problems: BrowserProblems;
  /** Expected problems of the current test (e.g. `/status of 404 .*devices\.locate/` for an unknown code). */
  allowProblems(...patterns: RegExp[]): void;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, one page, and its console errors and page errors collected. */
export interface BrowserOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** e.g. `['clipboard-read', 'clipboard-write']` to check what a copy button copied. */
  permissions?: string[];
  /** A touch screen: Chromium then matches `(pointer: coarse)`, as on a tablet. */
  hasTouch?: boolean;
  /** Extra Chromium switches, e.g. a fake camera (`--use-file-for-fake-video-capture=FILE`). */
  args?: string[];
}

export async function openBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'fieldstation-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...args, ...(options.args ?? [])],
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    permissions: options.permissions ?? [],
    hasTouch: options.hasTouch ?? false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: BrowserProblems = { all: [] };
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.all.push(`console.error: ${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => problems.all.push(`pageerror: ${e.stack ?? e.message}`));
    p.on('response', (r) => {
      if (r.status() >= 400) problems.all.push(`response: ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
  };
  watch(page);
  context.on('page', watch);
  const watching = watchProblems(problems);
  return {
    context,
    page,
    problems,
    allowProblems: watching.allow,
    async close() {
      watching.forget();
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

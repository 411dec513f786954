import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

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

export interface BrowserProblems {
  /** console.error messages and uncaught page errors, as text, in order. */
  all: string[];
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Problems the page reported since the start (or since `problems.all.length = 0`). */
  problems: BrowserProblems;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, one page, and its console errors and page errors collected. */
export interface BrowserOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** e.g. `['clipboard-read', 'clipboard-write']` to check what a copy button copied. */
  permissions?: string[];
}

export async function openBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'fieldstation-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    permissions: options.permissions ?? [],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: BrowserProblems = { all: [] };
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.all.push(`console.error: ${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => problems.all.push(`pageerror: ${e.stack ?? e.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** Where the UI tests leave their screenshots (test-results/, kept by CI). */
export const screenshots = join(process.cwd(), 'test-results', 'screenshots');

/**
 * The UI tests' polling waits with a file's default timeout: `until` a read gives the expected value, `visible` a
 * locator shows. Polled, never slept: each returns as soon as the page is there.
 */
export function uiWaits(timeout: number, interval = 50) {
  const until = <T>(read: () => Promise<T> | T, expected: T, ms = timeout) => expect.poll(read, { timeout: ms, interval }).toEqual(expected);
  const visible = (l: Locator, ms = timeout) => until(() => l.isVisible(), true, ms);
  return { until, visible };
}

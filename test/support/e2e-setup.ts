import { afterEach } from 'vitest';
import { takeUnexpectedProblems } from './browser-problems.ts';

// Shared by every test file (vitest.config.ts `setupFiles`); it acts only where a test opened a browser.
afterEach(() => {
  const unexpected = takeUnexpectedProblems();
  if (unexpected.length > 0) {
    throw new Error(
      `the page reported ${unexpected.length} problem(s); fix them, or allow an expected one with browser.allowProblems(/…/):\n${unexpected.join('\n')}`,
    );
  }
});

/**
 * Every e2e test fails on a console error, an uncaught page error or a request the station answered 4xx/5xx, unless
 * the test says it expects that one (`allowProblems`). Browsers register here; `e2e-setup.ts` checks after each test.
 * No playwright import, so unit tests that load the setup file stay light.
 */
export interface BrowserProblems {
  /** console.error messages, uncaught page errors and failed responses, as text, in order. */
  all: string[];
}

interface Watched {
  problems: BrowserProblems;
  allowed: RegExp[];
}

const watched = new Set<Watched>();

/** Starts watching a browser's problems; returns `allow` (for the current test) and `forget`. */
export function watchProblems(problems: BrowserProblems): { allow: (...patterns: RegExp[]) => void; forget: () => void } {
  const entry: Watched = { problems, allowed: [] };
  watched.add(entry);
  return {
    allow: (...patterns) => entry.allowed.push(...patterns),
    forget: () => watched.delete(entry),
  };
}

/** The problems no test allowed since the last call; clears every list and every allowance. */
export function takeUnexpectedProblems(): string[] {
  const unexpected: string[] = [];
  for (const entry of watched) {
    unexpected.push(...entry.problems.all.filter((p) => !entry.allowed.some((pattern) => pattern.test(p))));
    entry.problems.all = [];
    entry.allowed = [];
  }
  return unexpected;
}

// Builds the pseudo-locale en-XA from the English in the code: FormatJS's CLI extracts every message's
// `defaultMessage` from renderer/src, then compiles them with `--pseudo-locale en-XA` (accented, vowels doubled so
// text runs ~40% longer, wrapped in brackets). Made at build time and never committed, so it always matches the code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'node_modules/.bin/formatjs');
const src = join(root, 'renderer/src');
const id = 'virtual:pseudo-messages';

/** Every message in renderer/src with its English `defaultMessage`, by id (FormatJS's extracted format). */
export function extractEnglish() {
  const dir = mkdtempSync(join(tmpdir(), 'fieldstation-i18n-'));
  try {
    const english = join(dir, 'en.json');
    // --throws: a message that fails to parse breaks the build instead of going missing.
    execFileSync(cli, ['extract', `${src}/**/*.{ts,tsx}`, '--ignore', '**/*.d.ts', '--throws', '--out-file', english]);
    return JSON.parse(readFileSync(english, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The messages of renderer/src, pseudo-localized, as react-intl's pre-parsed AST by message id. */
export function pseudoMessages() {
  const dir = mkdtempSync(join(tmpdir(), 'fieldstation-i18n-'));
  try {
    const english = join(dir, 'en.json');
    const pseudo = join(dir, 'en-XA.json');
    execFileSync(cli, ['extract', `${src}/**/*.{ts,tsx}`, '--ignore', '**/*.d.ts', '--throws', '--out-file', english]);
    execFileSync(cli, ['compile', english, '--ast', '--pseudo-locale', 'en-XA', '--out-file', pseudo]);
    return JSON.parse(readFileSync(pseudo, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Vite plugin serving `virtual:pseudo-messages` (the renderer's i18n/messages.ts imports it). */
export function pseudoLocale() {
  const resolved = `\0${id}`;
  return {
    name: 'fieldstation-pseudo-locale',
    resolveId: (source) => (source === id ? resolved : undefined),
    load: (source) => (source === resolved ? `export default ${JSON.stringify(pseudoMessages())};` : undefined),
  };
}

// better-sqlite3 is compiled for the Node that ran `npm ci`; Electron embeds another Node ABI. Rather than
// rebuilding node_modules in place (which would break the CLI and the tests), build a second copy of the native
// module for Electron once, into .cache/, and let the engine load it under Electron (FIELDSTATION_SQLITE_BINDING).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Where the Electron build of the module lives, per Electron version (a new Electron needs a new build). */
export function electronBindingPath(root, electronVersion) {
  return path.join(root, '.cache', 'native', `better_sqlite3-electron-${electronVersion}.node`);
}

/** node-gyp as npm ships it: `npm start` sets npm_execpath to npm's own entry point. */
function nodeGyp(env) {
  const candidates = [];
  if (env.npm_execpath) candidates.push(path.join(path.dirname(env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** npm passes its config to scripts as npm_config_*; a `nodedir` there would build against Node's headers. */
function gypEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|dist_url|disturl)$/i.test(k)));
}

/**
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function ensureElectronBinding({ root, electronVersion, env = process.env, log = console.log }) {
  const target = electronBindingPath(root, electronVersion);
  if (existsSync(target)) return { ok: true, path: target };
  const gyp = nodeGyp(env);
  if (!gyp) return { ok: false, reason: 'node-gyp was not found (run through `npm start`)' };
  const work = mkdtempSync(path.join(tmpdir(), 'fieldstation-native-'));
  try {
    const source = path.dirname(require.resolve('better-sqlite3/package.json'));
    cpSync(source, path.join(work, 'better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
    log(`Building the SQLite module for Electron ${electronVersion} (once; about a minute)…`);
    const result = spawnSync(
      process.execPath,
      [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
      { cwd: path.join(work, 'better-sqlite3'), env: gypEnv(env), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 },
    );
    const built = path.join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (result.status !== 0 || !existsSync(built)) {
      const last = (result.stderr ?? '').trim().split('\n').filter(Boolean).at(-1) ?? `exit ${result.status}`;
      return { ok: false, reason: `building the SQLite module for Electron failed (${last})` };
    }
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(built, target);
    return { ok: true, path: target };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

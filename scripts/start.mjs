// `npm start` (after the build): the desktop app when Electron can run here, otherwise the
// headless station, so that the command always ends with a station serving its UI.
// The decision takes seconds at most and never downloads anything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureElectronBinding } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const probeTimeoutMs = 5000;

/**
 * Where the `electron` package's binary is, without asking the package: `require('electron')` downloads a
 * missing binary synchronously (electron/index.js), which hangs or fails offline. This reads the same
 * files it does (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) and stops where it would download.
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function locateElectron({
  env = process.env,
  packageDir = () => path.dirname(createRequire(import.meta.url).resolve('electron/package.json')),
  exists = existsSync,
  readText = (file) => readFileSync(file, 'utf8'),
} = {}) {
  let dir;
  try {
    dir = packageDir();
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  let executable = null;
  try {
    executable = readText(path.join(dir, 'path.txt')).trim() || null;
  } catch {
    // No path.txt: the binary was never downloaded.
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const file = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable ?? 'electron');
    return exists(file) ? { ok: true, path: file } : { ok: false, reason: `no Electron binary at ${file}` };
  }
  const file = executable && path.join(dir, 'dist', executable);
  if (!file || !exists(file)) {
    return { ok: false, reason: 'the Electron binary is not downloaded (`npx install-electron` fetches it)' };
  }
  return { ok: true, path: file };
}

/**
 * Does the binary start at all (its shared libraries load)? Run as plain Node, which needs no display,
 * and bounded: a binary that hangs counts as one that cannot run.
 * @returns {{ ok: true } | { ok: false, reason: string }}
 */
export function probeElectron(electronPath, { env = process.env, timeoutMs = probeTimeoutMs } = {}) {
  const result = spawnSync(electronPath, ['--version'], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  if (result.error?.code === 'ETIMEDOUT') return { ok: false, reason: `the Electron binary did not answer within ${timeoutMs} ms` };
  if (result.error) return { ok: false, reason: `the Electron binary does not start (${result.error.message})` };
  if (result.status !== 0) {
    const detail = (result.stderr || '').trim().split('\n')[0] || `exit code ${result.status ?? result.signal}`;
    return { ok: false, reason: `the Electron binary does not start (${detail})` };
  }
  return { ok: true };
}

/**
 * Electron or headless? Cheapest checks first.
 * @returns {{ mode: 'electron', electronPath: string } | { mode: 'headless', reason: string }}
 */
export function decideLaunch({
  env = process.env,
  platform = process.platform,
  uid = process.getuid?.(),
  locate = () => locateElectron({ env }),
  probe = (file) => probeElectron(file, { env }),
} = {}) {
  if (env.FIELDSTATION_HEADLESS === '1') return { mode: 'headless', reason: 'FIELDSTATION_HEADLESS=1' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { mode: 'headless', reason: 'no display' };
  // Chromium refuses to run as root unless its sandbox is switched off, which we will not do silently.
  if (platform === 'linux' && uid === 0) return { mode: 'headless', reason: 'running as root' };
  const located = locate();
  if (!located.ok) return { mode: 'headless', reason: located.reason };
  const probed = probe(located.path);
  if (!probed.ok) return { mode: 'headless', reason: probed.reason };
  return { mode: 'electron', electronPath: located.path };
}

/** Runs `command` as our stand-in: signals go to it once each, its exit becomes ours. */
function runAsChild(command, args, env) {
  const posix = process.platform !== 'win32';
  // Its own process group on POSIX, so a terminal's Ctrl+C reaches it once, through us, rather than
  // twice (directly and forwarded); `fieldstation serve` treats a second SIGINT as "die now".
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env, detached: posix });
  const forwarded = new Set();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    // npm forwards the terminal's signal to us too: pass each kind on once.
    if (forwarded.has(signal)) return;
    forwarded.add(signal);
    child.kill(signal);
  };
  if (posix) for (const signal of signals) process.on(signal, forward);
  child.on('error', (err) => {
    console.error(`fieldstation: could not start ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function main() {
  const args = process.argv.slice(2);
  const decision = decideLaunch();
  let reason = decision.mode === 'headless' ? decision.reason : '';
  if (decision.mode === 'electron') {
    const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
    const native = ensureElectronBinding({ root, electronVersion });
    if (native.ok) {
      const env = { ...process.env, FIELDSTATION_SQLITE_BINDING: native.path };
      delete env.ELECTRON_RUN_AS_NODE; // would turn the app into plain Node
      runAsChild(decision.electronPath, [path.join(root, 'dist', 'electron', 'main.cjs'), ...args], env);
      return;
    }
    reason = native.reason;
  }
  console.log(`Electron cannot run here (${reason}) — starting the headless station instead.`);
  runAsChild(process.execPath, [path.join(root, 'bin', 'fieldstation.js'), 'serve', ...args], process.env);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module run by `npm start`
import * as startScript from '../../scripts/start.mjs';

type Located = { ok: true; path: string } | { ok: false; reason: string };
type Decision = { mode: 'electron'; electronPath: string } | { mode: 'headless'; reason: string };
interface StartScript {
  decideLaunch(options?: {
    env?: Record<string, string | undefined>;
    platform?: string;
    uid?: number;
    locate?: () => Located;
    probe?: (file: string) => { ok: true } | { ok: false; reason: string };
  }): Decision;
  locateElectron(options?: {
    env?: Record<string, string | undefined>;
    packageDir?: () => string;
    exists?: (file: string) => boolean;
    readText?: (file: string) => string;
  }): Located;
  probeElectron(file: string, options?: { env?: Record<string, string | undefined>; timeoutMs?: number }): { ok: boolean; reason?: string };
}
const { decideLaunch, locateElectron, probeElectron } = startScript as StartScript;

const found = (): Located => ({ ok: true, path: '/opt/electron/electron' });
const runs = () => ({ ok: true }) as const;
const mustNotRun = () => {
  throw new Error('not reached');
};

describe('decideLaunch', () => {
  it('goes headless on Linux without a display, before looking for Electron', () => {
    expect(decideLaunch({ env: {}, platform: 'linux', uid: 1000, locate: mustNotRun, probe: mustNotRun })).toEqual({
      mode: 'headless',
      reason: 'no display',
    });
  });

  it('runs Electron with an X11 or Wayland display and a working binary', () => {
    for (const env of [{ DISPLAY: ':0' }, { WAYLAND_DISPLAY: 'wayland-0' }]) {
      expect(decideLaunch({ env, platform: 'linux', uid: 1000, locate: found, probe: runs })).toEqual({
        mode: 'electron',
        electronPath: '/opt/electron/electron',
      });
    }
  });

  it('needs no display variable on macOS and Windows', () => {
    expect(decideLaunch({ env: {}, platform: 'darwin', locate: found, probe: runs }).mode).toBe('electron');
    expect(decideLaunch({ env: {}, platform: 'win32', locate: found, probe: runs }).mode).toBe('electron');
  });

  it('goes headless when the binary is missing or does not run, saying why', () => {
    const env = { DISPLAY: ':0' };
    const missing = () => ({ ok: false, reason: 'the Electron binary is not downloaded' }) as const;
    expect(decideLaunch({ env, platform: 'linux', uid: 1000, locate: missing, probe: mustNotRun })).toEqual({
      mode: 'headless',
      reason: 'the Electron binary is not downloaded',
    });
    const broken = () => ({ ok: false, reason: 'libgtk-3.so.0: cannot open shared object file' }) as const;
    expect(decideLaunch({ env, platform: 'linux', uid: 1000, locate: found, probe: broken })).toMatchObject({
      mode: 'headless',
      reason: expect.stringContaining('libgtk'),
    });
  });

  it('goes headless as root on Linux (Chromium will not run there with its sandbox) and when asked to', () => {
    expect(decideLaunch({ env: { DISPLAY: ':0' }, platform: 'linux', uid: 0, locate: found, probe: runs }).mode).toBe('headless');
    expect(decideLaunch({ env: { FIELDSTATION_HEADLESS: '1' }, platform: 'darwin', locate: found, probe: runs }).mode).toBe('headless');
  });

  it('on this machine, decides within seconds and without downloading anything', () => {
    const began = Date.now();
    const decision = decideLaunch();
    expect(Date.now() - began).toBeLessThan(6_000);
    if (decision.mode === 'headless') expect(decision.reason).not.toBe('');
  });
});

describe('locateElectron', () => {
  const pkg = '/nm/electron';
  const files = (present: Record<string, string>) => ({
    packageDir: () => pkg,
    exists: (file: string) => file in present,
    readText: (file: string) => {
      const text = present[file];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    },
  });

  it('reads path.txt and finds the binary under dist/', () => {
    const present = { [path.join(pkg, 'path.txt')]: 'electron', [path.join(pkg, 'dist', 'electron')]: '' };
    expect(locateElectron({ env: {}, ...files(present) })).toEqual({ ok: true, path: path.join(pkg, 'dist', 'electron') });
  });

  it('reports a binary never downloaded (no path.txt) or deleted since', () => {
    expect(locateElectron({ env: {}, ...files({}) })).toMatchObject({ ok: false, reason: expect.stringMatching(/not downloaded/) });
    expect(locateElectron({ env: {}, ...files({ [path.join(pkg, 'path.txt')]: 'electron' }) })).toMatchObject({ ok: false });
  });

  it('reports a missing electron package', () => {
    const noPackage = () => {
      throw new Error("Cannot find module 'electron/package.json'");
    };
    expect(locateElectron({ env: {}, packageDir: noPackage })).toEqual({ ok: false, reason: 'the electron package is not installed' });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: '/custom' };
    expect(locateElectron({ env, ...files({ '/custom/electron': '' }) })).toEqual({ ok: true, path: '/custom/electron' });
  });
});

describe.skipIf(process.platform === 'win32')('probeElectron', () => {
  let dir: string;
  const script = async (name: string, body: string) => {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fieldstation-probe-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a binary that runs as Node', async () => {
    const file = await script('ok', '[ "$ELECTRON_RUN_AS_NODE" = 1 ] && echo v22.0.0');
    expect(probeElectron(file)).toEqual({ ok: true });
  });

  it('refuses one that fails, with its first error line', async () => {
    const file = await script('broken', 'echo "error while loading shared libraries: libnss3.so" >&2; exit 127');
    expect(probeElectron(file)).toEqual({
      ok: false,
      reason: 'the Electron binary does not start (error while loading shared libraries: libnss3.so)',
    });
  });

  it('gives up on one that hangs, within its time limit', async () => {
    const file = await script('hangs', 'exec sleep 30');
    const began = Date.now();
    expect(probeElectron(file, { timeoutMs: 300 })).toEqual({ ok: false, reason: 'the Electron binary did not answer within 300 ms' });
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('refuses a path that is not there', () => {
    expect(probeElectron(path.join(dir, 'absent'))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not start/) });
  });
});

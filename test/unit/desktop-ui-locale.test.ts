import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopVerbs } from '../../shared/desktop-bridge.ts';
import { createVerbInvoker } from '../../electron/desktop/ipc-core.ts';
import { createUiLocaleStore } from '../../electron/desktop/ui-locale.ts';
import { createVerbHandlers } from '../../electron/desktop/verbs.ts';
import { tempDir } from '../support/engine.ts';

/*
 * The desktop app remembers the UI language in electron-store (issue 12). electron-store loads `electron`, so it
 * cannot run here; its core `conf` (the same file format, the same get/set/delete) stands in, in a temp folder, and
 * the verbs run through the real IPC wrapper (sender check, argument parsing) as main.ts registers them.
 */

const origin = 'http://127.0.0.1:4780';
const ourFrame = { url: `${origin}/`, parent: null };

function app(dir: string) {
  const store = new Conf<{ uiLocale?: unknown }>({ cwd: dir, configName: 'preferences', clearInvalidConfig: true });
  const handlers = createVerbHandlers({ version: '1.0.0', openExternal: async () => {}, uiLocale: createUiLocaleStore(store) });
  return {
    file: store.path,
    get: createVerbInvoker(desktopVerbs.getUiLocale, handlers.getUiLocale, () => origin),
    set: createVerbInvoker(desktopVerbs.setUiLocale, handlers.setUiLocale, () => origin),
  };
}

describe('the desktop UI language (electron-store)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };

  it('is remembered in the preferences file and read back by the next start of the app', async () => {
    const folder = dir();
    const first = app(folder);
    expect(await first.get(ourFrame, [])).toEqual({ ok: true, value: null });
    expect(await first.set(ourFrame, ['de'])).toEqual({ ok: true, value: null });
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toMatchObject({ uiLocale: 'de' });

    const next = app(folder);
    expect(await next.get(ourFrame, [])).toEqual({ ok: true, value: 'de' });
    expect(await next.set(ourFrame, [null])).toEqual({ ok: true, value: null });
    expect(await app(folder).get(ourFrame, [])).toEqual({ ok: true, value: null });
  });

  it('takes only our own window as sender and only a language the UI has', async () => {
    const folder = dir();
    const a = app(folder);
    for (const frame of [null, { url: 'https://evil.example/', parent: null }, { url: `${origin}/`, parent: ourFrame }]) {
      expect(await a.set(frame, ['de'])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    for (const args of [['fr'], [], ['de', 'extra'], [{ locale: 'de' }]]) {
      expect(await a.set(ourFrame, args), JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    }
    expect(await a.get(ourFrame, [])).toEqual({ ok: true, value: null });
  });

  it('reads a language this version lacks (a newer app, a hand edit) as no choice', async () => {
    const folder = dir();
    const a = app(folder);
    writeFileSync(a.file, JSON.stringify({ uiLocale: 'tlh' }));
    expect(await app(folder).get(ourFrame, [])).toEqual({ ok: true, value: null });
  });
});

import { describe, expect, it, vi } from 'vitest';
import { desktopVerbs, docsUrls } from '../../shared/desktop-bridge.ts';
import { createVerbInvoker } from '../../electron/desktop/ipc-core.ts';
import { createVerbHandlers } from '../../electron/desktop/verbs.ts';

const origin = 'http://127.0.0.1:4780';
const ourFrame = { url: `${origin}/`, parent: null };

function setup(openExternal = vi.fn(async (_url: string) => {})) {
  const handlers = createVerbHandlers({ version: '1.2.3', openExternal });
  const appOrigin = () => origin;
  return {
    openExternal,
    appVersion: createVerbInvoker(desktopVerbs.appVersion, handlers.appVersion, appOrigin),
    openDocs: createVerbInvoker(desktopVerbs.openDocs, handlers.openDocs, appOrigin),
  };
}

describe('the IPC wrapper', () => {
  it('answers our own page with a value', async () => {
    const { appVersion } = setup();
    expect(await appVersion(ourFrame, [])).toEqual({ ok: true, value: '1.2.3' });
  });

  it('refuses other senders before running anything', async () => {
    const { openDocs, openExternal } = setup();
    for (const frame of [null, { url: 'https://evil.example/', parent: null }, { url: `${origin}/`, parent: ourFrame }]) {
      const result = await openDocs(frame, ['provisioning']);
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('refuses everything until the engine origin is known', async () => {
    const invoke = createVerbInvoker(desktopVerbs.appVersion, () => 'x', () => null);
    expect(await invoke(ourFrame, [])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });

  it('parses arguments: unknown topics, URLs and extra arguments are refused', async () => {
    const { openDocs, openExternal } = setup();
    for (const args of [['https://evil.example/'], [], ['provisioning', 'extra'], [{ topic: 'provisioning' }]]) {
      const result = await openDocs(ourFrame, args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('turns a thrown error into an error value', async () => {
    const { openDocs } = setup(vi.fn(async () => Promise.reject(new Error('no browser configured'))));
    expect(await openDocs(ourFrame, ['mqtt-api'])).toEqual({
      ok: false,
      error: { code: 'FAILED', message: 'no browser configured' },
    });
  });

  it('sends no more than the result schema declares', async () => {
    const invoke = createVerbInvoker(desktopVerbs.openDocs, (() => ({ secret: 'x' })) as never, () => origin);
    expect(await invoke(ourFrame, ['provisioning'])).toMatchObject({ ok: false, error: { code: 'FAILED' } });
  });
});

describe('openDocs', () => {
  it('opens the fixed page for the topic in the system browser', async () => {
    const { openDocs, openExternal } = setup();
    expect(await openDocs(ourFrame, ['coap-api'])).toEqual({ ok: true, value: null });
    expect(openExternal).toHaveBeenCalledWith(docsUrls['coap-api']);
  });
});

import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { callAsOwner, tempDir } from '../support/engine.ts';
import { openEngine } from '../../electron/station/engine.ts';

// The headless station keeps the UI's language (issue 12): a new browser profile, or another computer opening the
// same station, comes up in the language chosen before. The browser e2e is test/e2e/ui-languages.test.ts.
describe('preferences.get / preferences.set', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('start with no language, remember one across a restart of the station, and forget it again', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = openEngine({ dataDir });
    const call = callAsOwner(first);
    expect(await call('preferences.get', {})).toEqual({ locale: null });
    expect(await call('preferences.set', { locale: 'de' })).toEqual({ locale: 'de' });
    // A change that names nothing changes nothing.
    expect(await call('preferences.set', {})).toEqual({ locale: 'de' });
    await first.close();

    const second = openEngine({ dataDir });
    const again = callAsOwner(second);
    expect(await again('preferences.get', {})).toEqual({ locale: 'de' });
    expect(await again('preferences.set', { locale: null })).toEqual({ locale: null });
    expect(await again('preferences.get', {})).toEqual({ locale: null });
    await second.close();
  });

  it('refuse a language the UI does not have, and a read-only API token may read but not change it', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const engine = openEngine({ dataDir });
    try {
      const bad = await engine.router.call('preferences.set', { locale: 'fr' }, { principal: { kind: 'admin' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
      const reader = { principal: { kind: 'api-token' as const, actions: ['GetStatus' as const], batchIds: null, profileIds: null } };
      expect(await engine.router.call('preferences.get', {}, reader)).toEqual({ ok: true, value: { locale: null } });
      expect(await engine.router.call('preferences.set', { locale: 'de' }, reader)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      await engine.close();
    }
  });
});

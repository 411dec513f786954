import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seal } from '../../electron/station/sync/sealed.ts';
import { httpStatusOf } from '../../shared/errors.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';

// Issue 11, found by the fuzzer: `sync.run` answered 500 for a target whose stored (sealed) credentials do not open on
// this station. Now it is a 4xx with a stable code, the target shows as stopped with the reason, and entering the
// credentials again repairs it. The name the fuzzer mangled (half a surrogate pair, which SQLite stores as U+FFFD so
// the credentials sealed to it never opened) is refused when the target is added.
const secret = '0123456789abcdef0123';

describe('a sync target whose stored credentials cannot be read', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    // Port 9 (discard) on loopback: nothing listens, so a readable target is merely offline.
    await t.call('sync.targets.add', { name: 'cloud', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret });
  });
  afterEach(() => t.close());

  it('answers a plain conflict naming the target, shows it stopped with the reason, and is repaired by entering the secret again', async () => {
    // As if the data folder came from another computer: sealed under a key this station does not have.
    const foreign = seal(randomBytes(32), 'sync-target:cloud', JSON.stringify({ secret }));
    t.engine.db.prepare("UPDATE sync_targets SET secret_box = ? WHERE name = 'cloud'").run(foreign);

    await expect(t.call('sync.run', {})).rejects.toMatchObject({
      code: 'credentials_unreadable',
      message: expect.stringMatching(/^the credentials of sync target 'cloud' cannot be read on this station .*enter them again/),
      details: { targets: ['cloud'] },
    });
    expect(httpStatusOf.credentials_unreadable).toBe(409);
    await expect(t.call('sync.run', { target: 'cloud' })).rejects.toMatchObject({ code: 'credentials_unreadable' });
    const [target] = (await t.call('sync.status', {})).targets;
    expect(target).toMatchObject({ name: 'cloud', status: 'stopped', credentialsUnreadable: true, message: expect.stringMatching(/cannot be read on this station/) });
    await expect(t.call('sync.targets.test', { name: 'cloud' })).rejects.toMatchObject({ code: 'credentials_unreadable' });

    // Editing without the secret cannot keep what cannot be read: it asks for it.
    await expect(t.call('sync.targets.update', { name: 'cloud', url: 'http://127.0.0.1:9/other' })).rejects.toMatchObject({ code: 'invalid_params' });
    await t.call('sync.targets.update', { name: 'cloud', secret });
    const repaired = (await t.call('sync.status', {})).targets[0]!;
    expect(repaired.status).not.toBe('stopped');
    expect(repaired.credentialsUnreadable).toBeUndefined();
    const run = await t.call('sync.run', {});
    expect(run.targets.map((x) => x.target)).toEqual(['cloud']);
  });

  it('refuses a name with half a surrogate pair, which could never be read back', async () => {
    await expect(t.call('sync.targets.add', { name: 'x\ud800y', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret })).rejects.toMatchObject({
      code: 'invalid_params',
      message: expect.stringMatching(/broken character/),
    });
    await expect(t.call('sync.targets.update', { name: 'cloud\udc00', secret })).rejects.toMatchObject({ code: 'invalid_params' });
    expect((await t.call('sync.targets.list', {})).map((x) => x.name)).toEqual(['cloud']);
  });
});

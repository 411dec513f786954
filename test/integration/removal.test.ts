import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import type { ApiError } from '../../shared/errors.ts';
import { runCli } from '../support/cli.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';

// Issue 15, item 2 ("nothing can be deleted or undone") and the locked token of item 9, through the admin API and
// the CLI, on a real SQLite file.
const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.9' };
const csv = (names: string[]) => `name,serial\n${names.map((n) => `${n},S-${n}`).join('\n')}\n`;

describe('removing devices, batches and imports', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
    await t.call('profiles.add', { name: 'valves', provisionDeviceKey: 'valves-key', provisionDeviceSecret: 'valves-secret', strategy: 'check-pre-provisioned', reprovision: 'reissue-same' });
  });
  afterEach(() => t.close());

  const provision = async (name: string) => {
    const d = t.service.decode({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', deviceName: name });
    if (!d.ok) throw new Error(d.message);
    expect(await t.service.provision(d.request, origin)).toMatchObject({ status: 'SUCCESS' });
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: unknown) => err as ApiError,
    );
  const names = async (batch?: string) => (await t.call('devices.list', { batch })).map((d) => d.name);

  it('undoes an import as a unit: refused while one of its devices is provisioned, the number named; keep or remove decides', async () => {
    const first = await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1', 'm-2', 'm-3']), fileName: 'first.csv' });
    const second = await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-3', 'm-4', 'm-5']), fileName: 'wrong.csv' });
    expect(second).toMatchObject({ created: 2, unchanged: 1 });
    await t.call('tokens.issue', { batch: 'plant', perDevice: true });
    await provision('m-4');

    const listed = await t.call('imports.list', { batch: 'plant' });
    expect(listed.map((i) => [i.id, i.fileName, i.created, i.remaining])).toEqual([
      [second.importId, 'wrong.csv', 2, 2],
      [first.importId, 'first.csv', 3, 3],
    ]);
    expect(await t.call('devices.removal.preview', { importId: second.importId! })).toEqual({ devices: 2, provisioned: 1, online: 0, inCloud: 0, tokens: 2 });

    const refused = await refusal(t.call('imports.undo', { id: second.importId! }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toMatch(/^1 of these 2 devices are already provisioned/);
    expect(await names('plant')).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5']);

    expect(await t.call('imports.undo', { id: second.importId!, provisioned: 'keep' })).toEqual({ removed: 1, kept: 1, batchRemoved: false });
    // m-3 was only updated by the undone import: it belongs to the first one and stays.
    expect(await names('plant')).toEqual(['m-1', 'm-2', 'm-3', 'm-4']);
    const after = await t.call('imports.list', { batch: 'plant' });
    expect(after[0]).toMatchObject({ remaining: 1 });
    expect(after[0]!.undoneAt).not.toBeNull();
    const history = await t.call('devices.events', { name: 'm-5', limit: 5 });
    expect(history[0]).toMatchObject({ kind: 'device.removed', reason: 'removed (was pending)' });
  });

  it('removes selected devices and a whole batch with its tokens; provisioned ones only when asked', async () => {
    await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1', 'm-2', 'm-3']) });
    await t.call('tokens.issue', { batch: 'plant', perDevice: true });
    await t.call('tokens.issue', { batch: 'plant', uses: 5 });
    await provision('m-1');

    expect(await t.call('devices.remove', { names: ['m-2'] })).toEqual({ removed: 1, kept: 0, batchRemoved: false });
    expect((await t.call('tokens.list', { batch: 'plant' })).map((x) => x.device)).toEqual(['m-1', 'm-3', null]);
    expect((await refusal(t.call('devices.remove', { names: ['m-1'] }))).message).toMatch(/^This device is already provisioned/);
    expect((await refusal(t.call('devices.remove', { names: ['nope'] }))).code).toBe('not_found');

    expect(await t.call('devices.removal.preview', { batch: 'plant' })).toEqual({ devices: 2, provisioned: 1, online: 0, inCloud: 0, tokens: 3 });
    expect((await refusal(t.call('batches.remove', { batch: 'plant' }))).code).toBe('conflict');
    expect(await t.call('batches.remove', { batch: 'plant', provisioned: 'remove' })).toEqual({ removed: 2, kept: 0, batchRemoved: true });
    expect(await t.call('batches.list', {})).toEqual([]);
    expect(await t.call('tokens.list', {})).toEqual([]);
    expect(await names()).toEqual([]);
    // Its credentials no longer open anything here, and the name is free for a new device.
    await t.call('devices.add', { profile: 'meters', name: 'm-1', batch: 'plant' });
  });

  it('a removed device that the cloud already holds is never synced again; other devices still are', async () => {
    await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1', 'm-2']) });
    await provision('m-1');
    await provision('m-2');
    const db = t.engine.db;
    db.prepare(`INSERT INTO sync_targets (name, type, url, auth_kind, secret_box, created_at, updated_at)
      VALUES ('cloud', 'webhook', 'http://127.0.0.1:9/', 'hmac', 'x', 0, 0)`).run();
    const target = db.prepare("SELECT id FROM sync_targets WHERE name = 'cloud'").pluck().get() as number;
    const reader = (await import('../../electron/station/sync/outbox-reader.ts')).createOutboxReader(db);
    reader.ingest(target);
    db.prepare("UPDATE sync_devices SET state = 'synced', acked_through = wanted_through, cloud_id = 'c-' || device_id").run();
    expect(await t.call('devices.removal.preview', { names: ['m-1', 'm-2'] })).toMatchObject({ inCloud: 2, provisioned: 2 });

    await t.call('devices.remove', { names: ['m-1'], provisioned: 'remove' });
    // A later change of m-2 still reaches the target; m-1 has no row to be synced by.
    await t.call('attributes.set', { level: 'batch', name: 'plant', values: { interval: 60 } });
    reader.ingest(target);
    const rows = db.prepare('SELECT d.name, s.state FROM sync_devices s JOIN devices d ON d.id = s.device_id').all();
    expect(rows).toEqual([{ name: 'm-2', state: 'pending' }]);
    expect(db.prepare('SELECT count(*) FROM outbox WHERE device_id IS NULL').pluck().get()).toBeGreaterThan(0);
  });

  it('moves devices that never provisioned to another profile, credentials and tokens with them', async () => {
    await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1', 'm-2']) });
    const before = await t.call('devices.list', { batch: 'plant', withCredentials: true });
    await t.call('tokens.issue', { batch: 'plant', perDevice: true });
    await provision('m-2');
    expect((await refusal(t.call('devices.setProfile', { names: ['m-1', 'm-2'], profile: 'valves' }))).message).toMatch(/device 'm-2' is already provisioned/);
    expect(await t.call('devices.setProfile', { names: ['m-1'], profile: 'valves' })).toEqual({ moved: 1 });
    const moved = await t.call('devices.get', { name: 'm-1' });
    expect(moved.profile).toBe('valves');
    expect(moved.credentialsValue).toEqual(before[0]!.credentialsValue);
    expect((await t.call('tokens.list', { batch: 'plant' })).find((x) => x.device === 'm-1')!.profile).toBe('valves');
  });

  it('a token locked after wrong PINs opens for the right PIN only', async () => {
    await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(['m-1']) });
    const { tokens } = await t.call('tokens.issue', { batch: 'plant', device: 'm-1', pin: '4711' });
    const token = tokens[0]!;
    for (let i = 0; i < 5; i++) {
      const d = t.service.decode({ provisionDeviceKey: token.key, provisionDeviceSecret: '0000' });
      if (!d.ok) throw new Error(d.message);
      await t.service.provision(d.request, origin);
    }
    expect((await t.call('tokens.list', {}))[0]!.state).toBe('locked');
    const wrong = await refusal(t.call('tokens.unlock', { id: token.id, secret: '1234' }));
    expect([wrong.code, wrong.message]).toEqual(['bad_request', "that is not this token's PIN; it stays locked"]);
    expect((await t.call('tokens.list', {}))[0]!.state).toBe('locked');
    expect(await t.call('tokens.unlock', { id: token.id, secret: '4711' })).toEqual({ id: token.id, unlocked: true });
    expect((await t.call('tokens.list', {}))[0]).toMatchObject({ state: 'active', failedAttempts: 0, lockedUntil: null });
    // Both tries at the station are in the device's history, the refused one too.
    const kinds = (await t.call('devices.events', { name: 'm-1', limit: 10 })).map((e) => [e.kind, e.reason]);
    expect(kinds.slice(0, 2)).toEqual([
      ['tokens.unlocked', 'unlocked with its PIN'],
      ['tokens.unlock-refused', 'wrong PIN; still locked'],
    ]);
    const d = t.service.decode({ provisionDeviceKey: token.key, provisionDeviceSecret: '4711' });
    if (!d.ok) throw new Error(d.message);
    expect(await t.service.provision(d.request, origin)).toMatchObject({ status: 'SUCCESS' });
  });
});

describe('removal from the command line', () => {
  it('imports list/undo, device remove/set-profile, batch rename/remove, tokens unlock', async () => {
    const t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
    await t.call('profiles.add', { name: 'valves', provisionDeviceKey: 'valves-key', provisionDeviceSecret: 'valves-secret', strategy: 'check-pre-provisioned' });
    const data = t.dataDir;
    await t.engine.close();
    const cli = (...args: string[]) => runCli([...args, '--data', data]);
    const file = join(data, 'wrong.csv');
    writeFileSync(file, csv(['v-1', 'v-2', 'v-3']));
    expect(cli('import', '--profile', 'meters', '--batch', 'plant', file).stdout).toContain('(import 1; undo: fieldstation imports undo --id 1)');
    expect(cli('imports', 'list').stdout).toMatch(/^1 +plant +wrong\.csv/m);

    expect(cli('device', 'set-profile', '--name', 'v-1', '--name', 'v-2', '--profile', 'valves').stdout.trim()).toBe("2 devices moved to profile 'valves'; credentials kept");
    expect(cli('device', 'remove', '--name', 'v-3').stdout.trim()).toBe('removed: 1 device removed');
    const undo = cli('imports', 'undo', '--id', '1', '--json');
    expect(JSON.parse(undo.stdout)).toEqual({ removed: 2, kept: 0, batchRemoved: false });
    const again = cli('imports', 'undo', '--id', '9');
    expect([again.status, again.stderr.trim()]).toEqual([1, 'fieldstation: no import with id 9']);

    expect(cli('batch', 'rename', '--name', 'plant', '--to', 'plant-3').stdout.trim()).toBe("batch 'plant' is now 'plant-3'");
    expect(cli('batch', 'remove', '--name', 'plant-3', '--keep-provisioned').status).toBe(2);
    expect(cli('batch', 'remove', '--name', 'plant-3').stdout.trim()).toBe("batch 'plant-3' removed: 0 devices removed");
    expect(cli('batch', 'list').stdout.trim()).toBe('no batches yet');

    const unlock = cli('tokens', 'unlock', '--id', '1');
    expect([unlock.status, unlock.stderr.trim()]).toEqual([2, "fieldstation: give the token's --pin, --password or --secret (one of them)"]);
  }, 240_000);
});

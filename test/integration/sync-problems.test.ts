import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncDevice, SyncProblem, SyncStatus } from '../../shared/sync.ts';
import { runCliAsync } from '../support/cli.ts';
import { openEngine } from '../../electron/station/engine.ts';
import { openDatabase, schemaVersion } from '../../electron/station/store/database.ts';
import { syncProblems } from '../../electron/station/sync/problems.ts';
import { callAsOwner, tempDir } from '../support/engine.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';

// Sync problems grouped by cause, through the built CLI against the fake ThingsBoard (in this process, hence only
// the asynchronous CLI runner): thirty devices refused for one missing profile are one problem, stated once.

const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

const names = Array.from({ length: 30 }, (_, i) => `boiler-${String(i).padStart(2, '0')}`);

/** A data directory with 30 devices of profile "boilers" provisioned, and a ThingsBoard target at `url`. */
async function station(url: string) {
  const dataDir = tempDir();
  const engine = openEngine({ dataDir });
  const call = callAsOwner(engine);
  await call('profiles.add', { name: 'boilers', provisionDeviceKey: 'bk', provisionDeviceSecret: 'bs', strategy: 'allow-create' });
  for (const deviceName of names) {
    const d = engine.service.decode({ provisionDeviceKey: 'bk', provisionDeviceSecret: 'bs', deviceName, token: `t-${deviceName}` });
    if (!d.ok) throw new Error(d.message);
    await engine.service.provision(d.request, { transport: 'http', remoteAddress: null });
  }
  await call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url, username: 'tenant@thingsboard.org', password: 'tenant' });
  await engine.close();
  return dataDir;
}

const cli = (dataDir: string, ...args: string[]) => runCliAsync([...args, '--data', dataDir]);
const json = async <T>(dataDir: string, ...args: string[]): Promise<T> => {
  const r = await cli(dataDir, ...args, '--json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as T;
};

describe('sync problems grouped by cause', () => {
  it('a cloud without the devices’ profile: one problem with count 30 and its fix, the 30 devices one flag away', async () => {
    const cloud = await startThingsBoardCloud(); // only ThingsBoard's "default" profile
    clouds.push(cloud);
    const dataDir = await station(cloud.url);

    const run = await cli(dataDir, 'sync', '--once');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('errors 30');
    // Stated once, with the count and the fix; not thirty identical lines.
    expect(run.stderr.match(/no device profile named/g)).toHaveLength(1);
    expect(run.stderr).toContain('error on cloud, 30 devices [missing-profile:boilers]: ThingsBoard has no device profile named "boilers".');
    expect(run.stderr).toContain('fix: Create the device profile "boilers" in ThingsBoard');
    expect(run.stderr).toContain('fieldstation sync devices --target cloud --problem missing-profile:boilers');
    // One drain pass asked the cloud for the missing profile once, not once per device.
    expect(cloud.stats.requests.listProfileInfos).toBe(1);
    expect(cloud.stats.writes).toEqual([]);

    const status = await json<SyncStatus>(dataDir, 'sync', 'status');
    expect(status.problems).toEqual([
      {
        id: 'missing-profile:boilers',
        code: 'missing-profile',
        target: 'cloud',
        state: 'error',
        message: 'ThingsBoard has no device profile named "boilers".',
        fix: expect.stringMatching(/^Create the device profile "boilers" in ThingsBoard, or let Fieldstation create missing profiles/),
        count: 30,
        example: null,
      },
    ]);

    const { problems: listed } = await json<{ problems: Array<SyncProblem & { devices: string[] }> }>(dataDir, 'sync', 'status', '--devices');
    expect(listed).toHaveLength(1);
    expect(listed[0]!.devices).toEqual(names);

    const devices = await json<SyncDevice[]>(dataDir, 'sync', 'devices', '--problem', 'missing-profile:boilers');
    expect(devices.map((d) => d.device)).toEqual(names);
    expect(new Set(devices.map((d) => d.problem))).toEqual(new Set(['missing-profile:boilers']));
    expect(await json<SyncDevice[]>(dataDir, 'sync', 'devices', '--problem', 'missing-profile:other')).toEqual([]);

    const text = await cli(dataDir, 'sync', 'status', '--devices');
    expect(text.stdout).toContain('1 problem needs you:');
    expect(text.stdout.match(/no device profile named/g)).toHaveLength(1);
    for (const name of names) expect(text.stdout).toContain(`  - ${name}\n`);

    // The fix, then retrying just that problem's devices: all 30 reach the cloud.
    cloud.state.createProfile({ name: 'boilers', type: 'DEFAULT', transportType: 'DEFAULT' });
    const retry = await cli(dataDir, 'sync', 'retry', '--target', 'cloud', '--problem', 'missing-profile:boilers');
    expect(retry.stdout).toContain('30 device deliveries queued again');
    const again = await cli(dataDir, 'sync', '--once');
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(cloud.stats.devicesCreated).toBe(30);
    expect((await json<SyncStatus>(dataDir, 'sync', 'status')).problems).toEqual([]);
  }, 120_000); // ten CLI runs, each a fresh Node process

  it('errors recorded before causes existed (schema 6) form one group of their own, and say to retry them', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 6 });
    old.exec(`INSERT INTO profiles (name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES ('boilers', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (name, profile_id, state, created_at) VALUES ('old-1', 1, 'provisioned', 1), ('old-2', 1, 'provisioned', 1);
      INSERT INTO sync_targets (name, type, url, auth_kind, secret_box, created_at, updated_at)
        VALUES ('cloud', 'thingsboard', 'http://127.0.0.1:9', 'password', 'v1.x', 1, 1);
      INSERT INTO sync_devices (target_id, device_id, state, wanted_through, message, updated_at)
        VALUES (1, 1, 'error', 1, 'ThingsBoard has no device profile named "boilers".', 1), (1, 2, 'synced', 1, NULL, 1);`);
    old.close();
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(7);
      expect(syncProblems(db)).toEqual([
        expect.objectContaining({ id: 'unknown', code: 'unknown', target: 'cloud', count: 1, fix: 'Retry them to find out the cause.' }),
      ]);
    } finally {
      db.close();
    }
  });
});

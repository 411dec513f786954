import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, openEngine } from '../../electron/station/engine.ts';
import { watchExternalChanges } from '../../electron/station/external-changes.ts';
import type { StationEvent } from '../../shared/events.ts';
import { callAsOwner, openTestEngine, type TestEngine } from '../support/engine.ts';

// A serving station and a second process on the same data directory (as the CLI is), each with its own SQLite
// connection to the same file. The watcher's timer is left idle; `check()` is the tick.

const open: { served?: TestEngine; other?: Engine } = {};
afterEach(async () => {
  await open.other?.close();
  await open.served?.close();
  open.other = open.served = undefined;
});

function setUp(ownWritesInFlight?: () => boolean) {
  const served = openTestEngine();
  const other = openEngine({ dataDir: served.dataDir });
  open.served = served;
  open.other = other;
  const watch = watchExternalChanges({ db: served.engine.db, bus: served.engine.bus, intervalMs: 3_600_000, ownWritesInFlight });
  /** What one tick publishes. */
  const tick = (): StationEvent[] => {
    const seen: StationEvent[] = [];
    const off = served.engine.bus.subscribe((e) => seen.push(e));
    try {
      watch.check();
    } finally {
      off();
    }
    return seen;
  };
  return { served, other: callAsOwner(other), otherDb: other.db, tick, stop: watch.stop };
}

const profile = { name: 'meters', provisionDeviceKey: 'meters-key-00001', provisionDeviceSecret: 'meters-secret-001', strategy: 'check-pre-provisioned' } as const;

describe('changes by other processes on the served data directory', () => {
  it('publishes what another connection changed, and nothing for the station’s own writes', async () => {
    const { served, other, tick, stop } = setUp();
    expect(tick()).toEqual([]);

    // The station's own writes already published their events; the watcher stays quiet about them.
    await served.call('profiles.add', profile);
    await served.call('batches.create', { name: 'north', profile: 'meters' });
    expect(tick()).toEqual([]);

    await other('devices.import', { profile: 'meters', batch: 'north', text: 'name\nm-1\nm-2\n' });
    expect(tick()).toEqual([{ type: 'changed', entity: 'devices', batch: 'north' }]);
    expect(tick()).toEqual([]);

    await other('devices.add', { name: 'by-hand', profile: 'meters', batch: 'north' });
    const added = tick();
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ type: 'device', device: { name: 'by-hand', batch: 'north' } });
    // Lists and live events never carry credentials.
    expect(added[0]?.type === 'device' && added[0].device.credentialsValue).toBeFalsy();

    await other('tokens.issue', { batch: 'north', perDevice: true });
    expect(tick()).toEqual([{ type: 'changed', entity: 'tokens', batch: 'north' }]);

    await other('profiles.add', { ...profile, name: 'valves', provisionDeviceKey: 'valves-key-00001' });
    await other('batches.create', { name: 'south', profile: 'valves' });
    expect(tick()).toEqual([
      { type: 'changed', entity: 'profiles', batch: null },
      { type: 'changed', entity: 'batches', batch: null },
    ]);
    stop();
  });

  it('asks for one reload instead of an event per device after a long stretch of changes', async () => {
    const { served, other, otherDb, tick } = setUp();
    await served.call('profiles.add', profile);
    expect(tick()).toEqual([]);
    await other('devices.add', { name: 'busy', profile: 'meters' });
    expect(tick()).toHaveLength(1);
    const id = otherDb.prepare('SELECT id FROM devices WHERE name = ?').pluck().get('busy');
    const append = otherDb.prepare("INSERT INTO events (at, kind, device_id, device_name) VALUES (?, 'device.installed', ?, 'busy')");
    otherDb.transaction(() => {
      for (let i = 0; i < 700; i++) append.run(Date.now(), id);
    })();
    expect(tick()).toEqual([
      { type: 'changed', entity: 'devices', batch: null },
      { type: 'changed', entity: 'tokens', batch: null },
    ]);
    expect(tick()).toEqual([]);
  });

  it('waits for the station’s own writer before blaming a commit on another process, but not forever', async () => {
    // The writer thread has its own connection: its commit is visible here before its result reaches the service,
    // which only then publishes the device and marks the audit entry as its own. A commit seen while a job is out
    // stands in for it here (another connection is what the writer is, to this one).
    let inFlight = false;
    const { served, other, otherDb, tick } = setUp(() => inFlight);
    await served.call('profiles.add', profile);
    expect(tick()).toEqual([]);

    inFlight = true;
    await other('devices.add', { name: 'race-1', profile: 'meters' });
    expect(tick()).toEqual([]);
    // The result arrives: the service publishes the attempt (and the device) itself.
    const id = otherDb.prepare('SELECT max(id) FROM events').pluck().get() as number;
    served.engine.bus.publish({
      type: 'provision',
      attempt: { id, at: new Date().toISOString(), deviceName: 'race-1', transport: 'http', outcome: 'SUCCESS', reason: null, remoteAddress: '127.0.0.1' },
    });
    inFlight = false;
    expect(tick()).toEqual([]);

    // Under constant load the writer is never quiet: another process's change still shows, a few ticks late.
    inFlight = true;
    await other('devices.add', { name: 'by-cli', profile: 'meters' });
    expect(tick()).toEqual([]);
    expect(tick()).toEqual([]);
    expect(tick()).toEqual([]);
    expect(tick()).toEqual([expect.objectContaining({ type: 'device', device: expect.objectContaining({ name: 'by-cli' }) })]);
    expect(tick()).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../shared/events.ts';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { loopLateness } from '../support/loop-lateness.ts';

// Issue 13: a 20,000-row import held the station's event loop 0.4–1.2 s (parse, checks and writes on the main thread),
// so devices and /healthz went unanswered meanwhile. It now runs as one job on the writer thread
// (provisioning/writer-jobs.ts). Measured as in removal-loop.test.ts: a timer's lateness inside this process, with a
// bound generous for a loaded 2-core machine.
const count = 20_000;
const lateBoundMs = 250;
const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.9' };
const csv = (n: number, serial = (i: number) => `S-${i}`) =>
  `name,serial,token,attr:site\n${Array.from({ length: n }, (_, i) => `m-${i},${serial(i)},tok-${i},north`).join('\n')}\n`;

describe('a big import leaves the event loop free', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    t.engine.prepareWriter();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
  });
  afterEach(() => t.close());

  it('imports 20,000 rows while a device elsewhere records telemetry, with progress on the way and the list events after', async () => {
    await t.call('devices.add', { profile: 'meters', name: 'talker', batch: 'yard' });
    const d = t.service.decode({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', deviceName: 'talker' });
    if (!d.ok) throw new Error(d.message);
    const reply = await t.service.provision(d.request, origin);
    const device = t.service.authenticateToken((reply as { credentialsValue: string }).credentialsValue)!;
    const events: StationEvent[] = [];
    const unsubscribe = t.engine.bus.subscribe((e) => events.push(e));

    const { value, lateMs } = await loopLateness(async () => {
      const importing = t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(count) });
      // Main-connection writes wait for the writer's transaction without holding the loop (store/write-gate.ts).
      const telemetry = t.service.recordTelemetry(device, { temperature: 21.5 }, origin);
      const listed = t.call('batches.list', {});
      return { report: await importing, telemetry: await telemetry, listed: await listed };
    });
    unsubscribe();
    expect(value.report).toEqual({ dryRun: false, rows: count, created: count, updated: 0, unchanged: 0, problems: [], importId: 1 });
    expect(value.listed.map((b) => b.name).sort()).toEqual(['plant', 'yard']);
    expect(lateMs).toBeLessThan(lateBoundMs);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ type: 'progress', task: 'import:plant', done: count, total: count });
    expect(events.indexOf(progress.at(-1)!)).toBeLessThan(events.findIndex((e) => e.type === 'changed' && e.entity === 'devices' && e.batch === 'plant'));
    const db = t.engine.db;
    expect(db.prepare('SELECT count(*) FROM devices d JOIN batches b ON b.id = d.batch_id WHERE b.name = ?').pluck().get('plant')).toBe(count);
    expect(db.prepare("SELECT count(*) FROM attributes WHERE scope = 'server' AND key = 'site'").pluck().get()).toBe(count);
    expect(db.prepare('SELECT count(*) FROM telemetry_latest WHERE device_id = ?').pluck().get(device.id)).toBe(1);
  });

  it('re-imports unchanged, updates only what changed, and a refused or dry-run file changes nothing, all with the loop free', async () => {
    await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(count) });
    const again = await loopLateness(() => t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(count) }));
    expect(again.value).toMatchObject({ created: 0, updated: 0, unchanged: count, problems: [] });
    expect(again.lateMs).toBeLessThan(lateBoundMs);

    const changed = await t.call('devices.import', { profile: 'meters', batch: 'plant', text: csv(count, (i) => (i % 1000 === 7 ? `T-${i}` : `S-${i}`)) });
    expect(changed).toMatchObject({ created: 0, updated: count / 1000, unchanged: count - count / 1000, problems: [] });

    // A new device with the token of one the file no longer lists: the whole file is refused, named by line, and
    // nothing is written, not even the new device of the next line.
    const clash = `${csv(count).replace('m-19999,S-19999', 'x-1,S-x')}x-2,S-y,tok-new,north\n`;
    const dry = await t.call('devices.import', { profile: 'meters', batch: 'plant', text: clash, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: 0, problems: [{ line: count + 1, column: 'token', message: "these credentials already belong to device 'm-19999'" }] });
    const refused = await t.call('devices.import', { profile: 'meters', batch: 'plant', text: clash });
    expect(refused).toMatchObject({ dryRun: false, created: 0, updated: 0, unchanged: 0, problems: [{ line: count + 1 }] });
    expect(refused).not.toHaveProperty('importId');
    const db = t.engine.db;
    expect(db.prepare("SELECT count(*) FROM devices WHERE name LIKE 'x-%'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(3);

    // A refusal the writer thread throws crosses as the same error code.
    await expect(t.call('devices.import', { profile: 'nope', batch: 'plant', text: csv(1) })).rejects.toMatchObject({ code: 'not_found' });
  });
});

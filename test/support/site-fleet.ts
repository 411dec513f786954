import type { Engine } from '../../electron/station/engine.ts';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { createAttributeStore } from '../../electron/station/store/attributes.ts';
import { callAsOwner } from './engine.ts';

// A site as sync sees it: provisioned devices with shared attributes at profile, batch and device level, server
// attributes, client attributes they reported, and telemetry they recorded with their own timestamps, all written
// through the engine's real provisioning service and attribute store.

export const T0 = Date.parse('2026-03-01T08:00:00Z');
const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.3' };
const pad = (i: number) => String(i).padStart(3, '0');

export interface SiteOptions {
  devices: number;
  /** Messages per device, each {temp, hum, door} at its own ts. */
  readings: number;
  /** Extra messages for the first device: a long history that takes several requests. */
  longHistory?: number;
}

/** Records `count` messages for one device from message number `from`, as the device would (one array body). */
export async function recordReadings(engine: Engine, name: string, index: number, from: number, count: number): Promise<void> {
  const device = engine.service.authenticateToken(`tok-${name}`);
  if (!device) throw new Error(`no device with token tok-${name}`);
  const body = Array.from({ length: count }, (_, j) => {
    const k = from + j;
    return { ts: T0 + index * 10_000_000 + k * 1000, values: { temp: 20 + (k % 10) / 10, hum: 40 + index, door: k % 2 === 0 } };
  });
  await engine.service.recordTelemetry(device, JSON.stringify(body), origin);
}

export async function buildSite(engine: Engine, o: SiteOptions): Promise<string[]> {
  const call = callAsOwner(engine);
  await call('profiles.add', { name: 'meters', provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', strategy: 'allow-create' });
  await call('batches.create', { name: 'site-a', profile: 'meters' });
  const { tokens } = await call('tokens.issue', { batch: 'site-a', uses: o.devices, assignment: { attributes: { floor: 3 } } });
  const token = tokens[0]!;
  const names = Array.from({ length: o.devices }, (_, i) => `dev-${pad(i)}`);
  for (const [i, name] of names.entries()) {
    // Even devices join batch site-a through the onboarding token; odd ones only have the profile.
    const viaToken = i % 2 === 0;
    const d = engine.service.decode({
      provisionDeviceKey: viaToken ? token.key : 'mk',
      provisionDeviceSecret: viaToken ? token.secret : 'ms',
      deviceName: name,
      token: `tok-${name}`,
    });
    if (!d.ok) throw new Error(d.message);
    const r = await engine.service.provision(d.request, origin);
    if (r.status !== 'SUCCESS') throw new Error(`${name}: ${r.status}`);
  }
  const db = engine.db;
  const attrs = createAttributeStore(db);
  const id = (sql: string, name: string) => db.prepare(sql).pluck().get(name) as number;
  const now = Date.now();
  db.transaction(() => {
    attrs.setShared('profile', id('SELECT id FROM profiles WHERE name = ?', 'meters'), { fw: '1.0.0', interval: 60, mode: 'eco' }, now);
    attrs.setShared('batch', id('SELECT id FROM batches WHERE name = ?', 'site-a'), { interval: 30, site: 'north' }, now);
    for (const [i, name] of names.entries()) {
      const deviceId = id('SELECT id FROM devices WHERE name = ?', name);
      if (i % 5 === 0) attrs.setShared('device', deviceId, { interval: 5, tuned: { by: 'kim' } }, now);
      if (i % 7 === 0) attrs.setServer(deviceId, { installer: 'kim', room: `R${i}` }, now);
    }
  })();
  for (const [i, name] of names.entries()) {
    await recordReadings(engine, name, i, 0, o.readings + (i === 0 ? (o.longHistory ?? 0) : 0));
    const device = engine.service.authenticateToken(`tok-${name}`)!;
    await engine.service.recordAttributes(device, JSON.stringify({ fwReported: '1.0.3', rssi: -60 - i }), origin);
  }
  return names;
}

/** What the station holds for a device: effective shared, server, client attributes, and its points by key@ts. */
export function stationView(engine: Engine, name: string) {
  const db = engine.db;
  const deviceId = db.prepare('SELECT id FROM devices WHERE name = ?').pluck().get(name) as number;
  const attributes = createAttributeStore(db).effective(deviceId);
  const points = new Map<string, unknown>();
  for (const r of db.prepare('SELECT ts, key, value FROM telemetry WHERE device_id = ? ORDER BY id').all(deviceId) as {
    ts: number;
    key: string;
    value: string;
  }[]) {
    points.set(`${r.key}@${r.ts}`, JSON.parse(r.value));
  }
  return { deviceId, attributes, points };
}

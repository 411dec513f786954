import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../electron/station/store/database.ts';
import type { DueDevice } from '../../electron/station/sync/deliveries.ts';
import { createSnapshots, type DeviceSnapshot } from '../../electron/station/sync/snapshot.ts';
import { webhookBody } from '../../electron/station/sync/webhook.ts';
import { createWebhookEvents } from '../../electron/station/sync/webhook-events.ts';
import { WebhookBatch } from '../../shared/sync.ts';
import { openTestDatabase } from '../support/database.ts';

// Issue 13: a webhook batch's events are written by SQLite (webhook-events.ts), while ThingsBoard's sync reads the
// same device through snapshot.ts. The two must describe every device alike: these devices cover each rule (every
// credentials type, none at all, install data under an authored server attribute, shared attributes at three
// levels, client attributes with awkward keys and values, a part of a device's entries, a deleted device) and the
// events are compared with the snapshot, as the webhook contract (shared/sync.ts WebhookDevice) lays it out.

/** The webhook's device, from the snapshot: the contract's fields, written out here on purpose (not imported). */
function expectedDevice(s: DeviceSnapshot) {
  const c = s.credentials;
  return {
    name: s.name,
    profile: s.profile,
    batch: s.batch,
    label: s.label,
    serial: s.serial,
    mac: s.mac,
    gateway: s.gateway,
    provisionedAt: s.provisionedAt === null ? null : new Date(s.provisionedAt).toISOString(),
    provisionedVia: s.provisionedVia,
    credentials:
      c === null
        ? null
        : c.type === 'ACCESS_TOKEN'
          ? { type: c.type, token: c.token }
          : c.type === 'MQTT_BASIC'
            ? { type: c.type, clientId: c.clientId ?? null, userName: c.userName ?? null, password: c.password ?? null }
            : { type: c.type, certificate: c.pem },
    serverAttributes: s.serverAttributes,
    sharedAttributes: s.sharedAttributes,
    clientAttributes: s.clientAttributes,
  };
}

const due = (deviceId: number, ackedThrough: number, wantedThrough: number): DueDevice => ({
  deviceId,
  ackedThrough,
  wantedThrough,
  attempts: 0,
  telemetryAcked: 0,
  telemetryWanted: 0,
  cloudId: null,
});

describe('webhook events written by SQLite', () => {
  let db: Db;
  let close: () => void;
  beforeEach(() => {
    ({ db, close } = openTestDatabase('fieldstation-webhook-events-'));
  });
  afterEach(() => close());

  const now = 1_796_471_485_000;
  function device(name: string, profileId: number, batchId: number | null, more: Record<string, unknown> = {}): number {
    const columns = { name, profile_id: profileId, batch_id: batchId, created_at: now, ...more };
    const keys = Object.keys(columns);
    const sql = `INSERT INTO devices (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`;
    return Number(db.prepare(sql).run(columns).lastInsertRowid);
  }
  const attribute = (deviceId: number, scope: string, key: string, value: unknown) =>
    db.prepare('INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?)').run(deviceId, scope, key, JSON.stringify(value), now);
  const credentials = (deviceId: number, type: string, id: string, value: string) =>
    db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)').run(deviceId, type, id, value);
  const entry = (deviceId: number, kind: string, at: number) =>
    Number(db.prepare("INSERT INTO outbox (device_id, kind, payload, created_at) VALUES (?, ?, '{}', ?)").run(deviceId, kind, at).lastInsertRowid);

  it('describe every kind of device as the snapshot does, each event with its own entry', () => {
    const profile = (name: string) =>
      Number(db.prepare("INSERT INTO profiles (name, provision_key, provision_secret, strategy, created_at, updated_at) VALUES (?, ?, 's', 'allow-create', 0, 0)").run(name, `${name}-key`).lastInsertRowid);
    const plainProfile = profile('meters');
    const rooftop = profile('rooftop "east"');
    db.prepare('INSERT INTO profile_attributes (profile_id, key, value, updated_at) VALUES (?, ?, ?, 0)').run(rooftop, 'interval', '60');
    db.prepare('INSERT INTO profile_attributes (profile_id, key, value, updated_at) VALUES (?, ?, ?, 0)').run(rooftop, 'mode', '"eco"');
    const batch = Number(db.prepare("INSERT INTO batches (name, created_at) VALUES ('site-7 / Ωmega', 0)").run().lastInsertRowid);
    db.prepare('INSERT INTO batch_attributes (batch_id, key, value, updated_at) VALUES (?, ?, ?, 0)').run(batch, 'interval', '30');
    db.prepare('INSERT INTO batch_attributes (batch_id, key, value, updated_at) VALUES (?, ?, ?, 0)').run(batch, 'zone', '{"floor":3}');

    // An access token, a gateway, times on millisecond edges, client attributes with keys JavaScript treats apart.
    const a = device('lobby "A" ✓', plainProfile, null, { label: 'Lobby\nleft', is_gateway: 1, state: 'online', provisioned_at: now + 999, provisioned_via: 'mqtt' });
    credentials(a, 'ACCESS_TOKEN', 'tok-a', 'tok-a');
    attribute(a, 'server', 'provisionState', 'provisioned');
    attribute(a, 'client', '__proto__', { polluted: true });
    attribute(a, 'client', '10', 'ten');
    attribute(a, 'client', '2', [1, null, true, 'two']);
    attribute(a, 'client', 'fw', '1.2.3');
    // MQTT basic with an empty user name, in a batch and a profile with shared attributes, install data and an
    // authored server attribute over one of its keys.
    const b = device('roof-1', rooftop, batch, {
      serial: 'SN-0001',
      mac: 'AA:BB:CC:DD:EE:01',
      installed_at: now + 1,
      location_note: 'Roof, "east" side',
      state: 'provisioned',
      provisioned_at: now,
      provisioned_via: 'http',
    });
    credentials(b, 'MQTT_BASIC', 'mqtt-b', JSON.stringify({ clientId: 'client-b', userName: '', password: 'pw "b"' }));
    attribute(b, 'server', 'installLocation', 'Roof, as the office wrote it');
    attribute(b, 'shared', 'mode', 'boost');
    attribute(b, 'shared', 'limits', { max: 1.5, min: -2e-7 });
    // X.509, never provisioned; and a device without credentials at all.
    const c = device('cert-1', rooftop, null, { serial: 'SN-0002' });
    credentials(c, 'X509_CERTIFICATE', 'sha3-c', 'MIIBszCCAVmgAwIBAgIU');
    const d = device('bare', plainProfile, batch);
    const gone = device('removed', plainProfile, null);

    // Entries: b has three, of which the first was delivered already; c has one; d none in its range.
    const a1 = entry(a, 'device.provisioned', now + 999);
    const b1 = entry(b, 'device.imported', now - 1);
    const b2 = entry(b, 'device.provisioned', now);
    const b3 = entry(b, 'device.attributes', now + 86_399_999);
    const c1 = entry(c, 'device.imported', 0);
    const d1 = entry(d, 'device.imported', now);
    db.prepare('DELETE FROM devices WHERE id = ?').run(gone);

    const list = [due(b, b1, b3), due(gone, 0, 99), due(a, 0, a1), due(d, d1, d1), due(c, 0, c1)];
    const events = createWebhookEvents(db).of(list);
    expect([...events.keys()]).toEqual([b, a, d, c]); // the list's order, the deleted device left out
    expect(events.get(d)).toEqual({ name: 'bare', events: null });

    const snapshots = createSnapshots(db);
    const parsed = (id: number) => JSON.parse(`[${events.get(id)?.events}]`) as unknown[];
    const expected = (id: number, entries: Array<[number, string, number]>) => {
      const device = expectedDevice(snapshots.get(id)!);
      return entries.map(([entryId, kind, at]) => ({ id: entryId, kind, at: new Date(at).toISOString(), device }));
    };
    expect(parsed(a)).toEqual(expected(a, [[a1, 'device.provisioned', now + 999]]));
    expect(parsed(b)).toEqual(expected(b, [[b2, 'device.provisioned', now], [b3, 'device.attributes', now + 86_399_999]]));
    expect(parsed(c)).toEqual(expected(c, [[c1, 'device.imported', 0]]));
    expect(events.get(a)?.name).toBe('lobby "A" ✓');

    // What the rules give, spelled out for the device that exercises most of them.
    const roof = parsed(b)[0] as { device: Record<string, unknown> };
    expect(roof.device).toMatchObject({
      batch: 'site-7 / Ωmega',
      credentials: { type: 'MQTT_BASIC', clientId: 'client-b', userName: null, password: 'pw "b"' },
      serverAttributes: { serialNumber: 'SN-0001', macAddress: 'AA:BB:CC:DD:EE:01', installedAt: now + 1, installLocation: 'Roof, as the office wrote it' },
      sharedAttributes: { interval: 30, mode: 'boost', zone: { floor: 3 }, limits: { max: 1.5, min: -2e-7 } },
    });
    const lobby = parsed(a)[0] as { device: { clientAttributes: Record<string, unknown> } };
    expect(Object.getOwnPropertyNames(lobby.device.clientAttributes).sort()).toEqual(['10', '2', '__proto__', 'fw']);

    // The whole body is what the contract says a batch is.
    const texts = [...events.values()].flatMap((e) => (e.events === null ? [] : [e.events]));
    const body = webhookBody('batch-key', texts, [{ device: 'roof-1', after: 0, through: 7, rows: [{ id: 7, ts: now, key: 't', value: 21.5 }] }]);
    const batchBody = WebhookBatch.parse(JSON.parse(body));
    expect(batchBody.events.map((e) => e.id)).toEqual([b2, b3, a1, c1]);
    expect(batchBody.telemetry).toEqual([{ device: 'roof-1', after: 0, through: 7, points: [{ ts: now, values: { t: 21.5 } }] }]);
  });

  it('write every time as Date.toISOString does, to the millisecond', () => {
    db.prepare("INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at) VALUES (1, 'p', 'k', 's', 'allow-create', 0, 0)").run();
    const id = device('clock', 1, null);
    // Millisecond edges, the epoch, leap days, far years, and a spread of ordinary times.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const times = [0, 1, 999, 1000, 951_782_400_000, 4_107_542_399_999, 253_402_300_799_999, now + 999, now + 1];
    for (let i = 0; i < 500; i++) times.push(Math.floor(random() * 4_102_444_800_000));
    for (const at of times) entry(id, 'device.seen', at);
    const [only] = [...createWebhookEvents(db).of([due(id, 0, Number.MAX_SAFE_INTEGER)]).values()];
    const written = (JSON.parse(`[${only?.events}]`) as Array<{ at: string }>).map((e) => e.at);
    expect(written).toEqual(times.map((t) => new Date(t).toISOString()));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../shared/events.ts';
import { paho } from '../support/mqtt-clients.ts';
import { curl } from '../support/real-clients.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// DESIGN.md's first promise on the writer-thread path: no reply before its commit. The commit is made to fail for
// real, in SQLite itself: a deferred foreign key (checked only at COMMIT, never at the per-request savepoint's
// release) is broken by a trigger on every new device, so the writer's COMMIT fails after its work succeeded.

const key = 'fault-key';
const secret = 'fault-secret';

let s: TestStation;
const events: StationEvent[] = [];

beforeAll(async () => {
  s = await startTestStation();
  await s.call('profiles.add', { name: 'fault', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });
  s.station.engine!.bus.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await s?.station.stop();
});

const db = () => s.station.engine!.db;
const stored = (name: string) => db().prepare('SELECT count(*) FROM devices WHERE name = ?').pluck().get(name) as number;
const audited = (name: string) => db().prepare('SELECT count(*) FROM events WHERE device_name = ?').pluck().get(name) as number;
const toldAbout = (name: string) =>
  events.filter((e) => (e.type === 'provision' && e.attempt.deviceName === name) || (e.type === 'device' && e.device.name === name));

function breakCommits(): void {
  db().exec(`CREATE TABLE commit_fault (device_id INTEGER REFERENCES devices (id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER commit_fault AFTER INSERT ON devices BEGIN INSERT INTO commit_fault VALUES (-1); END;`);
}

function mendCommits(): void {
  db().exec('DROP TRIGGER commit_fault; DROP TABLE commit_fault;');
}

const request = (deviceName: string) => ({ deviceName, provisionDeviceKey: key, provisionDeviceSecret: secret });
const httpProvision = (deviceName: string) =>
  curl(`http://127.0.0.1:${s.ports.http}/api/v1/provision`, { body: JSON.stringify(request(deviceName)) });
const mqttProvision = (deviceName: string) =>
  paho(s.ports.mqtt, ['--username', 'provision', '--subscribe', '/provision/response@1', '--publish', '/provision/request', JSON.stringify(request(deviceName)), '--count', '1', '--until-close']);

describe('a commit that fails on the writer thread', () => {
  it('gets no SUCCESS over HTTP or MQTT, stores and audits nothing, tells the UI nothing; the next commit works', async () => {
    breakCommits();
    try {
      const http = await httpProvision('fault-http');
      // An error the device retries on, never a provisioning answer it could act on.
      expect(http.status).toBe(500);
      expect(http.body).not.toMatch(/SUCCESS|credentials/);

      const mqtt = await mqttProvision('fault-mqtt');
      // The session is closed without any PUBLISH on /provision/response (and without PUBACK of the request).
      expect(mqtt.map((e) => e.event)).not.toContain('message');
      expect(mqtt.at(-1)?.event).toBe('closed');

      for (const name of ['fault-http', 'fault-mqtt']) {
        expect(stored(name)).toBe(0);
        expect(audited(name)).toBe(0);
        expect(toldAbout(name)).toEqual([]);
      }
    } finally {
      mendCommits();
    }

    // The same requests once COMMIT works again: SUCCESS, so what failed above was the commit and nothing else.
    const again = await httpProvision('fault-http');
    expect(JSON.parse(again.body)).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    const mqttAgain = (await mqttProvision('fault-mqtt')).find((e) => e.event === 'message');
    expect(JSON.parse(mqttAgain?.payload ?? '{}')).toMatchObject({ status: 'SUCCESS' });
    expect(stored('fault-http') + stored('fault-mqtt')).toBe(2);
    expect(toldAbout('fault-http').map((e) => e.type)).toEqual(['provision', 'device']);
  });
});

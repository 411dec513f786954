import Database from 'better-sqlite3';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import { openTestEngine, tempDir } from '../support/engine.ts';
import { curl } from '../support/real-clients.ts';

// Data at rest: the data directory and the database are the user's alone, and what the station writes anywhere a
// person or another program may read (its log, the audit trail in station.db, the database file itself, an export
// bundle) never holds an onboarding-token secret, a token's password, an API token or a key derived from the master
// key. Device credentials and profile secrets are stored readable on purpose (README, Security).

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('data directory and database permissions', () => {
  it('a new data directory is 0700; station.db and its -wal and -shm are 0600', async () => {
    const dataDir = join(tempDir(), 'new', 'station');
    const t = openTestEngine(dataDir);
    try {
      await t.call('profiles.add', { name: 'p', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'allow-create' });
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ['station.db', 'station.db-wal', 'station.db-shm']) expect([file, modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
    } finally {
      await t.close();
    }
  });

  it('tightens a database that an older version left readable by others', async () => {
    const dataDir = tempDir();
    await openTestEngine(dataDir).engine.close();
    chmodSync(join(dataDir, 'station.db'), 0o644);
    const t = openTestEngine(dataDir);
    try {
      expect(modeOf(join(dataDir, 'station.db'))).toBe(0o600);
    } finally {
      await t.close();
    }
  });
});

describe('secrets stay out of logs, the audit trail, the database and bundles', () => {
  let station: Station;
  let dataDir: string;
  const logged: string[] = [];
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    dataDir = tempDir();
    station = createStation({ dataDir, bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, log: (line) => logged.push(line), secret: 'ui-secret-for-this-test-0123' });
    const info = await station.start();
    const http = info.listeners.find((l) => l.name === 'http')!.port;
    const ui = new URL(info.uiUrl).origin;
    const call = async (method: string, params: unknown) => {
      const r = await station.engine!.router.call(method, params, ADMIN);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as { tokens: Array<{ key: string; secret?: string }> };
    };
    await call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'allow-create' });
    await call('batches.create', { name: 'site', profile: 'meters' });
    const [derived] = (await call('tokens.issue', { batch: 'site', uses: 5 })).tokens;
    const [withPassword] = (await call('tokens.issue', { batch: 'site', uses: 5, password: 'label-password-4242' })).tokens;
    secrets.set('derived token secret', derived!.secret!);
    secrets.set('token password', 'label-password-4242');

    // Every path a secret travels: redeemed right, redeemed wrong (the audit records failures), an API token minted
    // and used, and one forged.
    const provision = (body: object) => curl(`http://127.0.0.1:${http}/api/v1/provision`, { body: JSON.stringify(body) });
    expect((await provision({ provisionDeviceKey: derived!.key, provisionDeviceSecret: derived!.secret, deviceName: 'd1' })).body).toContain('SUCCESS');
    expect((await provision({ provisionDeviceKey: withPassword!.key, provisionDeviceSecret: 'label-password-4242', deviceName: 'd2' })).body).toContain('SUCCESS');
    expect((await provision({ provisionDeviceKey: withPassword!.key, provisionDeviceSecret: 'label-password-4243', deviceName: 'd3' })).body).toContain('NOT_FOUND');
    const minted = await fetch(`${ui}/api/token/create`, {
      method: 'POST',
      headers: { authorization: 'Bearer ui-secret-for-this-test-0123', 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { actions: ['GetDevice'] } }),
    });
    const pair = (await minted.json()) as { accessToken: string; refreshToken: string };
    secrets.set('API access token', pair.accessToken);
    secrets.set('API refresh token', pair.refreshToken);
    const listDevices = (token: string) =>
      fetch(`${ui}/api/rpc/devices.list`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await listDevices(pair.accessToken)).status).toBe(200);
    expect((await listDevices(`${pair.accessToken}x`)).status).toBe(401);

    const keys = station.engine!.keys;
    for (const purpose of ['api-token-signing', 'bundle-signing']) {
      const key = keys.derive(purpose);
      secrets.set(`${purpose} key (hex)`, key.toString('hex'));
      secrets.set(`${purpose} key (base64)`, key.toString('base64'));
      secrets.set(`${purpose} key (base64url)`, key.toString('base64url'));
    }
    secrets.set('master key', readFileSync(join(dataDir, 'keys', 'master.key'), 'utf8').trim());
  });
  afterAll(() => station?.stop());

  const leaks = (where: string, text: string) => [...secrets].filter(([, value]) => text.includes(value)).map(([what]) => `${what} in ${where}`);

  it('none in the log nor in the audit trail', () => {
    const db = new Database(join(dataDir, 'station.db'), { readonly: true });
    const events = JSON.stringify(db.prepare('SELECT * FROM events').all());
    db.close();
    expect(events).toContain('NOT_FOUND'); // the failed attempt is there, without what was typed
    expect([...leaks('the log', logged.join('\n')), ...leaks('the audit trail', events)]).toEqual([]);
  });

  it('none in the database files (station.db alone reveals no secret)', async () => {
    const db = station.engine!.db;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = ['station.db', 'station.db-wal']
      .map((f) => {
        try {
          return readFileSync(join(dataDir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(leaks('station.db', bytes)).toEqual([]);
  });

  it('none in an unencrypted export bundle, which carries device credentials only', async () => {
    const r = await station.engine!.router.call('sync.bundle.export', {}, ADMIN);
    if (!r.ok) throw new Error(r.error.message);
    const text = (r.value as { text: string }).text;
    expect(text).toContain('"d1"');
    expect(leaks('the bundle', text)).toEqual([]);
  });
});

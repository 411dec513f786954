import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { runCli } from '../support/cli.ts';
import { openTestEngine, type TestEngine, tempDir } from '../support/engine.ts';

// The bundle at rest: encrypted to a passphrase (scrypt + AES-256-GCM) or to a recipient's X25519 key, still signed
// inside. What a thief with the file alone can read: nothing of the credentials.

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.9' };
const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
const open = () => {
  const t = openTestEngine();
  engines.push(t);
  return t;
};

// Distinctive values, so "not in the file" cannot pass by accident.
const secrets = ['profile-secret-7f3a', 'access-token-9c1e', 'mqtt-password-4b2d'];

async function site(): Promise<TestEngine> {
  const t = open();
  await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: secrets[0]!, strategy: 'allow-create' });
  for (const r of [
    { deviceName: 'enc-tok', token: secrets[1] },
    { deviceName: 'enc-mqtt', credentialsType: 'MQTT_BASIC', clientId: 'enc-cid', username: 'enc-user', password: secrets[2] },
  ]) {
    const d = t.service.decode({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: secrets[0], ...r });
    if (!d.ok) throw new Error(d.message);
    expect((await t.service.provision(d.request, origin)).status).toBe('SUCCESS');
  }
  return t;
}

const credentialsOf = async (t: TestEngine, name: string) => {
  const d = await t.call('devices.get', { name });
  return { type: d.credentialsType, value: d.credentialsValue };
};

/** An X25519 key pair made by openssl, as a recipient would make it: PEM private key and PEM public key. */
function opensslKeyPair(dir: string, name: string): { privatePem: string; publicPem: string } {
  const priv = join(dir, `${name}.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', 'X25519', '-out', priv]);
  const publicPem = execFileSync('openssl', ['pkey', '-in', priv, '-pubout'], { encoding: 'utf8' });
  return { privatePem: readFileSync(priv, 'utf8'), publicPem };
}

// scrypt at its real cost (N=2^17, ~128 MiB) takes a fraction of a second alone, many seconds on a busy 2-core box.
const scryptTimeout = 180_000;

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
  );

describe('encrypted bundles through the admin API', { timeout: scryptTimeout }, () => {
  it('passphrase: no credential readable in the file, parameters recorded; wrong, missing or tampered refused', async () => {
    const t = await site();
    const sealed = await t.call('sync.bundle.export', { encryptTo: { passphrase: 'correct horse battery' } });
    expect(sealed.encryption).toBe('passphrase');
    for (const s of [...secrets, 'enc-tok', 'enc-cid', sealed.fingerprint]) expect(sealed.text).not.toContain(s);
    const file = JSON.parse(sealed.text);
    expect(file).toMatchObject({
      format: 'fieldstation-sealed-bundle/1',
      encryption: { alg: 'AES-256-GCM', kdf: { name: 'scrypt', N: 131072, r: 8, p: 1, salt: expect.any(String) } },
    });

    const fresh = open();
    expect(await rejection(fresh.call('sync.bundle.import', { text: sealed.text }))).toEqual({ code: 'bad_request', message: expect.stringContaining('--passphrase-file') });
    expect(await rejection(fresh.call('sync.bundle.import', { text: sealed.text, passphrase: 'wrong horse battery' }))).toEqual({
      code: 'bad_request',
      message: expect.stringContaining('wrong passphrase'),
    });
    // Lowering the cost in the file (to make guessing cheaper) breaks the tag: the parameters are authenticated.
    const cheaper = JSON.stringify({ ...file, encryption: { ...file.encryption, kdf: { ...file.encryption.kdf, N: 1024 } } });
    expect(await rejection(fresh.call('sync.bundle.import', { text: cheaper, passphrase: 'correct horse battery' }))).toMatchObject({ code: 'bad_request' });
    // A hostile file asking for gigabytes of scrypt memory is refused before any work.
    const costly = JSON.stringify({ ...file, encryption: { ...file.encryption, kdf: { ...file.encryption.kdf, N: 2 ** 22 } } });
    expect(await rejection(fresh.call('sync.bundle.import', { text: costly, passphrase: 'correct horse battery' }))).toEqual({
      code: 'bad_request',
      message: expect.stringContaining('beyond what Fieldstation accepts'),
    });
    const flipped = Buffer.from(file.ciphertext, 'base64');
    flipped[10]! ^= 1;
    const tampered = JSON.stringify({ ...file, ciphertext: flipped.toString('base64') });
    expect(await rejection(fresh.call('sync.bundle.import', { text: tampered, passphrase: 'correct horse battery' }))).toMatchObject({ code: 'bad_request' });
    expect((await fresh.call('devices.list', {})).length).toBe(0);

    const imported = await fresh.call('sync.bundle.import', { text: sealed.text, passphrase: 'correct horse battery', fingerprint: sealed.fingerprint });
    expect(imported).toMatchObject({ encryption: 'passphrase', fingerprint: sealed.fingerprint, imported: 2, conflicts: [] });
    for (const name of ['enc-tok', 'enc-mqtt']) expect(await credentialsOf(fresh, name)).toEqual(await credentialsOf(t, name));
  });

  it('refuses a passphrase shorter than 8 characters at export', async () => {
    const t = await site();
    expect(await rejection(t.call('sync.bundle.export', { encryptTo: { passphrase: 'short' } }))).toEqual({ code: 'bad_request', message: expect.stringContaining('at least 8') });
  });

  it("recipient key (openssl X25519): only that key's holder imports it; the signature still binds the station", async () => {
    const dir = tempDir();
    const alice = opensslKeyPair(dir, 'alice');
    const mallory = opensslKeyPair(dir, 'mallory');
    const t = await site();
    const sealed = await t.call('sync.bundle.export', { encryptTo: { recipient: alice.publicPem } });
    expect(sealed.encryption).toBe('recipient');
    for (const s of [...secrets, 'enc-tok', sealed.fingerprint]) expect(sealed.text).not.toContain(s);
    expect(JSON.parse(sealed.text).encryption.kdf).toMatchObject({ name: 'X25519-HKDF-SHA256', ephemeralPublicKey: expect.any(String) });

    const fresh = open();
    expect(await rejection(fresh.call('sync.bundle.import', { text: sealed.text }))).toMatchObject({ message: expect.stringContaining('--identity') });
    expect(await rejection(fresh.call('sync.bundle.import', { text: sealed.text, identity: mallory.privatePem }))).toEqual({
      code: 'bad_request',
      message: expect.stringContaining('another recipient'),
    });
    // Decrypts, then the signature is checked as for any bundle: a wrong expected fingerprint still refuses it.
    expect(await rejection(fresh.call('sync.bundle.import', { text: sealed.text, identity: alice.privatePem, fingerprint: '0000 0000 0000 0000 0000 0000 0000 0000' }))).toMatchObject({
      message: expect.stringContaining('not by the expected'),
    });
    const imported = await fresh.call('sync.bundle.import', { text: sealed.text, identity: alice.privatePem, fingerprint: sealed.fingerprint });
    expect(imported).toMatchObject({ encryption: 'recipient', imported: 2 });
    expect(await credentialsOf(fresh, 'enc-mqtt')).toEqual(await credentialsOf(t, 'enc-mqtt'));
  });

  it('refuses a recipient key that is not X25519 (an Ed25519 key, say)', async () => {
    const t = await site();
    const dir = tempDir();
    execFileSync('openssl', ['genpkey', '-algorithm', 'Ed25519', '-out', join(dir, 'ed.pem')]);
    const ed = execFileSync('openssl', ['pkey', '-in', join(dir, 'ed.pem'), '-pubout'], { encoding: 'utf8' });
    expect(await rejection(t.call('sync.bundle.export', { encryptTo: { recipient: ed } }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('X25519') });
  });
});

describe('fieldstation export / import-bundle with encryption', { timeout: scryptTimeout }, () => {
  const cli = (args: string[]) => runCli(args);
  function cliSite(): string {
    const data = tempDir();
    expect(cli(['profile', 'add', '--data', data, '--name', 'meters', '--key', 'meters-key', '--secret', secrets[0]!, '--strategy', 'allow-create']).status).toBe(0);
    expect(cli(['device', 'add', '--data', data, '--profile', 'meters', '--name', 'cli-dev', '--token', secrets[1]!]).status).toBe(0);
    return data;
  }

  it('--passphrase-file round trip into another data directory; the file is 0600 and holds no credential', () => {
    const data = cliSite();
    const dir = tempDir();
    const pass = join(dir, 'pass.txt');
    writeFileSync(pass, 'a long site passphrase\n');
    const out = join(dir, 'site.bundle');
    const exported = cli(['export', '--data', data, '--out', out, '--passphrase-file', pass]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toContain('encrypted with the passphrase');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    for (const s of secrets.slice(0, 2)) expect(text).not.toContain(s);

    const other = tempDir();
    const refused = cli(['import-bundle', '--data', other, out]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(/encrypted with a passphrase.*--passphrase-file/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const imported = cli(['import-bundle', '--data', other, out, '--passphrase-file', pass, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ encryption: 'passphrase', imported: 1 });
    const devices = JSON.parse(cli(['devices', '--data', other, '--json']).stdout) as Array<{ name: string; credentialsValue: string }>;
    expect(devices).toEqual([expect.objectContaining({ name: 'cli-dev', credentialsValue: secrets[1] })]);
  });

  it('--recipient / --identity with openssl key files', () => {
    const data = cliSite();
    const dir = tempDir();
    execFileSync('openssl', ['genpkey', '-algorithm', 'X25519', '-out', join(dir, 'id.pem')]);
    execFileSync('openssl', ['pkey', '-in', join(dir, 'id.pem'), '-pubout', '-out', join(dir, 'id.pub.pem')]);
    const out = join(dir, 'site.bundle');
    expect(cli(['export', '--data', data, '--out', out, '--recipient', join(dir, 'id.pub.pem')]).status).toBe(0);
    const imported = cli(['import-bundle', '--data', tempDir(), out, '--identity', join(dir, 'id.pem'), '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ encryption: 'recipient', imported: 1 });
  });

  it('an unencrypted export still works as before but warns on stderr, unless --unencrypted says it is meant', () => {
    const data = cliSite();
    const dir = tempDir();
    const plain = cli(['export', '--data', data, '--out', join(dir, 'a.bundle')]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toMatch(/^warning: .* holds every device's credentials in clear/);
    expect(readFileSync(join(dir, 'a.bundle'), 'utf8')).toContain(secrets[1]);
    const meant = cli(['export', '--data', data, '--out', join(dir, 'b.bundle'), '--unencrypted']);
    expect(meant).toMatchObject({ status: 0, stderr: '' });
    // An old, unencrypted bundle still imports without any secret.
    expect(cli(['import-bundle', '--data', tempDir(), join(dir, 'b.bundle')]).status).toBe(0);
    const both = cli(['export', '--data', data, '--out', join(dir, 'c.bundle'), '--unencrypted', '--passphrase-file', join(dir, 'x')]);
    expect(both.status).not.toBe(0);
    expect(both.stderr).toContain('at most one');
  });
});

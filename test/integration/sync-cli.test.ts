import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../electron/station/engine.ts';
import { cliPath, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';

// The built CLI (`node bin/fieldstation.js`, built by `npm run build`) driving sync against the fake cloud, which
// runs in this process: hence only the asynchronous runner, never spawnSync.

const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

/** A data directory with `n` provisioned devices and a ThingsBoard target at `url`. */
async function station(n: number, url: string, password = 'tenant') {
  const dataDir = tempDir();
  const engine = openEngine({ dataDir });
  const call = async (method: string, params: unknown) => {
    const r = await engine.router.call(method, params, { principal: { kind: 'admin' } });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  await call('profiles.add', { name: 'meters', provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', strategy: 'allow-create' });
  const names = Array.from({ length: n }, (_, i) => `kill-${String(i).padStart(3, '0')}`);
  await Promise.all(
    names.map((deviceName) => {
      const d = engine.service.decode({ provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', deviceName, token: `t-${deviceName}` });
      if (!d.ok) throw new Error(d.message);
      return engine.service.provision(d.request, { transport: 'http', remoteAddress: null });
    }),
  );
  await call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url, username: 'tenant@thingsboard.org', password });
  await engine.close();
  return { dataDir, names };
}

describe('fieldstation sync (CLI)', () => {
  it('SIGKILL in the middle of `sync --once`, then again to the end: still exactly once', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    clouds.push(cloud);
    const { dataDir, names } = await station(80, cloud.url);
    // A slow cloud: half the creates are applied and then answered late, the rest answered late before applying.
    cloud.faults.add({ route: 'createDevice', probability: 0.5, action: { type: 'delay', ms: 120, afterWrite: true } });
    cloud.faults.add({ route: 'createDevice', probability: 1, action: { type: 'delay', ms: 120 } });

    const child = spawn(process.execPath, [cliPath, 'sync', '--once', '--data', dataDir], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await cloud.stats.until((s) => s.devicesCreated >= 25);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const createdBeforeKill = cloud.stats.devicesCreated;
    expect(createdBeforeKill).toBeLessThan(80);

    const again = await runCliAsync(['sync', '--once', '--data', dataDir]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('conflicts 0, errors 0, waiting 0');
    for (const name of names) expect(cloud.stats.devicesCreatedNamed(name), name).toBe(1);
    expect(cloud.stats.devicesCreated).toBe(80);
    // Devices the killed run had created without recording it were recognised by their credentials (the
    // credentials read of the reconcile path), not created again.
    expect(cloud.stats.requests.getCredentials).toBeGreaterThan(0);

    const list = await runCliAsync(['sync', 'target', 'list', '--json', '--data', dataDir]);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ name: 'cloud', status: 'idle', counts: { synced: 80, pending: 0 } });
  });

  it('a wrong password: exit code 1 and a plain message on stderr; the secret never shows', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    clouds.push(cloud);
    const password = 'wrong-horse-battery';
    const { dataDir } = await station(3, cloud.url, password);
    const r = await runCliAsync(['sync', '--once', '--data', dataDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("sync target 'cloud' stopped: ThingsBoard rejected the username or password");
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(r.stdout).toContain('waiting 3');
    expect(cloud.stats.writes).toEqual([]);

    const list = await runCliAsync(['sync', 'target', 'list', '--json', '--data', dataDir]);
    expect(list.stdout).not.toContain(password);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ status: 'stopped', username: 'tenant@thingsboard.org' });
    const table = await runCliAsync(['sync', 'target', 'list', '--data', dataDir]);
    expect(table.stdout).toContain('stopped');
    expect(table.stdout).not.toContain(password);

    // The same `target add` with the right password repairs it.
    const fix = await runCliAsync([
      'sync', 'target', 'add', '--name', 'cloud', '--type', 'thingsboard', '--url', cloud.url,
      '--username', 'tenant@thingsboard.org', '--password', 'tenant', '--data', dataDir,
    ]);
    expect(fix.status).toBe(0);
    const ok = await runCliAsync(['sync', '--once', '--data', dataDir]);
    expect(ok.status).toBe(0);
    expect(cloud.stats.devicesCreated).toBe(3);
  });

  it('export writes a signed bundle; import-bundle verifies it, is idempotent and refuses a tampered copy', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    clouds.push(cloud);
    const { dataDir } = await station(4, cloud.url);
    const out = join(tempDir(), 'site-a.fsbundle.json');
    const exported = await runCliAsync(['export', '--out', out, '--data', dataDir]);
    expect(exported.status).toBe(0);
    const fingerprint = /fingerprint ([0-9a-f ]{39})/.exec(exported.stdout)?.[1];
    expect(fingerprint).toBeDefined();

    const fresh = tempDir();
    const imported = await runCliAsync(['import-bundle', out, '--fingerprint', fingerprint!, '--data', fresh]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('4 imported, 0 already here, 0 conflicts');
    const again = await runCliAsync(['import-bundle', out, '--data', fresh]);
    expect(again.stdout).toContain('0 imported, 4 already here, 0 conflicts');

    const before = JSON.parse((await runCliAsync(['devices', '--json', '--data', dataDir])).stdout) as Record<string, unknown>[];
    const after = JSON.parse((await runCliAsync(['devices', '--json', '--data', fresh])).stdout) as Record<string, unknown>[];
    const same = (d: Record<string, unknown>) => [d.name, d.profile, d.state, d.credentialsType, JSON.stringify(d.credentialsValue)];
    expect(after.map(same)).toEqual(before.map(same));

    const tampered = join(tempDir(), 'tampered.json');
    writeFileSync(tampered, readFileSync(out, 'utf8').replace('t-kill-002', 't-kill-666'));
    const refused = await runCliAsync(['import-bundle', tampered, '--data', tempDir()]);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe('fieldstation: the bundle was changed after it was signed (its signature does not match); it was not imported');
  });
});

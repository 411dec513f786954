import { afterEach, describe, expect, it } from 'vitest';
import { BAD_LOGIN_MESSAGE } from '../../electron/station/sync/thingsboard.ts';
import { runCliAsync } from '../support/cli.ts';
import { type TestEngine, openTestEngine, tempDir } from '../support/engine.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { type WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver.ts';

// Issue 15, item 6: a sync target is edited in place and tested before it is saved, against the ThingsBoard-shaped
// test cloud (POST /api/auth/login) and a webhook receiver that checks the signature of the test ping.

const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };
const SECRET = 'whsec-0123456789abcdef';

const engines: TestEngine[] = [];
const clouds: ThingsBoardCloud[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all([...clouds.splice(0), ...receivers.splice(0)].map((c) => c.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function setup() {
  const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
  clouds.push(cloud);
  const t = openTestEngine();
  engines.push(t);
  return { cloud, t };
}

describe('sync targets: edit and test before saving', () => {
  it('tests a ThingsBoard login that is not saved yet: a wrong password says so, a right one passes, nothing is stored', async () => {
    const { cloud, t } = await setup();
    const draft = { name: 'cloud', type: 'thingsboard' as const, url: cloud.url, username: TENANT.username };
    expect(await t.call('sync.targets.test', { ...draft, password: 'not-the-password' })).toEqual({ ok: false, message: BAD_LOGIN_MESSAGE, draft: true });
    const right = await t.call('sync.targets.test', { ...draft, password: TENANT.password });
    expect(right).toMatchObject({ ok: true, draft: true });
    expect(right.message).toContain('not saved yet');
    expect(cloud.stats.requests.login).toBe(2);
    expect(await t.call('sync.targets.list', {})).toEqual([]);
    // A new target without its credentials cannot be tested.
    await expect(t.call('sync.targets.test', { name: 'cloud', type: 'thingsboard', url: cloud.url })).rejects.toThrow(/needs --username and --password/);
    await expect(t.call('sync.targets.test', { name: 'cloud' })).rejects.toThrow(/no sync target named 'cloud'/);
  });

  it('edits the password of a stopped target without retyping the user name; it resumes and syncs', async () => {
    const { cloud, t } = await setup();
    await t.call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: TENANT.username, password: 'not-the-password' });
    expect(await t.call('sync.targets.test', { name: 'cloud' })).toMatchObject({ ok: false, draft: false });
    // The changed password, tested over the stored user name, before it is saved.
    expect(await t.call('sync.targets.test', { name: 'cloud', password: TENANT.password })).toMatchObject({ ok: true, draft: true });
    expect(await t.call('sync.targets.test', { name: 'cloud' })).toMatchObject({ ok: false });
    const edited = await t.call('sync.targets.update', { name: 'cloud', password: TENANT.password });
    expect(edited).toMatchObject({ name: 'cloud', username: TENANT.username, auth: 'password', status: 'idle' });
    expect(await t.call('sync.targets.test', { name: 'cloud' })).toMatchObject({ ok: true, draft: false });
  });

  it('edits the URL of a target (the same cloud moved), and refuses a change of kind', async () => {
    const { cloud, t } = await setup();
    await t.call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: 'http://127.0.0.1:9/', ...TENANT });
    expect(await t.call('sync.targets.test', { name: 'cloud' })).toMatchObject({ ok: false });
    const edited = await t.call('sync.targets.update', { name: 'cloud', url: `${cloud.url}/` });
    expect(edited.url).toBe(cloud.url);
    expect(await t.call('sync.targets.test', { name: 'cloud' })).toMatchObject({ ok: true });
    await expect(t.call('sync.targets.update', { name: 'cloud', type: 'webhook', secret: SECRET })).rejects.toThrow(/is a thingsboard target/);
    await expect(t.call('sync.targets.update', { name: 'nowhere', url: cloud.url })).rejects.toThrow(/no sync target named 'nowhere'/);
  });

  it('a webhook test before saving sends a ping signed with the typed secret', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    receivers.push(receiver);
    const t = openTestEngine();
    engines.push(t);
    const draft = { name: 'hook', type: 'webhook' as const, url: receiver.url };
    expect(await t.call('sync.targets.test', { ...draft, secret: 'not-the-receivers-secret' })).toMatchObject({ ok: false, draft: true });
    expect(await t.call('sync.targets.test', { ...draft, secret: SECRET })).toMatchObject({ ok: true, draft: true });
    expect(receiver.requests.map((r) => r.valid)).toEqual([false, true]);
    expect(receiver.pings).toBe(1);
    expect(receiver.events.size).toBe(0);
    expect(JSON.parse(receiver.requests[1]!.body)).toMatchObject({ type: 'fieldstation.test', events: [] });
    expect(await t.call('sync.targets.list', {})).toEqual([]);
  });

  it('CLI: sync target test with settings not saved, then sync target edit', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    clouds.push(cloud);
    const dataDir = tempDir();
    const login = ['--username', TENANT.username, '--password', TENANT.password];
    const tried = await runCliAsync(['sync', 'target', 'test', '--name', 'cloud', '--type', 'thingsboard', '--url', cloud.url, ...login, '--data', dataDir]);
    expect(tried.stderr).toBe('');
    expect(tried.stdout).toContain('accepted these credentials (not saved yet)');
    expect(tried.status).toBe(0);

    const add = await runCliAsync(['sync', 'target', 'add', '--name', 'cloud', '--type', 'thingsboard', '--url', cloud.url, '--username', TENANT.username, '--password', 'wrong', '--data', dataDir]);
    expect(add.status).toBe(0);
    const failing = await runCliAsync(['sync', 'target', 'test', '--name', 'cloud', '--data', dataDir]);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain(BAD_LOGIN_MESSAGE);
    const edit = await runCliAsync(['sync', 'target', 'edit', '--name', 'cloud', '--password', TENANT.password, '--create-profiles', '--data', dataDir]);
    expect(edit.stdout).toContain("sync target 'cloud'");
    expect(edit.status).toBe(0);
    const passing = await runCliAsync(['sync', 'target', 'test', '--name', 'cloud', '--data', dataDir]);
    expect(passing.stdout).toContain("accepted this station's credentials");
    const list = await runCliAsync(['sync', 'target', 'list', '--json', '--data', dataDir]);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ name: 'cloud', username: TENANT.username, allowCreateProfiles: true });
    const wrongKind = await runCliAsync(['sync', 'target', 'edit', '--name', 'cloud', '--type', 'webhook', '--data', dataDir]);
    expect(wrongKind.status).not.toBe(0);
    expect(wrongKind.stderr).toContain('--type does not apply');
  });
});

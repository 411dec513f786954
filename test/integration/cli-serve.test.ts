import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine.ts';
import { cliPath, runCli } from '../support/cli.ts';

interface Serving {
  child: ChildProcess;
  uiUrl: string;
  base: string;
  secret: string;
  output: () => string;
}

function serve(args: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [cliPath, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UI URL within 15 s:\n${out}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /Open the UI: (http:\/\/127\.0\.0\.1:\d+\/)\?token=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, uiUrl: `${m[1]}?token=${m[2]}`, base: m[1]!, secret: m[2]!, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

describe('fieldstation serve', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  const ports = ['--ui-port', '0', '--http-port', '0', '--mqtt-port', '0', '--coap-port', '0', '--bind', '127.0.0.1'];

  it('prints the UI URL, guards the API with the secret, and exits 0 on SIGTERM within 2 s', async () => {
    const s = await serve(['--data', tempDir(), ...ports]);
    children.push(s.child);
    expect((await fetch(`${s.base}healthz`)).status).toBe(200);
    expect((await fetch(`${s.base}api/status`)).status).toBe(401);
    const ok = await fetch(`${s.base}api/status`, { headers: { authorization: `Bearer ${s.secret}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, value: { listeners: expect.arrayContaining([expect.objectContaining({ name: 'ui' })]) } });

    // The UI link trades its token for an HttpOnly, SameSite=Strict cookie that then authenticates the API.
    const login = await fetch(s.uiUrl, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await fetch(`${s.base}api/status`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);

    const foreign = await fetch(`${s.base}api/status`, { headers: { authorization: `Bearer ${s.secret}`, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);

    const started = Date.now();
    s.child.kill('SIGTERM');
    const [code] = await once(s.child, 'exit');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names the port when it is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runCli(['serve', '--data', tempDir(), ...ports.slice(2), '--ui-port', String(port)]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim()).toBe(`fieldstation: port ${port} (ui) is already in use; choose another with --ui-port (0 picks a free port)`);
    } finally {
      blocker.close();
    }
  });

  it('refuses unknown flags and unusable data directories with one plain line', () => {
    const unknown = runCli(['serve', '--colour', 'blue']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^fieldstation: unknown option '--colour'/);

    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a folder');
    const bad = runCli(['serve', '--data', join(file, 'station'), ...ports]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(`fieldstation: cannot use data directory ${join(file, 'station')}: a part of the path is a file, not a folder`);

    expect(runCli(['serve', '--ui-port', 'abc']).stderr.trim()).toBe("fieldstation: --ui-port must be a port number from 0 to 65535, not 'abc'");
    expect(runCli(['frobnicate']).stderr.trim()).toBe("fieldstation: unknown command 'frobnicate' (see fieldstation --help)");
  });

  it('manages profiles and pre-provisioned devices on a data directory, with --json for scripts', () => {
    const data = tempDir();
    expect(runCli(['profile', 'add', '--data', data, '--name', 'meters', '--key', 'k1', '--secret', 's1', '--strategy', 'check-pre-provisioned']).status).toBe(0);
    const dup = runCli(['profile', 'add', '--data', data, '--name', 'other', '--key', 'k1', '--secret', 's', '--strategy', 'allow-create']);
    expect(dup.status).toBe(1);
    expect(dup.stderr.trim()).toBe("fieldstation: profile 'meters' already uses that provision key; keys must be unique");
    expect(runCli(['profile', 'add', '--data', data, '--name', 'x', '--key', 'k', '--secret', 's', '--strategy', 'sometimes']).stderr.trim()).toBe(
      "fieldstation: --strategy must be one of allow-create, check-pre-provisioned, disabled, not 'sometimes'",
    );
    expect(runCli(['device', 'add', '--data', data, '--profile', 'meters', '--name', 'm-1', '--token', 'tok-1', '--batch', 'site-a']).status).toBe(0);
    const list = runCli(['devices', '--data', data, '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        name: 'm-1',
        profile: 'meters',
        batch: 'site-a',
        state: 'pending',
        credentialsType: 'ACCESS_TOKEN',
        credentialsValue: 'tok-1',
        provisionedAt: null,
        provisionedVia: null,
        lastSeenAt: null,
      }),
    ]);
    expect(JSON.parse(runCli(['profile', 'list', '--data', data, '--json']).stdout)).toMatchObject([{ name: 'meters', strategy: 'check-pre-provisioned' }]);
  });
});

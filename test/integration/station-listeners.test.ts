import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import type { StationStatus } from '../../shared/station.ts';
import { runCli } from '../support/cli.ts';
import { openTestEngine, tempDir } from '../support/engine.ts';
import { startServe } from '../support/serve-process.ts';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('device listeners are switched from the admin API', () => {
  let station: Station | null = null;
  afterEach(() => station?.stop());

  const call = async (method: string, params: unknown) => {
    const reply = await station!.engine!.router.call(method, params, ADMIN);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value as StationStatus;
  };

  it('starts with some listeners off, switches one on and off, keeps its port, and moves them to another address', async () => {
    station = createStation({ dataDir: tempDir(), bind: '0.0.0.0', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, deviceListeners: ['mqtt'] });
    const info = await station.start();
    const byName = (s: { listeners: StationStatus['listeners'] }, n: string) => s.listeners.find((l) => l.name === n)!;
    expect(byName(info, 'http').enabled).toBe(false);
    const mqtt = byName(info, 'mqtt');
    expect(mqtt.enabled).toBe(true);
    expect(await accepts(mqtt.port)).toBe(true);
    // Bound to every interface, the URLs a device uses are this computer's LAN addresses, never 0.0.0.0.
    expect(mqtt.lanUrls.every((u) => u.startsWith('mqtt://') && !u.includes('0.0.0.0'))).toBe(true);

    let status = await call('station.listeners.set', { name: 'http', enabled: true });
    const http = byName(status, 'http');
    expect(http.enabled).toBe(true);
    expect(await accepts(http.port)).toBe(true);
    status = await call('station.listeners.set', { name: 'http', enabled: false });
    expect(byName(status, 'http')).toMatchObject({ enabled: false, port: http.port });
    expect(await accepts(http.port)).toBe(false);

    status = await call('station.bind.set', { address: '127.0.0.1' });
    expect(byName(status, 'mqtt')).toMatchObject({ address: '127.0.0.1', port: mqtt.port, lanUrls: [`mqtt://127.0.0.1:${mqtt.port}`] });
    expect(await accepts(mqtt.port)).toBe(true);
    await expect(call('station.bind.set', { address: '203.0.113.9' })).rejects.toThrow(/203\.0\.113\.9 is not on this machine/);
    expect(byName(await call('station.status', {}), 'mqtt').address).toBe('127.0.0.1');
  });

  it('a listener whose port another program took meanwhile is refused in plain words (409), and the station carries on', async () => {
    station = createStation({ dataDir: tempDir(), bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, deviceListeners: ['http'] });
    const info = await station.start();
    const port = info.listeners.find((l) => l.name === 'http')!.port;
    await call('station.listeners.set', { name: 'http', enabled: false });
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const reply = await station.engine!.router.call('station.listeners.set', { name: 'http', enabled: true }, ADMIN);
      expect(reply).toEqual({
        ok: false,
        error: { code: 'conflict', message: `port ${port} (http) is already in use; choose another with --http-port (0 picks a free port)` },
      });
      expect((await call('station.status', {})).listeners.find((l) => l.name === 'http')!.enabled).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    // Once the port is free again, the same switch works.
    expect((await call('station.listeners.set', { name: 'http', enabled: true })).listeners.find((l) => l.name === 'http')!.enabled).toBe(true);
  });

  it('refuses to switch listeners when the station is not serving; serve --listeners none starts with them off', async () => {
    const t = openTestEngine();
    const reply = await t.engine.router.call('station.listeners.set', { name: 'http', enabled: true }, ADMIN);
    expect(reply).toEqual({ ok: false, error: { code: 'conflict', message: 'the station is not serving; start it with `fieldstation serve`' } });
    await t.close();

    const bad = runCli(['serve', '--data', tempDir(), '--listeners', 'tcp']);
    expect(bad.stderr.trim()).toBe("fieldstation: --listeners takes a list of http, mqtt, coap, https, mqtts, or none; not 'tcp'");
    const served = await startServe({ dataDir: tempDir(), args: ['--bind', '127.0.0.1', '--listeners', 'none'] });
    try {
      expect(served.output()).toMatch(/^http\s+off \(switch it on in the UI\)$/m);
      expect(served.ports.http).toBeUndefined();
    } finally {
      await served.stop();
    }
  });
});

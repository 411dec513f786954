import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { connectJs, firstMessage } from '../support/mqtt-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';

// `fieldstation attributes set|list` and `fieldstation rpc` (CLI.md), with and without a station serving the data
// directory; the device is a real MQTT client (mqtt.js) connected to the served station. Needs `npm run build`.

let dataDir: string;
let served: ServeProcess | null = null;
const cli = (...args: string[]) => runCli([...args, '--data', dataDir]);

beforeEach(() => {
  dataDir = tempDir();
  expect(cli('profile', 'add', '--name', 'sensors', '--key', 'K', '--secret', 'S', '--strategy', 'check-pre-provisioned').status).toBe(0);
  expect(cli('batch', 'add', '--name', 'plant-3', '--profile', 'sensors').status).toBe(0);
  expect(cli('device', 'add', '--profile', 'sensors', '--batch', 'plant-3', '--name', 'dev-a', '--token', 'tok_a').status).toBe(0);
});

afterEach(async () => {
  await served?.stop();
  served = null;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('without a running station', () => {
  it('attributes set (JSON when it parses, else a string; device > batch > profile) and list --json', () => {
    expect(cli('attributes', 'set', '--profile', 'sensors', 'interval=60', 'mode=eco', 'cfg={"a":1}').status).toBe(0);
    expect(cli('attributes', 'set', '--batch', 'plant-3', 'interval=30').status).toBe(0);
    expect(cli('attributes', 'set', '--device', 'dev-a', 'mode=fast', 'on=true').status).toBe(0);
    const list = cli('attributes', 'list', '--device', 'dev-a', '--json');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({
      client: {},
      shared: { interval: 30, mode: 'fast', cfg: { a: 1 }, on: true },
      server: {},
      // Where each received value comes from: what the drawer shows beside it.
      sharedFrom: { interval: 'batch', mode: 'device', cfg: 'profile', on: 'device' },
    });
  });

  it('rpc says it needs a running station and exits non-zero; bad input is one plain line', () => {
    const r = cli('rpc', '--device', 'dev-a', '--method', 'reboot');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('fieldstation: rpc needs a running station serving this data directory (start `fieldstation serve`)');
    const bad = cli('attributes', 'set', '--profile', 'sensors', '--batch', 'plant-3', 'a=1');
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'fieldstation: give exactly one of --profile, --batch or --device']);
  });
});

describe('with `fieldstation serve` running', () => {
  it('attributes set from another process reaches the connected device before the command returns; rpc round trip and timeout', async () => {
    served = await startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
    const device = await connectJs(served.ports.mqtt!, { username: 'tok_a' });
    await device.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    const update = firstMessage(device);
    const set = await runCliAsync(['attributes', 'set', '--device', 'dev-a', 'fw="2.0"', '--data', dataDir]);
    expect(set.status, set.stderr).toBe(0);
    expect(await update).toEqual({ topic: 'v1/devices/me/attributes', payload: '{"fw":"2.0"}', qos: 1 });
    // The station pushes before it answers the CLI, so the device heard it by the time the command returned.

    await device.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    device.on('message', (topic, payload) => {
      if (topic.startsWith('v1/devices/me/rpc/request/')) {
        const id = topic.split('/').pop();
        device.publish(`v1/devices/me/rpc/response/${id}`, JSON.stringify({ echo: JSON.parse(payload.toString()).params }), { qos: 1 });
      }
    });
    const r = await runCliAsync(['rpc', '--device', 'dev-a', '--method', 'echo', '--params', '{"x":1}', '--timeout', '5', '--json', '--data', dataDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 0, response: { echo: { x: 1 } } });

    await device.unsubscribeAsync('v1/devices/me/rpc/request/+');
    const timeout = await runCliAsync(['rpc', '--device', 'dev-a', '--method', 'x', '--timeout', '0.3', '--data', dataDir]);
    expect(timeout.status).toBe(1);
    expect(timeout.stderr.trim()).toBe(
      "fieldstation: device 'dev-a' was not listening for RPC within 0.3 s (connect it and subscribe to RPC requests)",
    );
    await device.endAsync();
  });
});

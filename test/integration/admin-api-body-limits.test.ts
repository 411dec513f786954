import { afterEach, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../support/station.ts';

// npm run fuzz found that 32 MB of `[[[…` posted to any admin method held the station's event loop for 3 s and left
// it at 1.1 GB RSS. Params are now read up to 1 MB (64 MB for imports and label jobs) and refused past 64 levels of
// nesting, before JSON.parse builds them.

describe('admin API request bodies', () => {
  let s: TestStation;
  afterEach(() => s.station.stop());

  async function rpc(method: string, body: string) {
    const url = new URL(s.info.uiUrl);
    const res = await fetch(`${url.origin}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, reply: (await res.json()) as { ok: boolean; error?: { code: string; message: string } } };
  }

  it('refuses deep nesting with 400 and big params to small methods with 413, and keeps answering', async () => {
    s = await startTestStation();
    const deep = await rpc('station.status', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.status).toBe(400);
    expect(deep.reply.error).toMatchObject({ code: 'bad_request', message: 'the request body nests deeper than 64 levels' });

    const big = await rpc('devices.list', JSON.stringify({ search: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.reply.error?.code).toBe('payload_too_large');

    // Brackets inside strings are text, not nesting; 64 levels of real nesting still reach the method (which refuses the shape).
    expect((await rpc('devices.list', JSON.stringify({ search: '['.repeat(1000) }))).status).toBe(200);
    const nested = await rpc('station.status', `${'['.repeat(64)}${']'.repeat(64)}`);
    expect(nested.reply.error?.code).toBe('invalid_params');
    expect((await rpc('station.status', '{}')).status).toBe(200);
  });

  it('still takes a device list of several megabytes through devices.import', async () => {
    s = await startTestStation();
    await s.call('profiles.add', { name: 'p', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'check-pre-provisioned' });
    const rows = Array.from({ length: 60_000 }, (_, i) => `device-with-a-long-name-${String(i).padStart(6, '0')},serial-${i}`);
    const text = `name,serial\n${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const r = await rpc('devices.import', JSON.stringify({ profile: 'p', batch: 'big', text, dryRun: true }));
    expect(r.status).toBe(200);
    expect(r.reply.ok).toBe(true);
  });

  it('answers a megabyte of bad params with a short error, and validates a big attributes.set in one pass', { timeout: 30_000 }, async () => {
    s = await startTestStation();
    // 20,000 keys over ThingsBoard's 255 characters: once 20,000 issues that each echoed their key (MBs of reply).
    const badKeys = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`${'k'.repeat(300)}${i}`, i]));
    const bad = await rpc('attributes.set', JSON.stringify({ level: 'device', name: 'd', values: badKeys }));
    expect(bad.status).toBe(400);
    const details = (bad.reply.error as { details?: { path: string[] }[] }).details!;
    expect(details.length).toBe(20);
    expect(details[0]!.path[1]!.length).toBeLessThanOrEqual(101);
    expect(JSON.stringify(bad.reply).length).toBeLessThan(20_000);

    // A name of 500,000 characters comes back in a message cut at 1,000.
    const missing = await rpc('devices.get', JSON.stringify({ name: 'n'.repeat(500_000) }));
    expect(missing.status).toBe(404);
    expect(missing.reply.error!.message.length).toBeLessThanOrEqual(1001);

    // Close to a megabyte of valid nested values: accepted (the device exists), as before the faster check.
    await s.call('profiles.add', { name: 'p', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'allow-create' });
    await s.call('devices.add', { profile: 'p', name: 'd' });
    const values = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, { on: true, at: [i, 1.5, null, 'x'] }]));
    const big = await rpc('attributes.set', JSON.stringify({ level: 'device', name: 'd', values }));
    expect(big.status).toBe(200);
    // 1e400 parses to Infinity, which no JSON value is: refused, as zod's number refused it.
    const infinite = await rpc('attributes.set', '{"level":"device","name":"d","values":{"a":{"b":[1e400]}}}');
    expect(infinite.status).toBe(400);
    expect(infinite.reply.error?.code).toBe('invalid_params');
  });
});


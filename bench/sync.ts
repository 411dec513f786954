import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../electron/station/api/router.ts';
import { type Engine, openEngine } from '../electron/station/engine.ts';
import { signWebhook } from '../electron/station/sync/webhook.ts';
import { startThingsBoardCloud } from '../test/support/thingsboard-cloud.ts';
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts';
import type { BenchRow } from './types.ts';

const suite = 'sync';
const devices = 1000;
/** The worker's default: deliveries in flight per target. The baselines use the same. */
const concurrency = 8;
const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };

/**
 * Sync throughput against the test doubles, each compared with what that double accepts from a tight loop in the
 * same run (same process, same concurrency):
 * - ThingsBoard: devices/s synced vs raw `POST /api/device-with-credentials` per second. Sync spends three requests
 *   per device (look up by name, create, set attributes: the look-up is what makes retries exactly-once), so the
 *   first ratio cannot come near 1; the second row compares all requests/s with raw creates/s (look-ups and
 *   attribute writes are cheaper than creates, so it can exceed 1).
 * - Webhook: devices/s synced in batches of 100 vs the same batch bodies POSTed (signed) in a tight loop.
 */
export async function benchSync(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await thingsboard(50); // warm-up: JIT, sockets
  const tb = await thingsboard(devices);
  rows.push({
    suite,
    case: `thingsboard ${devices} devices`,
    value: round(tb.devicesPerSec),
    unit: 'devices/s',
    baseline: round(tb.rawCreatesPerSec),
    ratio: ratio(tb.devicesPerSec, tb.rawCreatesPerSec),
    note: `baseline = raw creates/s; ${(tb.requests / devices).toFixed(2)} requests per device`,
  });
  rows.push({
    suite,
    case: `thingsboard ${devices} devices, requests`,
    value: round(tb.requestsPerSec),
    unit: 'requests/s',
    baseline: round(tb.rawCreatesPerSec),
    ratio: ratio(tb.requestsPerSec, tb.rawCreatesPerSec),
    note: 'every request the sync made vs raw create requests',
  });
  await webhook(500); // warm-up, as for ThingsBoard above: otherwise the sync runs cold and its baseline warm
  const hook = await webhook(devices * 5);
  rows.push({
    suite,
    case: `webhook ${devices * 5} devices`,
    value: round(hook.devicesPerSec),
    unit: 'devices/s',
    baseline: round(hook.rawPerSec),
    ratio: ratio(hook.devicesPerSec, hook.rawPerSec),
    note: 'batches of 100; baseline = the same signed bodies POSTed in a tight loop',
  });
  return rows;
}

const round = (n: number) => Math.round(n);
const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

async function withStation<T>(n: number, work: (engine: Engine) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-sync-'));
  const engine = openEngine({ dataDir });
  try {
    const call = async (method: string, params: unknown) => {
      const r = await engine.router.call(method, params, ADMIN);
      if (!r.ok) throw new Error(r.error.message);
    };
    await call('profiles.add', { name: 'meters', provisionDeviceKey: 'bench-key', provisionDeviceSecret: 'bench-secret', strategy: 'allow-create' });
    await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const d = engine.service.decode({ provisionDeviceKey: 'bench-key', provisionDeviceSecret: 'bench-secret', deviceName: `bench-${i}`, token: `bench-token-${i}` });
        if (!d.ok) throw new Error(d.message);
        return engine.service.provision(d.request, { transport: 'http', remoteAddress: null });
      }),
    );
    return await work(engine);
  } finally {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs `count` jobs with `concurrency` at a time. */
async function pool(count: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

async function thingsboard(n: number) {
  // Baseline: a fresh cloud (same size as the sync's), creates as fast as it takes them.
  const raw = await startThingsBoardCloud({ profiles: ['meters'] });
  let rawCreatesPerSec: number;
  try {
    const login = (await (
      await fetch(`${raw.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(TENANT) })
    ).json()) as { token: string };
    const profileId = raw.state.profileByName('meters')!.id;
    const started = performance.now();
    await pool(n, async (i) => {
      const res = await fetch(`${raw.url}/api/device-with-credentials`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Authorization': `Bearer ${login.token}` },
        body: JSON.stringify({
          device: { name: `bench-${i}`, deviceProfileId: { entityType: 'DEVICE_PROFILE', id: profileId } },
          credentials: { credentialsType: 'ACCESS_TOKEN', credentialsId: `bench-token-${i}` },
        }),
      });
      if (res.status !== 200) throw new Error(`baseline create answered ${res.status}`);
      await res.arrayBuffer();
    });
    rawCreatesPerSec = n / ((performance.now() - started) / 1000);
  } finally {
    await raw.close();
  }

  const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
  try {
    return await withStation(n, async (engine) => {
      const r = await engine.router.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url: cloud.url, ...TENANT }, ADMIN);
      if (!r.ok) throw new Error(r.error.message);
      const started = performance.now();
      const summary = await engine.sync.runOnce({}, { concurrency });
      const seconds = (performance.now() - started) / 1000;
      if (!summary.ok || summary.synced !== n || cloud.stats.devicesCreated !== n) {
        throw new Error(`sync did not deliver every device exactly once: ${JSON.stringify(summary)}`);
      }
      const requests = Object.values(cloud.stats.requests).reduce((a, b) => a + b, 0);
      return { devicesPerSec: n / seconds, requestsPerSec: requests / seconds, requests, rawCreatesPerSec };
    });
  } finally {
    await cloud.close();
  }
}

async function webhook(n: number) {
  const secret = 'bench-webhook-secret';
  const receiver = await startWebhookReceiver(secret);
  try {
    return await withStation(n, async (engine) => {
      const r = await engine.router.call('sync.targets.add', { name: 'hook', type: 'webhook', url: receiver.url, secret }, ADMIN);
      if (!r.ok) throw new Error(r.error.message);
      const started = performance.now();
      const summary = await engine.sync.runOnce({}, { concurrency, batchSize: 100 });
      const seconds = (performance.now() - started) / 1000;
      if (!summary.ok || receiver.events.size !== n) throw new Error(`webhook sync incomplete: ${JSON.stringify(summary)}`);

      // Baseline: the very bodies the sync sent, re-sent under fresh keys (the receiver applies each once).
      const bodies = receiver.requests.map((q) => q.body);
      const rawStarted = performance.now();
      await pool(bodies.length, async (i) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const res = await fetch(receiver.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': `raw-${i}`,
            'X-Fieldstation-Timestamp': timestamp,
            'X-Fieldstation-Signature': signWebhook(secret, timestamp, bodies[i]!),
          },
          body: bodies[i],
        });
        await res.arrayBuffer();
      });
      const rawPerSec = n / ((performance.now() - rawStarted) / 1000);
      return { devicesPerSec: n / seconds, rawPerSec };
    });
  } finally {
    await receiver.close();
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN } from '../electron/station/api/router.ts';
import { type Engine, openEngine } from '../electron/station/engine.ts';
import { createWebhookChannel } from '../electron/station/sync/webhook.ts';
import { startThingsBoardCloud } from '../test/support/thingsboard-cloud.ts';
import { threadCpu } from './thread-cpu.ts';
import type { BenchRow } from './types.ts';
import { type ReceiverProcess, startReceiverProcess } from './webhook-receiver.ts';

const suite = 'sync';
const devices = 1000;
/** The worker's default: deliveries in flight per target. The baselines use the same. */
const concurrency = 8;
/** The worker's default: devices per webhook batch. */
const batchSize = 100;
const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };

/**
 * Sync throughput against the test doubles, each compared with what that double accepts from a tight loop in the
 * same run (same process, same concurrency):
 * - ThingsBoard: devices/s synced vs raw `POST /api/device-with-credentials` per second. Sync spends three requests
 *   per device (look up by name, create, set attributes: the look-up is what makes retries exactly-once), so the
 *   first ratio cannot come near 1; the second row compares all requests/s with raw creates/s (look-ups and
 *   attribute writes are cheaper than creates, so it can exceed 1).
 * - Webhook: devices/s synced in batches of 100 vs the same batch bodies POSTed (signed, by the sync's own client, at
 *   the same concurrency) in a tight loop, to the same receiver, which runs in a process of its own
 *   (webhook-receiver.ts) with its ceiling (rate / its CPU share) printed.
 */
export async function benchSync(options: SyncBenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const wanted = (name: SyncCase) => options.cases === undefined || options.cases.includes(name);
  if (wanted('thingsboard')) rows.push(...(await thingsboardRows()));
  if (wanted('webhook')) rows.push(await webhookRow());
  return rows;
}

const syncCases = ['thingsboard', 'webhook'] as const;
type SyncCase = (typeof syncCases)[number];

/** Which sync cases run: both by default; a profile or a before/after comparison picks one. */
export interface SyncBenchOptions {
  cases?: SyncCase[];
}

/** `--case webhook` (or `--case=thingsboard,webhook`) from the bench's arguments; provisioning cases are skipped. */
export function syncOptions(args: string[]): SyncBenchOptions {
  const named = args.flatMap((arg, i) => (arg.startsWith('--case=') ? arg.slice(7).split(',') : args[i - 1] === '--case' ? arg.split(',') : []));
  const cases = syncCases.filter((c) => named.includes(c));
  return cases.length ? { cases } : {};
}

async function thingsboardRows(): Promise<BenchRow[]> {
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
  return rows;
}

/** The whole process's CPU from its two parts (thread-cpu.ts). */
const total = (t: { mainMs: number; otherMs: number }) => t.mainMs + t.otherMs;

/** Sync-and-baseline pairs in the webhook row. */
const webhookRounds = 3;

async function webhookRow(): Promise<BenchRow> {
  const receiver = await startReceiverProcess(secret);
  const rounds: Awaited<ReturnType<typeof webhook>>[] = [];
  try {
    // Warm-up, as for ThingsBoard above (otherwise the sync runs cold and its baseline warm), also of the receiver.
    await webhook(receiver, 1000);
    // The baseline takes ~50 ms: one round was at the mercy of this VM (its baseline doubled between two whole runs on
    // the same code). Each round pairs a sync with its baseline; the row is the round with the median ratio.
    for (let round = 0; round < webhookRounds; round++) rounds.push(await webhook(receiver, devices * 5));
  } finally {
    await receiver.close();
  }
  const ratioOf = (r: (typeof rounds)[number]) => r.devicesPerSec / r.rawPerSec;
  const hook = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(rounds.length / 2)]!;
  // The receiver (its own process) is the limit when it used nearly a whole core during the baseline: the baseline
  // then measures it, not the sender, and no ratio is printed.
  const receiverCeiling = hook.rawPerSec / Math.max(hook.receiverBusy.raw, 0.01);
  const receiverBound = hook.receiverBusy.raw > 0.8;
  return {
    suite,
    case: `webhook ${devices * 5} devices`,
    value: round(hook.devicesPerSec),
    unit: 'devices/s',
    baseline: round(hook.rawPerSec),
    ...(receiverBound ? { verdict: 'receiver-bound' } : { ratio: ratio(hook.devicesPerSec, hook.rawPerSec) }),
    ceiling: round(receiverCeiling),
    note: `the median of ${rounds.length} rounds (ratios ${rounds.map((r) => ratioOf(r).toFixed(2)).join(', ')}); ${hook.posts} batches of ${batchSize}; baseline = the same signed bodies POSTed ${concurrency} at a time by the sync's client; ceiling: receiver (own process) CPU ${pct(hook.receiverBusy.raw)} of a core in the baseline, ${pct(hook.receiverBusy.sync)} in the sync; station process CPU ${total(hook.threads.sync)} ms (sync) vs ${total(hook.threads.raw)} ms (baseline), less noisy than time on a shared machine; of it the main thread ${hook.threads.sync.mainMs} ms (sync) vs ${hook.threads.raw.mainMs} ms (baseline), other threads (writer, libuv, GC) ${hook.threads.sync.otherMs} vs ${hook.threads.raw.otherMs} ms`,
  };
}

const round = (n: number) => Math.round(n);
const pct = (share: number) => `${Math.round(share * 100)}%`;
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

const secret = 'bench-webhook-secret';

async function webhook(receiver: ReceiverProcess, n: number) {
  const url = await receiver.fresh();
  return withStation(n, async (engine) => {
      const r = await engine.router.call('sync.targets.add', { name: 'hook', type: 'webhook', url, secret }, ADMIN);
      if (!r.ok) throw new Error(r.error.message);
      await receiver.mark();
      const threads = threadCpu();
      const started = performance.now();
      const summary = await engine.sync.runOnce({}, { concurrency, batchSize });
      const seconds = (performance.now() - started) / 1000;
      const syncThreads = threads.used();
      const synced = await receiver.report();
      if (!summary.ok || synced.events !== n) throw new Error(`webhook sync incomplete: ${JSON.stringify(summary)}`);

      // Baseline: the very bodies the sync sent, re-sent under fresh keys (the receiver applies each once) through
      // the sync's own client (webhook.ts: same fetch, headers, signing per body, timeout), `concurrency` at a time.
      const bodies = await receiver.bodies();
      const channel = createWebhookChannel({ url, secret });
      await receiver.mark();
      const rawThreads = threadCpu();
      const rawStarted = performance.now();
      await pool(bodies.length, async (i) => {
        const res = await channel.send({ key: `raw-${i}`, body: bodies[i]! });
        if (res.kind !== 'confirmed') throw new Error(`baseline POST failed: ${JSON.stringify(res)}`);
      });
      const rawSeconds = (performance.now() - rawStarted) / 1000;
      const rawThreadsUsed = rawThreads.used();
      const raw = await receiver.report();
      if (raw.requests !== bodies.length * 2) throw new Error(`baseline: the receiver saw ${raw.requests - bodies.length} of ${bodies.length} POSTs`);
      return { devicesPerSec: n / seconds, rawPerSec: n / rawSeconds, receiverBusy: { sync: synced.busy, raw: raw.busy }, posts: bodies.length, threads: { sync: syncThreads, raw: rawThreadsUsed } };
  });
}

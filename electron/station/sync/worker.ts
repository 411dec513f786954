import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/errors.ts';
import type { SyncProgress, SyncRunSummary, SyncTargetChanges, SyncTargetInput, SyncTargetTestResult } from '../../../shared/sync.ts';
import type { EventBus } from '../event-bus.ts';
import type { StationKeys } from '../keys.ts';
import type { Db } from '../store/database.ts';
import { runBackground } from './background.ts';
import { type BackoffPolicy, defaultBackoff } from './backoff.ts';
import { createBatches } from './batches.ts';
import { createDeliveries } from './deliveries.ts';
import { type DrainOptions, drainRound, type RoundResult, type WebhookJobs } from './drain.ts';
import type { TargetRuntime } from './target-runtime.ts';
import { type Lease, LEASE_TTL_MS, createLease } from './lease.ts';
import { createOutboxReader } from './outbox-reader.ts';
import { createSnapshots } from './snapshot.ts';
import { createTelemetryReader } from './telemetry.ts';
import { type TargetConfig, type TargetRow, createTargetStore, unreadableMessage } from './targets.ts';
import { createThingsBoardChannel } from './tb-channel.ts';
import { createWebhookChannel } from './webhook.ts';

// The sync worker: drains every target (ThingsBoard, webhook) from the outbox, either once (`sync --once`, the
// `sync.run` API method) or in the background while the station serves. One drain per target at a time in this
// process (rounds are chained) and across processes (a lease in the database).

/** How long `sync --once` waits for another process's drain of the same target before saying so. */
const LEASE_WAIT_MS = 30_000;

export interface SyncOptions {
  /** Deliveries in flight per target (ThingsBoard devices, webhook batches). */
  concurrency?: number;
  /** Devices per webhook batch. */
  batchSize?: number;
  backoff?: BackoffPolicy;
  /** How often an unreachable target is probed. */
  probeBackoff?: BackoffPolicy;
  /** `sync --once` waits for a retry at most this long before it reports the device as still waiting. */
  maxWaitMs?: number;
  maxTriesPerRun?: number;
  /** Background: look for work written by other processes (the CLI) this often. */
  pollMs?: number;
  /** Minimum time between two live `sync` events of one target. */
  progressIntervalMs?: number;
  fetch?: typeof fetch;
  /** Per-request limit towards targets. */
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface SyncDeps {
  db: Db;
  bus: EventBus;
  keys: StationKeys;
  log: (line: string) => void;
  /** The writer thread's webhook jobs (drain.ts WebhookJobs; station-writer.ts webhookJobsOn). */
  webhookJobs: WebhookJobs;
}

/** A target that is not stored (a test before saving) as the worker's config. */
function draftConfig(input: SyncTargetInput): TargetConfig {
  const base = { id: 0, name: input.name, url: input.type === 'thingsboard' ? input.url.replace(/\/+$/, '') : input.url, version: 'draft' };
  if (input.type === 'webhook') return { ...base, options: {}, type: 'webhook', secret: input.secret! };
  return {
    ...base,
    options: { allowCreateProfiles: input.allowCreateProfiles ?? false },
    type: 'thingsboard',
    auth: input.apiKey ? { kind: 'apiKey', key: input.apiKey } : { kind: 'password', username: input.username!, password: input.password! },
  };
}

/** Waits `ms` or until `signal` aborts, whichever comes first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function createSyncService(deps: SyncDeps, defaults: SyncOptions = {}) {
  const { db, bus, log } = deps;
  const targets = createTargetStore(db, deps.keys);
  const outbox = createOutboxReader(db);
  const deliveries = createDeliveries(db);
  const batches = createBatches(db, deliveries);
  const snapshots = createSnapshots(db);
  const lease: Lease = createLease(db);
  const telemetry = createTelemetryReader(db);
  const atomically = <T>(work: () => T): T => db.transaction(work)();
  const drainDeps = { targets, outbox, deliveries, batches, snapshots, telemetry, log, atomically, webhookJobs: deps.webhookJobs };
  const runtimes = new Map<number, { version: string; fetch: unknown; now: unknown; rt: TargetRuntime }>();
  const chains = new Map<number, Promise<unknown>>();
  const lastEvent = new Map<number, number>();
  const lastSaid = new Map<number, string>();
  const wakers = new Set<() => void>();
  let running = 0;

  const resolved = (o: SyncOptions) => {
    const m = { ...defaults, ...o };
    return {
      concurrency: m.concurrency ?? 8,
      batchSize: m.batchSize ?? 100,
      backoff: m.backoff ?? defaultBackoff,
      probeBackoff: m.probeBackoff ?? { baseMs: 5000, capMs: 5 * 60_000 },
      maxWaitMs: m.maxWaitMs ?? 30_000,
      maxTriesPerRun: m.maxTriesPerRun ?? 12,
      pollMs: m.pollMs ?? 5000,
      progressIntervalMs: m.progressIntervalMs ?? 250,
      fetch: m.fetch,
      timeoutMs: m.timeoutMs,
      now: m.now ?? Date.now,
      sleep: m.sleep ?? sleep,
      random: m.random ?? Math.random,
    };
  };
  type Resolved = ReturnType<typeof resolved>;

  function channelFor(config: TargetConfig, o: Resolved): TargetRuntime['channel'] {
    const net = { ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) };
    return config.type === 'thingsboard'
      ? {
          kind: 'thingsboard',
          tb: createThingsBoardChannel({
            url: config.url,
            auth: config.auth,
            allowCreateProfiles: config.options.allowCreateProfiles ?? false,
            ...net,
          }),
        }
      : { kind: 'webhook', hook: createWebhookChannel({ url: config.url, secret: config.secret, now: o.now, ...net }) };
  }

  function runtimeFor(row: TargetRow, o: Resolved): TargetRuntime {
    const config = targets.config(row);
    const cached = runtimes.get(row.id);
    if (cached && cached.version === config.version && cached.fetch === o.fetch && cached.now === o.now) return cached.rt;
    const channel = channelFor(config, o);
    const rt: TargetRuntime = {
      targetId: row.id,
      name: row.name,
      channel,
      holdUntil: 0,
      rateLimitStreak: 0,
      // Unreachable when a previous process last tried: start with one probe, not a burst.
      offline:
        row.offline_since === null
          ? null
          : { since: row.offline_since, probeAt: 0, probes: 0, message: `${row.name} could not be reached at the last attempt.` },
    };
    runtimes.set(row.id, { version: config.version, fetch: o.fetch, now: o.now, rt });
    return rt;
  }

  /** A live `sync` event: throttled while draining; at the end of a round only if something changed. */
  function publish(row: TargetRow, status: SyncProgress['status'], synced: number, message: string | null, final: boolean, o: Resolved) {
    const now = o.now();
    // While draining, only confirmations are news (a failed probe of an offline target is not).
    if (!final && (synced === 0 || now - (lastEvent.get(row.id) ?? 0) < o.progressIntervalMs)) return;
    const counts = deliveries.counts(row.id);
    const said = JSON.stringify([status, counts, message]);
    if (final && said === lastSaid.get(row.id)) return;
    lastEvent.set(row.id, now);
    lastSaid.set(row.id, said);
    bus.publish({ type: 'sync', progress: { target: row.name, status, counts, synced, message } });
  }

  /** Runs `fn` after any drain of the same target in this process has finished. */
  function serial<T>(targetId: number, fn: () => Promise<T>): Promise<T> {
    const previous = chains.get(targetId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(fn);
    chains.set(targetId, next);
    return next.finally(() => {
      if (chains.get(targetId) === next) chains.delete(targetId);
    });
  }

  async function round(row: TargetRow, mode: DrainOptions['mode'], o: Resolved, signal?: AbortSignal): Promise<RoundResult> {
    return serial(row.id, async () => {
      const fresh = targets.byId(row.id);
      if (!fresh) return { synced: 0, status: 'idle', message: 'the target was removed', nextAt: null } as RoundResult;
      // Credentials that do not open here (saved under another station key, or damaged) stop the target with the
      // reason, so its status says what to do, instead of failing every round with an internal error.
      if (!targets.readable(fresh)) {
        const message = unreadableMessage(fresh.name);
        if (fresh.stopped_reason !== message) targets.stop(fresh.id, message);
        publish(fresh, 'stopped', 0, message, true, o);
        return { synced: 0, status: 'stopped', message, nextAt: null };
      }
      if (fresh.stopped_reason !== null) return { synced: 0, status: 'stopped', message: fresh.stopped_reason, nextAt: null };
      // `sync --once` while a serving station drains the same target: wait for its round (bounded), then run ours.
      const waitUntil = mode === 'once' ? o.now() + LEASE_WAIT_MS : 0;
      while (!lease.acquire(fresh.id, o.now()) && o.now() < waitUntil && !signal?.aborted) await o.sleep(250, signal);
      if (!lease.acquire(fresh.id, o.now())) {
        const holder = lease.holder(fresh.id) ?? 'another process';
        return { synced: 0, status: 'idle', message: `another Fieldstation process (${holder}) is syncing ${fresh.name} right now`, nextAt: o.now() + o.pollMs };
      }
      let renewAt = o.now() + LEASE_TTL_MS / 3;
      const rt = runtimeFor(fresh, o);
      // Someone asked for a run now: probe an offline target at once instead of at its next scheduled probe.
      if (mode === 'once' && rt.offline) rt.offline.probeAt = 0;
      running += 1;
      try {
        const result = await drainRound(drainDeps, rt, {
          mode,
          concurrency: o.concurrency,
          batchSize: o.batchSize,
          backoff: o.backoff,
          probeBackoff: o.probeBackoff,
          maxWaitMs: mode === 'once' ? o.maxWaitMs : 0,
          maxTriesPerRun: o.maxTriesPerRun,
          now: o.now,
          sleep: o.sleep,
          random: o.random,
          ...(signal ? { signal } : {}),
          onProgress: (synced) => publish(fresh, 'syncing', synced, null, false, o),
          keepAlive: () => {
            if (Date.now() < renewAt) return;
            renewAt = Date.now() + LEASE_TTL_MS / 3;
            lease.acquire(fresh.id);
          },
        });
        if (result.synced > 0) db.prepare('UPDATE sync_targets SET last_synced_at = ? WHERE id = ?').run(o.now(), fresh.id);
        publish(fresh, result.status, result.synced, result.message, true, o);
        return result;
      } finally {
        running -= 1;
        lease.release(fresh.id);
      }
    });
  }

  function pick(name?: string): TargetRow[] {
    if (name !== undefined) return [targets.get(name)];
    const all = targets.all();
    if (all.length === 0) {
      throw new ApiError('bad_request', 'no sync target is set up; add one with: fieldstation sync target add --name NAME --type thingsboard|webhook --url URL ...');
    }
    return all;
  }

  const wake = () => {
    for (const w of wakers) w();
  };

  return {
    targets,
    deliveries,
    outbox,
    snapshots,
    get running() {
      return running > 0;
    },
    wake,

    /** Drains the target(s) as far as they allow now; retries wait up to maxWaitMs. */
    async runOnce(params: { target?: string; signal?: AbortSignal } = {}, overrides: SyncOptions = {}): Promise<SyncRunSummary> {
      const o = resolved(overrides);
      const rows = pick(params.target);
      const results = await Promise.all(rows.map((row) => round(row, 'once', o, params.signal).then((r) => ({ row, r }))));
      // A stopped target did not drain; counting after an ingest still says how much waits for it.
      for (const row of rows) outbox.ingest(row.id);
      // The other targets have synced; the caller still hears that one cannot, as an error it can act on.
      const unreadable = rows.filter((row) => !targets.readable(row));
      if (unreadable.length > 0) {
        const names = unreadable.map((row) => row.name);
        throw new ApiError('credentials_unreadable', unreadable.length === 1 ? unreadableMessage(names[0]!) : `the credentials of sync targets ${names.map((n) => `'${n}'`).join(', ')} cannot be read on this station (they were saved with another station key, or damaged); enter them again to sync to them`, { targets: names });
      }
      const perTarget = results.map(({ row, r }) => ({
        target: row.name,
        synced: r.synced,
        counts: deliveries.counts(row.id),
        status: r.status,
        message: r.message,
      }));
      const sum = (f: (t: (typeof perTarget)[number]) => number) => perTarget.reduce((n, t) => n + f(t), 0);
      const summary = {
        targets: perTarget,
        synced: sum((t) => t.synced),
        conflicts: sum((t) => t.counts.conflict),
        errors: sum((t) => t.counts.error),
        pending: sum((t) => t.counts.pending),
      };
      const ok =
        summary.conflicts === 0 &&
        summary.errors === 0 &&
        summary.pending === 0 &&
        perTarget.every((t) => t.status === 'idle' && t.message === null);
      return { ...summary, ok };
    },

    /** Keeps every target drained while the station runs (see background.ts). */
    startBackground(overrides: SyncOptions = {}): { stop(): Promise<void> } {
      const o = resolved(overrides);
      return runBackground({
        targets,
        bus,
        round: (row, signal) => round(row, 'background', o, signal),
        onWake: (w) => {
          wakers.add(w);
          return () => wakers.delete(w);
        },
        now: o.now,
        sleep: o.sleep,
        pollMs: o.pollMs,
        log,
      });
    },

    /**
     * "Test connection". With only a name: the stored target, and a success resumes one stopped by a refused
     * login. With changes: the stored target with them laid over (or a new one), tried without saving anything.
     */
    async test(changes: SyncTargetChanges, overrides: SyncOptions = {}): Promise<SyncTargetTestResult> {
      const o = resolved(overrides);
      const { name, ...rest } = changes;
      const draft = Object.values(rest).some((v) => v !== undefined);
      const row = draft ? null : targets.get(name);
      const input = row ? null : targets.merged(changes);
      const channel = row ? runtimeFor(row, o).channel : channelFor(draftConfig(input!), o);
      const url = row ? row.url : input!.url;
      try {
        if (channel.kind === 'thingsboard') await channel.tb.test();
        else {
          const r = await channel.hook.test(`test-${randomUUID()}`);
          if (r.kind === 'failed') return { ok: false, message: r.failure.message, draft };
        }
      } catch (e) {
        return { ok: false, message: (e as Error).message, draft };
      }
      if (row) {
        if (row.stopped_reason !== null) targets.resume(row.id);
        wake();
      }
      const who = channel.kind === 'thingsboard' ? 'ThingsBoard' : 'The webhook';
      const what = channel.kind === 'thingsboard' ? 'accepted' : 'took a signed test ping with';
      const message = `${who} at ${new URL(url).host} ${what} ${draft ? 'these credentials (not saved yet)' : "this station's credentials"}.`;
      return { ok: true, message, draft };
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;

/**
 * Runs the sync worker in the background of a serving station (headless `serve` or the desktop engine).
 * The engine already holds the service; this starts its loop. `stop()` cancels requests in flight and resolves
 * when the loop has ended; cancelled deliveries are simply sent again next time (look-up-before-create on
 * ThingsBoard, the stored batch and its Idempotency-Key on webhooks).
 */
export function startSyncWorker(engine: { sync: SyncService }, options: SyncOptions = {}): { stop(): Promise<void> } {
  return engine.sync.startBackground(options);
}

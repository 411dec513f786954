import type { SyncTargetStatus } from '../../../shared/sync.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { BatchSettlement } from './batch-forming.ts';
import type { BatchRow, Batches } from './batches.ts';
import type { ChannelResult } from './channel.ts';
import type { Deliveries, DueDevice, Outcome } from './deliveries.ts';
import type { OutboxReader } from './outbox-reader.ts';
import type { Snapshots } from './snapshot.ts';
import type { TargetStore } from './targets.ts';
import { type TargetRuntime, targetAnswers, verdictOf } from './target-runtime.ts';
import type { TelemetryFeed } from './tb-channel.ts';
import { type TelemetryReader, readTelemetry } from './telemetry.ts';

// One round of draining one target: keep up to `concurrency` deliveries in flight (ThingsBoard: one device each;
// webhook: one batch each), never two for the same device, record what each led to, and stop when nothing is due.
// Per device, entries go in outbox order because a device is only ever in one delivery at a time and a delivery
// carries all of its entries up to the newest. Everything that must survive a crash is in SQLite.

export interface DrainDeps {
  targets: TargetStore;
  outbox: OutboxReader;
  deliveries: Deliveries;
  batches: Batches;
  snapshots: Snapshots;
  telemetry: TelemetryReader;
  log: (line: string) => void;
  /**
   * Runs `work` in one database transaction (nested ones become savepoints): a pass records what came back and
   * forms the next batches with one commit, one fsync, instead of one per batch formed and one per batch confirmed.
   */
  atomically: <T>(work: () => T) => T;
  /**
   * Webhook batches formed and recorded on the writer thread (batch-forming.ts syncJobs), each resolving once its
   * transaction committed: their SQL, bodies and fsyncs stay off this event loop, which sends them.
   */
  webhookJobs: WebhookJobs;
}

export interface WebhookJobs {
  form(targetId: number, now: number, size: number, count: number): Promise<BatchRow[]>;
  settle(targetId: number, settlements: BatchSettlement[]): Promise<void>;
}

export interface DrainOptions {
  /** once: wait for retries up to `maxWaitMs`, give up at once when offline. background: never wait inside a round. */
  mode: 'once' | 'background';
  concurrency: number;
  /** Devices per webhook batch. */
  batchSize: number;
  backoff: BackoffPolicy;
  /** Offline probes back off with this policy. */
  probeBackoff: BackoffPolicy;
  maxWaitMs: number;
  /** Once mode: a device that failed this many times in one run waits for the next run. */
  maxTriesPerRun: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  signal?: AbortSignal;
  /** After each batch of recorded outcomes. */
  onProgress?: (synced: number) => void;
  /** Called on every pass (renews the target's lease when due). */
  keepAlive?: () => void;
}

export interface RoundResult {
  synced: number;
  status: SyncTargetStatus;
  message: string | null;
  /** When something becomes due next (background mode sleeps until then); null when nothing waits. */
  nextAt: number | null;
}

type Work = { key: string; run: () => Promise<void> };

const FLUSH_EVERY = 32;
const FLUSH_MS = 250;
/** Due devices read per query; the round works through them before asking again. */
const DUE_CHUNK = 64;

export async function drainRound(deps: DrainDeps, rt: TargetRuntime, o: DrainOptions): Promise<RoundResult> {
  const { deliveries, batches, outbox, snapshots, telemetry } = deps;
  const id = rt.targetId;
  const inflight = new Map<string, Promise<void>>();
  const busyDevices = new Set<number>();
  const busyBatches = new Set<number>();
  const tries = new Map<number, number>();
  const batchTries = new Map<number, number>();
  /** Due devices already read, not yet launched (all outside `busyDevices`). */
  let queue: DueDevice[] = [];
  /**
   * Webhook batches formed (and committed) in this round, not yet launched. Until it is empty, the round neither
   * reads open batches nor forms new ones, so none of these is ever picked twice.
   */
  const formed: BatchRow[] = [];
  let results: Array<{ deviceId: number; outcome: Outcome }> = [];
  /** Webhook batches answered, not yet recorded: settled at the start of the next pass, in its transaction. */
  let answered: Array<{ batchId: number; settlement: BatchSettlement | null }> = [];
  const jobs = deps.webhookJobs;
  /** Writer-thread jobs not yet back: a form (at most one at a time) and settlements. */
  const pendingJobs = new Set<Promise<void>>();
  let forming: Promise<void> | null = null;
  /** False once a form job found nothing due; true again when something may have become due. */
  let mayForm = true;
  const track = (job: Promise<void>) => {
    const tracked = job.finally(() => pendingJobs.delete(tracked));
    pendingJobs.add(tracked);
    return tracked;
  };
  /** Devices confirmed in this round, each counted once (a long telemetry history confirms a device in parts). */
  const confirmedDevices = new Set<number>();
  let synced = 0;
  const confirmedOne = (deviceId: number) => {
    confirmedDevices.add(deviceId);
    synced = confirmedDevices.size;
  };

  let flushedAt = o.now();
  /**
   * Records outcomes. Batched (one transaction, one fsync, for up to FLUSH_EVERY devices or FLUSH_MS): a crash
   * before the flush only means those devices are sent again next time, which the targets answer idempotently.
   */
  let settledAt = o.now();
  const flush = (force = false) => {
    settleAnswered(force);
    if (results.length === 0) return;
    if (!force && results.length < FLUSH_EVERY && inflight.size > 0 && o.now() - flushedAt < FLUSH_MS) return;
    flushedAt = o.now();
    const done = results;
    results = [];
    deliveries.apply(id, done);
    // Only now may these devices be picked again: the database says what happened to them.
    for (const r of done) busyDevices.delete(r.deviceId);
    o.onProgress?.(synced);
  };

  /**
   * Records answered batches. Until then a batch stays busy (never sent again in this round) and its devices stay
   * claimed by it; a crash before this only means the batch is sent again, under its key, which receivers dedupe.
   */
  const settleAnswered = (force: boolean) => {
    if (answered.length === 0) return;
    if (!force && answered.length < o.concurrency && inflight.size > 0 && o.now() - settledAt < FLUSH_MS) return;
    settledAt = o.now();
    const done = answered;
    answered = [];
    const settlements = done.flatMap((a) => (a.settlement ? [a.settlement] : []));
    const settled = () => {
      for (const a of done) busyBatches.delete(a.batchId);
      o.onProgress?.(synced);
    };
    // Only deferred answers (offline, stopped): nothing to record, no writer job for it.
    if (settlements.length === 0) return settled();
    // Until the writer committed them, these batches stay busy and their devices claimed: a crash before only means
    // they are sent again under their keys. If the job fails they stay so for this round (the next one resends).
    track(
      jobs.settle(id, settlements).then(
        () => {
          settled();
          mayForm = true; // a device confirmed in part (long telemetry) is due again
        },
        (e: unknown) => deps.log(`sync: ${rt.name}: could not record answered batches: ${(e as Error)?.message ?? e}`),
      ),
    );
  };

  const answers = targetAnswers(deps, rt, o);
  const outcomeOf = answers.outcomeOf;

  /** The device's telemetry from where the target's confirmations got to; each confirmed chunk is recorded at once. */
  const feedOf = (due: DueDevice): TelemetryFeed => {
    let acked = due.telemetryAcked;
    return {
      read: (limit) => readTelemetry(telemetry, due.deviceId, acked, due.telemetryWanted, limit),
      delivered: (through) => {
        if (through <= acked) return;
        acked = through;
        deliveries.telemetryDelivered(id, due.deviceId, through);
      },
    };
  };

  const unexpected = (e: unknown): ChannelResult => {
    deps.log(`sync: ${rt.name}: unexpected error: ${(e as Error)?.stack ?? String(e)}`);
    return {
      kind: 'failed',
      failure: { kind: 'fatal', cause: 'unexpected', message: `Fieldstation hit an unexpected error: ${(e as Error)?.message ?? e}` },
    };
  };

  /** ThingsBoard: one device per delivery. */
  function deviceWork(due: DueDevice): Work | null {
    const device = snapshots.get(due.deviceId);
    if (!device) return null; // deleted meanwhile; its row went with it (ON DELETE CASCADE)
    const tb = rt.channel.kind === 'thingsboard' ? rt.channel.tb : null;
    if (!tb) return null;
    busyDevices.add(due.deviceId);
    return {
      key: `d${due.deviceId}`,
      run: async () => {
        // Nothing new but telemetry, and the cloud has the device: straight to its timeseries.
        const telemetryOnly = due.wantedThrough <= due.ackedThrough && due.cloudId !== null;
        const r = await tb
          .deliver(device, {
            ...(o.signal ? { signal: o.signal } : {}),
            ...(telemetryOnly && due.cloudId !== null ? { telemetryOnlyTo: due.cloudId } : {}),
            telemetry: feedOf(due),
          })
          .catch(unexpected);
        // A confirmed delivery is no failed try, even if a long telemetry history makes the device come back.
        if (r.kind !== 'confirmed') tries.set(due.deviceId, (tries.get(due.deviceId) ?? 0) + 1);
        const outcome = outcomeOf(r, due.wantedThrough, due.attempts);
        if (outcome.kind === 'confirmed') confirmedOne(due.deviceId);
        results.push({ deviceId: due.deviceId, outcome });
      },
    };
  }

  /** Webhook: a stored batch, sent (again) under its key. */
  function batchWork(batch: BatchRow): Work | null {
    const hook = rt.channel.kind === 'webhook' ? rt.channel.hook : null;
    if (!hook) return null;
    busyBatches.add(batch.id);
    return {
      key: `b${batch.id}`,
      run: async () => {
        const r = await hook.send(batch, o.signal).catch(unexpected);
        batchTries.set(batch.id, (batchTries.get(batch.id) ?? 0) + 1);
        const outcome = outcomeOf(r, 0, batch.attempts);
        if (outcome.kind === 'confirmed') for (const [deviceId] of batch.covers) confirmedOne(deviceId);
        const verdict = verdictOf(outcome);
        const answer = { id: batch.id, covers: batch.covers, attempts: batch.attempts };
        answered.push({ batchId: batch.id, settlement: verdict ? { batch: answer, verdict, at: o.now() } : null });
      },
    };
  }

  /** Asks the writer thread for up to `count` new batches; they join `formed` once committed. */
  const formOnWriter = (now: number, count: number) => {
    forming = track(
      jobs.form(id, now, o.batchSize, count).then(
        (rows) => {
          formed.push(...rows);
          if (rows.length === 0) mayForm = false;
        },
        (e: unknown) => {
          mayForm = false;
          deps.log(`sync: ${rt.name}: could not form a batch: ${(e as Error)?.message ?? e}`);
        },
      ),
    ).finally(() => {
      forming = null;
    });
  };

  const exhausted = () => {
    const out = new Set(busyDevices);
    if (o.mode === 'once') for (const [d, n] of tries) if (n >= o.maxTriesPerRun) out.add(d);
    return out;
  };

  const spentBatches = () => {
    const out = new Set(busyBatches);
    if (o.mode === 'once') for (const [b, n] of batchTries) if (n >= o.maxTriesPerRun) out.add(b);
    return out;
  };

  /** The deliveries to start now; started by the caller once the pass's transaction has committed. */
  function launch(now: number): Work[] {
    const limit = rt.offline ? 1 : o.concurrency; // offline: one delivery is the probe
    const launched: Work[] = [];
    while (inflight.size + launched.length < limit) {
      let work: Work | null = null;
      if (rt.channel.kind === 'thingsboard') {
        if (queue.length === 0) queue = deliveries.due(id, now, DUE_CHUNK, exhausted());
        const due = queue.shift();
        if (!due) break;
        work = deviceWork(due);
        if (!work) {
          // Vanished device: settle it so it is not picked forever.
          results.push({ deviceId: due.deviceId, outcome: { kind: 'confirmed', through: due.wantedThrough, cloudId: null } });
          busyDevices.add(due.deviceId);
          continue;
        }
      } else {
        // Batches this round formed are sent from memory; reading them back (bodies of 100 devices) cost as much as
        // forming them. The database is asked only for the others: retries and batches left open by an earlier run.
        // While a form job runs, its batches may be committed already: reading open batches could pick one twice.
        const open = formed.shift() ?? (forming ? undefined : batches.due(id, now, 1, spentBatches())[0]);
        if (!open) {
          if (!forming && mayForm) formOnWriter(now, limit);
          break;
        }
        work = batchWork(open);
      }
      if (!work) break;
      launched.push(work);
    }
    // Pipelined: the next set is formed on the writer while this one is sent, so a freed slot finds a batch ready.
    if (rt.channel.kind === 'webhook' && !rt.offline && formed.length === 0 && !forming && mayForm && launched.length > 0) {
      formOnWriter(now, limit);
    }
    return launched;
  }

  const blockedUntil = (now: number): number | null => {
    const until = Math.max(rt.holdUntil, rt.offline?.probeAt ?? 0);
    return until > now ? until : null;
  };

  const nextDue = (): number | null => {
    const times = [deliveries.nextDueAt(id), rt.channel.kind === 'webhook' ? batches.nextDueAt(id) : null].filter(
      (t): t is number => t !== null,
    );
    return times.length ? Math.min(...times) : null;
  };

  if (rt.channel.kind === 'thingsboard') rt.channel.tb.startRound();
  let status: SyncTargetStatus = 'idle';
  let message: string | null = null;
  let nextAt: number | null = null;
  // Bounded: every pass either launches work, waits for work in flight, sleeps toward a due time, or ends.
  for (let pass = 0; pass < 10_000_000; pass += 1) {
    const now = o.now();
    let blocked: number | null = null;
    const pass = () => {
      flush();
      o.keepAlive?.();
      if (o.signal?.aborted || answers.stopped() !== null) return null;
      if (outbox.ingest(id, now) > 0) mayForm = true;
      blocked = blockedUntil(now);
      return blocked === null ? launch(now) : [];
    };
    // A ThingsBoard pass records what came back in one transaction here. A webhook round's batches and claims are
    // committed by the writer before any is sent, and its pass writes little (each write its own transaction):
    // holding the write lock for the whole pass would only make this thread wait for the writer's commits.
    const started = rt.channel.kind === 'webhook' ? pass() : deps.atomically(pass);
    if (started === null) break;
    for (const w of started) inflight.set(w.key, w.run().finally(() => inflight.delete(w.key)));
    if (inflight.size > 0 || pendingJobs.size > 0) {
      await Promise.race([...inflight.values(), ...pendingJobs]);
      continue;
    }
    const due = nextDue();
    const wakeAt = blocked ?? due;
    if (wakeAt === null) break; // everything delivered, in conflict or in error
    if (wakeAt <= now) {
      // Due work exists but none could be launched: all of it used up its tries for this run.
      nextAt = wakeAt;
      break;
    }
    if (o.mode === 'background' || (rt.offline && o.mode === 'once') || wakeAt - now > o.maxWaitMs) {
      nextAt = wakeAt;
      break;
    }
    await o.sleep(wakeAt - now, o.signal);
    mayForm = true;
  }
  await Promise.allSettled(inflight.values());
  flush(true);
  // Settlements (and a form whose batches stay open, due at once, for the next round) committed before the round ends.
  while (pendingJobs.size > 0) await Promise.allSettled([...pendingJobs]);
  const stopped = answers.stopped();
  if (stopped !== null) {
    status = 'stopped';
    message = stopped;
  } else if (rt.offline) {
    status = 'offline';
    message = rt.offline.message;
  }
  return { synced, status, message, nextAt };
}

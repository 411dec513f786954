import { type BackoffPolicy, fullJitter, retryDelay } from './backoff.ts';
import type { BatchVerdict } from './batch-forming.ts';
import type { ChannelResult } from './channel.ts';
import type { Outcome } from './deliveries.ts';
import { failureCause, type TargetFailure } from './http-errors.ts';
import type { TargetStore } from './targets.ts';
import type { ThingsBoardChannel } from './tb-channel.ts';
import type { WebhookChannel } from './webhook.ts';

/** In-memory state of a target that outlives a round (kept by the worker, changed by its answers). */
export interface TargetRuntime {
  targetId: number;
  name: string;
  channel: { kind: 'thingsboard'; tb: ThingsBoardChannel } | { kind: 'webhook'; hook: WebhookChannel };
  /** 429: nothing is sent to this target before this time. */
  holdUntil: number;
  rateLimitStreak: number;
  /** The target could not be reached: probe (one delivery) at `probeAt`. */
  offline: { since: number; probeAt: number; probes: number; message: string } | null;
}

// What a target's answer means, for the delivery and for the target as a whole (drain.ts): a rate limit holds every
// request to the target, an unreachable target is probed with backoff, refused credentials stop it until a person
// acts; a device or batch is confirmed, retried later, or left for a person (conflict, error).

export interface AnswerOptions {
  backoff: BackoffPolicy;
  /** Offline probes back off with this policy. */
  probeBackoff: BackoffPolicy;
  now: () => number;
  random: () => number;
  signal?: AbortSignal;
}

export interface TargetAnswers {
  /** The delivery's outcome (`through`: the newest outbox entry it carried; `attempts`: its tries before this one). */
  outcomeOf(r: ChannelResult, through: number, attempts: number): Outcome;
  /** Why the target was stopped in this round (refused credentials); null while it was not. */
  stopped(): string | null;
}

export function targetAnswers(
  deps: { targets: TargetStore; log: (line: string) => void },
  rt: TargetRuntime,
  o: AnswerOptions,
): TargetAnswers {
  const { targets } = deps;
  const id = rt.targetId;
  let stopped: string | null = null;

  /** What a failure means for the target as a whole; returns the device's outcome. */
  const onFailure = (f: TargetFailure, attempts: number): Outcome => {
    const now = o.now();
    if (o.signal?.aborted) return { kind: 'deferred' };
    switch (f.kind) {
      case 'retryable': {
        if (f.status === 429) {
          // A rate limit is the tenant's, not the device's: hold every request to this target.
          const wait = f.retryAfterMs ?? fullJitter(rt.rateLimitStreak, o.backoff, o.random);
          rt.rateLimitStreak += 1;
          rt.holdUntil = Math.max(rt.holdUntil, now + Math.min(wait, o.backoff.capMs));
          return { kind: 'retry', message: f.message, nextAt: rt.holdUntil };
        }
        return { kind: 'retry', message: f.message, nextAt: now + retryDelay(attempts, f.retryAfterMs, o.backoff, o.random) };
      }
      case 'offline':
        if (!rt.offline) {
          deps.log(`sync: ${rt.name}: ${f.message} Waiting for the connection to come back.`);
          targets.setOffline(id, now);
          rt.offline = { since: now, probeAt: now, probes: 0, message: f.message };
        }
        rt.offline.message = f.message;
        rt.offline.probeAt = now + fullJitter(rt.offline.probes, o.probeBackoff, o.random) + o.probeBackoff.baseMs;
        rt.offline.probes += 1;
        return { kind: 'deferred' };
      case 'auth':
        if (stopped === null) {
          stopped = f.message;
          targets.stop(id, f.message);
          deps.log(`sync: ${rt.name} stopped: ${f.message}`);
        }
        return { kind: 'deferred' };
      case 'conflict':
        return { kind: 'conflict', message: f.message, detail: null, cause: failureCause(f) };
      case 'missing-profile':
      case 'fatal':
        return { kind: 'error', message: f.message, cause: failureCause(f) };
    }
  };

  const onReached = () => {
    rt.rateLimitStreak = 0;
    if (rt.offline) {
      deps.log(`sync: ${rt.name} is reachable again.`);
      targets.setOffline(id, null);
      rt.offline = null;
    }
  };

  return {
    outcomeOf(r, through, attempts) {
      if (r.kind === 'failed') return onFailure(r.failure, attempts);
      onReached();
      if (r.kind === 'conflict') return { kind: 'conflict', message: r.message, detail: r.detail, cause: r.cause };
      return {
        kind: 'confirmed',
        through,
        cloudId: r.cloudId,
        ...(r.telemetryThrough === undefined ? {} : { telemetryThrough: r.telemetryThrough }),
      };
    },
    stopped: () => stopped,
  };
}

/** What a webhook batch's outcome leads to for its devices; null when it records nothing (deferred). */
export function verdictOf(outcome: Outcome): BatchVerdict | null {
  switch (outcome.kind) {
    case 'confirmed':
      return { kind: 'confirmed' };
    case 'retry':
      return { kind: 'retry', message: outcome.message, nextAt: outcome.nextAt };
    case 'error':
    case 'conflict':
      return { kind: 'refused', message: outcome.message, cause: outcome.cause };
    case 'deferred':
      return null;
  }
}

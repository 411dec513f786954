import { createHmac } from 'node:crypto';
import type { WebhookBatch, WebhookPing } from '../../../shared/sync.ts';
import { version } from '../paths.ts';
import type { ChannelResult } from './channel.ts';
import { classifyNetworkError, failureForStatus, parseRetryAfter } from './http-errors.ts';
import { type TelemetryRow, toPoints } from './telemetry.ts';

// A webhook as a sync target: signed JSON batches POSTed to the customer's URL.
//
// Signature (the receiver checks it with a few lines of node:crypto, see the sync tests' receiver):
//   X-Fieldstation-Timestamp: <Unix seconds>
//   X-Fieldstation-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
// The timestamp is inside the signed material, so a captured request cannot be replayed later with a fresh
// timestamp (the scheme Stripe and Slack use). Idempotency-Key names the batch: every retry of a batch, also after a
// crash, carries the same key and byte-identical body. Answers: 2xx or 409 (already had it) confirm the batch;
// 408, 429 and 5xx are retried (Retry-After honoured); 401/403 stop the target; other 4xx refuse the batch.

export const SIGNATURE_HEADER = 'X-Fieldstation-Signature';
export const TIMESTAMP_HEADER = 'X-Fieldstation-Timestamp';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A device's telemetry in a batch (only devices with rows): rows after `after`, up to `through` (telemetry.ts readTelemetry). */
export interface WebhookTelemetryRows {
  device: string;
  after: number;
  through: number;
  rows: TelemetryRow[];
}

/**
 * The batch body (shared/sync.ts WebhookBatch), from its events as JSON text (webhook-events.ts). Built once and
 * stored: a retry sends these very bytes.
 */
export function webhookBody(batchKey: string, events: readonly string[], telemetry: readonly WebhookTelemetryRows[]): string {
  const points: NonNullable<WebhookBatch['telemetry']> = telemetry.map((t) => ({ device: t.device, after: t.after, through: t.through, points: toPoints(t.rows) }));
  return `{"type":"fieldstation.sync","batch":${JSON.stringify(batchKey)},"events":[${events.join(',')}],"telemetry":${JSON.stringify(points)}}`;
}

export interface WebhookChannelOptions {
  url: string;
  secret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export function createWebhookChannel(options: WebhookChannelOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const now = options.now ?? Date.now;
  const where = `the webhook at ${new URL(options.url).host}`;

  async function post(key: string, body: string, signal?: AbortSignal): Promise<ChannelResult> {
    const timestamp = String(Math.floor(now() / 1000));
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `Fieldstation/${version}`,
          'Idempotency-Key': key,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(options.secret, timestamp, body),
        },
        body,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        // A redirected POST would be replayed as a GET by fetch; a redirect means the URL setting is wrong.
        redirect: 'manual',
      });
      text = await res.text();
    } catch (e) {
      return { kind: 'failed', failure: classifyNetworkError(e, where, timeoutMs) };
    }
    if ((res.status >= 200 && res.status < 300) || res.status === 409) return { kind: 'confirmed', cloudId: null };
    const said = text.trim().slice(0, 200);
    const reason = `${where} answered ${res.status}${said ? `: ${said}` : ''}`;
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location') ?? 'another address';
      return { kind: 'failed', failure: { kind: 'fatal', status: res.status, message: `${where} redirects to ${to}; use that address: Edit the target on the Sync screen (or run fieldstation sync target edit --name NAME --url ${to}).` } };
    }
    if (res.status === 401 || res.status === 403) {
      return {
        kind: 'failed',
        failure: { kind: 'auth', status: res.status, message: `${reason}. Check that the receiver uses the same secret as this target.` },
      };
    }
    return { kind: 'failed', failure: failureForStatus(res.status, reason, parseRetryAfter(res.headers.get('retry-after'), now())) };
  }

  return {
    send: (batch: { key: string; body: string }, signal?: AbortSignal) => post(batch.key, batch.body, signal),
    /** "Test connection": a signed batch without events, under a fresh key. */
    async test(key: string, signal?: AbortSignal): Promise<ChannelResult> {
      const ping: WebhookPing = { type: 'fieldstation.test', batch: key, events: [] };
      return post(key, JSON.stringify(ping), signal);
    },
  };
}

export type WebhookChannel = ReturnType<typeof createWebhookChannel>;

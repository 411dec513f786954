import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookBatch, WebhookPing } from '../../shared/sync.ts';

// A customer's webhook endpoint, for tests: checks Fieldstation's signature with plain node:crypto (what the docs
// tell receivers to do), deduplicates by Idempotency-Key, and can be told to fail in the ways real ones do.

/** The whole check a receiver needs: HMAC-SHA256 over "timestamp.body", compared in constant time. */
export function verifySignature(
  secret: string,
  timestamp: string,
  rawBody: string | Uint8Array,
  header: string,
  nowSec = Date.now() / 1000,
): boolean {
  if (Math.abs(nowSec - Number(timestamp)) > 300) return false; // five minutes, against replays
  // The raw bytes as they came (a Buffer needs no decoding first), after "timestamp.".
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ReceivedRequest {
  key: string;
  timestamp: string;
  signature: string;
  body: string;
  valid: boolean;
  /** What the receiver did with it. */
  answered: number | 'dropped';
}

export type Misbehaviour =
  /** Answer this status without processing (e.g. 500, 503, 429). */
  | { type: 'status'; status: number; retryAfter?: string }
  /** Process the batch, then drop the connection: the sender cannot know it arrived. */
  | { type: 'dropAfterProcessing' };

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Events by id, each stored once however often it was sent. */
  events: Map<number, { kind: string; device: Record<string, unknown> }>;
  /** Event ids in the order they were first processed. */
  order: number[];
  /** Telemetry by device name, then `${key}@${ts}`: stored once per point, like ThingsBoard. */
  telemetry: Map<string, Map<string, unknown>>;
  /** Telemetry values received in processed batches, repeats included. */
  telemetryReceived: number;
  /** Next requests misbehave in this order. */
  plan: Misbehaviour[];
  /** Signed "Test connection" pings acknowledged. */
  pings: number;
  until(predicate: (r: WebhookReceiver) => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const changes = new EventEmitter();
  const processed = new Set<string>();
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = {
    requests: [],
    events: new Map(),
    order: [],
    telemetry: new Map(),
    telemetryReceived: 0,
    plan: [],
    pings: 0,
    until(predicate) {
      if (predicate(receiver as WebhookReceiver)) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (!predicate(receiver as WebhookReceiver)) return;
          changes.off('change', check);
          resolve();
        };
        changes.on('change', check);
      });
    },
  };

  const apply = (body: string) => {
    const json = JSON.parse(body);
    // "Test connection" (documented as WebhookPing): acknowledged, nothing stored.
    if (json?.type === 'fieldstation.test') {
      WebhookPing.parse(json);
      receiver.pings += 1;
      return;
    }
    // The documented schema is the contract: a body that does not match it fails the test.
    const batch = WebhookBatch.parse(json);
    for (const e of batch.events) {
      if (receiver.events.has(e.id)) continue;
      receiver.events.set(e.id, { kind: e.kind, device: e.device });
      receiver.order.push(e.id);
    }
    for (const t of batch.telemetry ?? []) {
      const points = receiver.telemetry.get(t.device) ?? new Map<string, unknown>();
      for (const p of t.points) {
        for (const [key, value] of Object.entries(p.values)) {
          points.set(`${key}@${p.ts}`, value);
          receiver.telemetryReceived += 1;
        }
      }
      receiver.telemetry.set(t.device, points);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => String(req.headers[name] ?? '');
    const entry: ReceivedRequest = {
      key: header('idempotency-key'),
      timestamp: header('x-fieldstation-timestamp'),
      signature: header('x-fieldstation-signature'),
      body,
      valid: verifySignature(secret, header('x-fieldstation-timestamp'), body, header('x-fieldstation-signature')),
      answered: 200,
    };
    receiver.requests.push(entry);
    const answer = (status: number, headers: Record<string, string> = {}) => {
      entry.answered = status;
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(status >= 400 ? `status ${status}` : 'ok');
      changes.emit('change');
    };
    if (!entry.valid) return answer(401);
    const misbehave = receiver.plan.shift();
    if (misbehave?.type === 'status') {
      return answer(misbehave.status, misbehave.retryAfter ? { 'Retry-After': misbehave.retryAfter } : {});
    }
    // Idempotency-Key: a batch seen before is acknowledged as such (409) and not applied again.
    if (processed.has(entry.key)) return answer(409);
    processed.add(entry.key);
    apply(body);
    if (misbehave?.type === 'dropAfterProcessing') {
      entry.answered = 'dropped';
      req.socket.destroy();
      changes.emit('change');
      return;
    }
    answer(200);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/fieldstation`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  });
}

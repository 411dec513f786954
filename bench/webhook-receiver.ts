import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { verifySignature } from '../test/support/webhook-receiver.ts';

// The webhook bench's receiver, in a process of its own: in the station's process it took a sixth of the sync's CPU
// and as much of the baseline's, so both figures measured the receiver as much as the sender; a customer's endpoint
// is another machine. Its CPU share (CPU time over wall time) during a run says how close it came to being the
// limit: its ceiling is the rate divided by that share, what it would take with a core of its own.
//
// It does what a lean production endpoint must per batch: read the body, check the signature (HMAC over the raw
// bytes, the tests' verifySignature), apply each Idempotency-Key once, count the batch's distinct events, answer 2xx.
// The tests' receiver (test/support/webhook-receiver.ts) also parses every body and keeps every event; here that
// JSON.parse and the garbage it left were most of the receiver's CPU, and it ran at nine tenths of a core in the
// baseline (issue 13: the row said "receiver-bound"), so the baseline measured the receiver, not the sender.

/** Set in the receiver process's environment; bench/index.ts then serves the receiver instead of running suites. */
export const receiverChildEnv = 'FIELDSTATION_BENCH_WEBHOOK_RECEIVER';

type Ask = { id: number; op: 'fresh' | 'mark' | 'report' | 'bodies' };
export interface ReceiverReport {
  /** Distinct events applied so far (each once, however often sent). */
  events: number;
  requests: number;
  /** CPU time the receiver used since the last mark, as a share of the time passed (1 = one core). */
  busy: number;
}

/** An event in a batch body starts so (webhook.ts webhookBody writes `id` then `kind`); its id follows. */
const eventStart = Buffer.from('{"id":');
const afterId = Buffer.from(',"kind":');

/** Adds the ids of the events in a batch body to `ids`, without parsing the rest of it. */
function collectEventIds(body: Buffer, ids: Set<number>): void {
  for (let at = body.indexOf(eventStart); at !== -1; at = body.indexOf(eventStart, at + eventStart.length)) {
    let i = at + eventStart.length;
    let id = 0;
    for (let c = body[i]!; c >= 0x30 && c <= 0x39; c = body[++i]!) id = id * 10 + (c - 0x30);
    // Anything else (say an attribute named "id" first in its object) is no event.
    if (i > at + eventStart.length && body.compare(afterId, 0, afterId.length, i, i + afterId.length) === 0) ids.add(id);
  }
}

interface LeanReceiver {
  url: string;
  events: Set<number>;
  /** Raw bodies in arrival order, signed or not. */
  bodies: Buffer[];
  close(): Promise<void>;
}

async function startLeanReceiver(secret: string): Promise<LeanReceiver> {
  const applied = new Set<string>();
  const events = new Set<number>();
  const bodies: Buffer[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    bodies.push(body);
    const header = (name: string) => String(req.headers[name] ?? '');
    const answer = (status: number) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status >= 400 ? `status ${status}` : 'ok');
    };
    if (!verifySignature(secret, header('x-fieldstation-timestamp'), body, header('x-fieldstation-signature'))) return answer(401);
    const key = header('idempotency-key');
    if (applied.has(key)) return answer(409);
    applied.add(key);
    collectEventIds(body, events);
    answer(200);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/fieldstation`,
    events,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** In the child: starts the receiver and answers the bench's questions. */
export async function serveReceiverChild(): Promise<void> {
  const secret = process.env[receiverChildEnv]!;
  let receiver = await startLeanReceiver(secret);
  // CPU time, not event-loop busy time: on a loaded machine a descheduled loop counts as busy, and the receiver
  // looked like the limit whenever the other processes ran.
  const sample = () => ({ cpu: process.cpuUsage(), at: performance.now() });
  let mark = sample();
  process.on('message', async (m: Ask) => {
    if (m.op === 'fresh') {
      // A new receiver (empty, new port) in the same, warmed-up process: each station numbers its events from 1.
      await receiver.close();
      receiver = await startLeanReceiver(secret);
      return process.send!({ id: m.id, url: receiver.url });
    }
    if (m.op === 'mark') {
      mark = sample();
      return process.send!({ id: m.id });
    }
    if (m.op === 'bodies') return process.send!({ id: m.id, bodies: receiver.bodies.map((b) => b.toString('utf8')) });
    const report: ReceiverReport = {
      events: receiver.events.size,
      requests: receiver.bodies.length,
      busy: (({ user, system }) => (user + system) / 1000 / (performance.now() - mark.at))(process.cpuUsage(mark.cpu)),
    };
    process.send!({ id: m.id, report });
  });
  process.on('disconnect', () => void receiver.close().then(() => process.exit(0)));
  process.send!({ url: receiver.url });
}

export interface ReceiverProcess {
  /** An empty receiver, in the same process (its JIT warmed by earlier runs); returns its URL. */
  fresh(): Promise<string>;
  /** Starts a measured phase (resets the busy share). */
  mark(): Promise<void>;
  report(): Promise<ReceiverReport>;
  /** Every body received, in arrival order. */
  bodies(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startReceiverProcess(secret: string): Promise<ReceiverProcess> {
  const child: ChildProcess = fork(process.argv[1]!, [], {
    env: { ...process.env, [receiverChildEnv]: secret },
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the webhook receiver process exited (code ${code})`)));
  });
  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  child.on('message', (reply: { id: number }) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  let ids = 0;
  const ask = (op: Ask['op']) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = ++ids;
      pending.set(id, resolve);
      child.send({ id, op } satisfies Ask);
    });
  return {
    fresh: async () => (await ask('fresh')).url as string,
    mark: async () => void (await ask('mark')),
    report: async () => (await ask('report')).report as ReceiverReport,
    bodies: async () => (await ask('bodies')).bodies as string[],
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

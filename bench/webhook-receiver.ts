import { type ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts';

// The webhook bench's receiver (the tests' receiver: signature check, Idempotency-Key dedupe, events stored once by
// id; the schema check left to the tests) in a process of its own. In the station's process it took a sixth of the
// sync's CPU and as much of the baseline's, so both figures measured the receiver as much as the sender; a
// customer's endpoint is another machine. Its CPU share (CPU time over wall time) during a run says how close it came to being the limit: its ceiling is the
// rate divided by that share, what it would take with a core of its own.

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

/** In the child: starts the receiver and answers the bench's questions. */
export async function serveReceiverChild(): Promise<void> {
  const secret = process.env[receiverChildEnv]!;
  let receiver = await startWebhookReceiver(secret, { validate: false });
  // CPU time, not event-loop busy time: on a loaded machine a descheduled loop counts as busy, and the receiver
  // looked like the limit whenever the other processes ran.
  const sample = () => ({ cpu: process.cpuUsage(), at: performance.now() });
  let mark = sample();
  process.on('message', async (m: Ask) => {
    if (m.op === 'fresh') {
      // A new receiver (empty, new port) in the same, warmed-up process: each station numbers its events from 1.
      await receiver.close();
      receiver = await startWebhookReceiver(secret, { validate: false });
      return process.send!({ id: m.id, url: receiver.url });
    }
    if (m.op === 'mark') {
      mark = sample();
      return process.send!({ id: m.id });
    }
    if (m.op === 'bodies') return process.send!({ id: m.id, bodies: receiver.requests.map((r) => r.body) });
    const report: ReceiverReport = {
      events: receiver.events.size,
      requests: receiver.requests.length,
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

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Measures `GET /healthz` on the admin port continuously, every `everyMs`, from a worker thread: its own event loop,
 * so the fuzzer's busy main thread does not delay it. Each station probe is paired with one to a control: a bare
 * Node HTTP server in its own process, doing nothing else. On a shared 2-core machine both slow down together when
 * the CPU is taken by others; only the station slowing down alone means its event loop was blocked.
 */
export interface ProbeSample {
  /** Station /healthz round trip. */
  ms: number;
  /** The control's, measured right after. */
  controlMs: number;
  /** When the station probe was sent (ms since the epoch, performance.timeOrigin + now: comparable across threads). */
  at: number;
}

export interface HealthProbe {
  /** Samples answered since the last call, and failures; resets them. */
  take(): { samples: ProbeSample[]; failures: string[] };
  /** Stops probing until `resume()`; resolves once no probe is in flight. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

// Plain JavaScript evaluated in the worker: the probe runs the same from the bundle and under vitest.
const probeSource = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, controlPort, everyMs, timeoutMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
let stopped = false;
let paused = null; // while paused: the function that resumes the loop
let pausing = false;
parentPort.on('message', (m) => {
  if (m === 'stop') { stopped = true; pausing = false; if (paused) paused(); }
  else if (m === 'pause') pausing = true;
  else if (m === 'resume') { pausing = false; if (paused) paused(); }
});
function get(p) {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const settle = (v) => { if (!settled) { settled = true; clearTimeout(timer); resolve(v); } };
    const timer = setTimeout(() => { req.destroy(); settle({ fail: 'no answer within ' + timeoutMs + ' ms' }); }, timeoutMs);
    const req = http.get({ host: '127.0.0.1', port: p, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => settle(res.statusCode === 200 ? { ms: performance.now() - started, at: performance.timeOrigin + started } : { fail: 'status ' + res.statusCode }));
    });
    req.on('error', (err) => settle({ fail: err.message }));
  });
}
async function loop() {
  while (!stopped) {
    if (pausing) {
      await new Promise((r) => { paused = r; parentPort.postMessage({ paused: true }); });
      paused = null;
      continue;
    }
    const station = await get(port);
    const control = await get(controlPort);
    if (station.fail) parentPort.postMessage({ fail: station.fail });
    else parentPort.postMessage({ ms: station.ms, at: station.at, controlMs: control.ms ?? timeoutMs });
    await new Promise((r) => setTimeout(r, everyMs));
  }
  agent.destroy();
  parentPort.postMessage({ done: true });
}
loop();
`;

const controlSource = `
const server = require('node:http').createServer((req, res) => res.end('{"ok":true}'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startHealthProbe(port: number, everyMs = 20, timeoutMs = 5000): Promise<HealthProbe> {
  const control: ChildProcess = spawn(process.execPath, ['-e', controlSource], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(control.stdout!, 'data')) as [Buffer];
  const controlPort = Number(line.toString().trim());
  const worker = new Worker(probeSource, { eval: true, workerData: { port, controlPort, everyMs, timeoutMs } });
  let samples: ProbeSample[] = [];
  let failures: string[] = [];
  let onPaused: (() => void) | null = null;
  const done = new Promise<void>((resolve) => {
    worker.on('message', (m: { ms?: number; at?: number; controlMs?: number; fail?: string; done?: boolean; paused?: boolean }) => {
      if (m.done) resolve();
      else if (m.paused) onPaused?.();
      else if (m.ms !== undefined) samples.push({ ms: m.ms, controlMs: m.controlMs ?? 0, at: m.at ?? 0 });
      else if (m.fail) failures.push(m.fail);
    });
    worker.on('exit', () => resolve());
  });
  return {
    take() {
      const out = { samples, failures };
      samples = [];
      failures = [];
      return out;
    },
    pause() {
      return new Promise<void>((resolve) => {
        onPaused = resolve;
        worker.postMessage('pause');
      });
    },
    resume() {
      onPaused = null;
      worker.postMessage('resume');
    },
    async stop() {
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2 * timeoutMs);
      await done;
      clearTimeout(timer);
      await worker.terminate();
      control.stdin!.end();
      if (control.exitCode === null) await once(control, 'exit');
    },
  };
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * What the fuzzer preloads into the station child (`NODE_OPTIONS=--require`), so it can measure memory honestly
 * without any test hook in the station itself:
 * - on SIGUSR2 the station runs two full garbage collections and prints `process.memoryUsage()` on stderr. RSS read
 *   from outside at a random moment counts garbage V8 has not collected yet (a burst of 1 MB bodies looks like a
 *   leak until the next major GC); after a forced GC, growth is memory the station still holds.
 * - it watches its own event loop, and reports the hold-ups with the memory.
 * - with a profile path, a CPU profile of the whole run (open it in Chrome DevTools): what blocked the event loop.
 * Plain JavaScript, written next to the station's data directory at start: it runs the same from the bundle.
 */
const marker = 'fuzz-memory-after-gc';
const hookSource = `
const { writeFileSync } = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
// The station's own loop: a 20 ms tick that comes late was held up. CPU time spent meanwhile tells the station's own
// work (CPU close to the lateness) from waiting on the machine (a descheduled process, a slow fsync).
let last = performance.now();
let lastCpu = process.cpuUsage();
let blocks = [];
let maxLagMs = 0;
setInterval(() => {
  const now = performance.now();
  const cpu = process.cpuUsage();
  const lag = now - last - 20;
  if (lag > maxLagMs) maxLagMs = lag;
  if (lag > 100) {
    blocks.push({ at: performance.timeOrigin + last, ms: Math.round(lag), cpuMs: Math.round((cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000) });
    if (blocks.length > 20) blocks = blocks.sort((a, b) => b.ms - a.ms).slice(0, 10); // the largest hold-ups
  }
  last = now;
  lastCpu = cpu;
}, 20).unref();
process.on('SIGUSR2', () => {
  const loop = { maxLagMs: Math.round(maxLagMs), blocks };
  blocks = [];
  maxLagMs = 0;
  gc();
  gc();
  const m = process.memoryUsage();
  process.stderr.write('\\n${marker} ' + JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, loop }) + '\\n');
});
const profile = process.env.FIELDSTATION_FUZZ_CPU_PROFILE;
if (profile) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => { if (!err) writeFileSync(profile, JSON.stringify(result.profile)); });
  });
}
`;

export interface StationHook {
  /** Added to the station's environment. */
  env: Record<string, string>;
  /** Asks the station (pid) to collect garbage and report its memory on `stderr`; null if not within `timeoutMs`. */
  measure(pid: number, stderr: Readable, timeoutMs?: number): Promise<MemoryAfterGc | null>;
}

export interface MemoryAfterGc {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** The station's event loop since the last report: its largest lateness, and each hold-up over 100 ms. */
  loop: { maxLagMs: number; blocks: { at: number; ms: number; cpuMs: number }[] };
}

export function stationHook(dir: string, cpuProfile?: string): StationHook {
  const script = join(dir, 'fuzz-station-hook.cjs');
  writeFileSync(script, hookSource);
  const env: Record<string, string> = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(script)}`.trim() };
  if (cpuProfile) env.FIELDSTATION_FUZZ_CPU_PROFILE = cpuProfile;
  return {
    env,
    measure(pid, stderr, timeoutMs = 10_000) {
      return new Promise((resolve) => {
        let pending = '';
        const done = (m: MemoryAfterGc | null) => {
          clearTimeout(timer);
          stderr.off('data', onData);
          resolve(m);
        };
        const onData = (chunk: Buffer) => {
          pending = (pending + chunk.toString('utf8')).slice(-4096);
          const m = new RegExp(`${marker} (\\{[^\\n]*\\})\\n`).exec(pending);
          if (m) done(JSON.parse(m[1]!) as MemoryAfterGc);
        };
        const timer = setTimeout(() => done(null), timeoutMs);
        stderr.on('data', onData);
        process.kill(pid, 'SIGUSR2');
      });
    },
  };
}

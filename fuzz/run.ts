import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHealthProbe } from './health-probe.ts';
import { Rng } from './rng.ts';
import { checkSentinels } from './sentinel.ts';
import { type FuzzStation, startFuzzStation } from './station.ts';
import { adminWithout, adminWithSecret } from './targets/admin.ts';
import { coap } from './targets/coap.ts';
import { httpDevice } from './targets/http-device.ts';
import { mqttDevice, mqttProvision } from './targets/mqtt.ts';
import type { FuzzInput, Target, Verdict } from './types.ts';

export const allTargets: readonly Target[] = [httpDevice, mqttProvision, mqttDevice, coap, adminWithSecret, adminWithout];

export interface FuzzOptions {
  seed: number;
  /** Inputs in all, spread evenly over the targets. */
  inputs: number;
  /** Inputs per round; the station is checked after each. */
  perRound?: number;
  /** Inputs in flight at once. */
  concurrency?: number;
  /** Only these targets (names). */
  targets?: readonly string[];
  /** Replays one input: `target:index` as a finding printed it. */
  replay?: { target: string; index: number };
  /** /healthz must answer within this, every probe of the run. */
  healthzLimitMs?: number;
  /**
   * The station's RSS after a forced GC may grow at most this much from the end of the first pass over every target
   * to the end of the run; its JavaScript memory (heap used + external, after GC) at most `jsGrowthLimitMb`.
   */
  rssGrowthLimitMb?: number;
  jsGrowthLimitMb?: number;
  /** ... and never exceed this. */
  rssPeakLimitMb?: number;
  /** Writes a CPU profile of the station for the whole run here (Chrome DevTools opens it). */
  cpuProfile?: string;
  log?: (line: string) => void;
}

export interface Finding {
  kind: 'crash' | 'hang' | 'internal' | 'wrong' | 'sentinel' | 'healthz' | 'memory';
  target: string;
  /** The input's index within its target (replay with --seed S --replay target:index); -1 for whole-station checks. */
  index: number;
  summary: string;
  detail: string;
  input: string;
}

export interface TargetTotals {
  inputs: number;
  findings: number;
  classes: Record<string, number>;
  /** The inputs that took longest to be answered (or closed), slowest first: where to look when /healthz is slow. */
  slowest: { index: number; ms: number; summary: string }[];
  /** The largest replies (bytes), largest first: a reply of megabytes is serialised and written on the station's loop. */
  largest: { index: number; bytes: number; summary: string }[];
}

const slowestKept = 5;

/** Keeps the `slowestKept` entries with the largest `measure`, largest first. */
function keepTop<T>(list: T[], entry: T, measure: (e: T) => number): void {
  if (list.length >= slowestKept && measure(entry) <= measure(list.at(-1)!)) return;
  list.push(entry);
  list.sort((a, b) => measure(b) - measure(a));
  list.length = Math.min(list.length, slowestKept);
}

/** One input's exchange, in ms since the epoch: matched against slow /healthz probes. */
interface Span {
  index: number;
  start: number;
  end: number;
  summary: string;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  rounds: number;
  durationMs: number;
  totals: Record<string, TargetTotals>;
  findings: Finding[];
  healthz: { probes: number; maxMs: number; p99Ms: number; controlMaxMs: number; overLimit: number; blocked: number; failures: number; limitMs: number };
  /** After-GC figures, except the peak, which is the largest RSS sampled every 250 ms (garbage included). */
  rss: { startMb: number; warmMb: number; peakMb: number; endMb: number; growthLimitMb: number; peakLimitMb: number; jsWarmMb: number; jsEndMb: number; jsGrowthLimitMb: number };
  sentinels: { checks: number; failures: number; maxMs: number };
  ok: boolean;
}

/** Input `index` of a target for a seed: what `--replay target:index` sends. */
export function describeInput(seed: number, targetName: string, index: number): FuzzInput {
  const target = allTargets.find((t) => t.name === targetName);
  if (!target) throw new Error(`no target ${targetName}; targets are ${allTargets.map((t) => t.name).join(', ')}`);
  return target.generate(new Rng(seed, allTargets.indexOf(target), index));
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const maxFindingsKept = 50;

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {});
  const perRound = options.perRound ?? 1000;
  const concurrency = options.concurrency ?? 16;
  const healthzLimitMs = options.healthzLimitMs ?? 100;
  const growthLimitMb = options.rssGrowthLimitMb ?? 64;
  const peakLimitMb = options.rssPeakLimitMb ?? 400;
  const jsGrowthLimitMb = options.jsGrowthLimitMb ?? 16;
  const targets = allTargets.filter((t) => (options.replay ? t.name === options.replay.target : !options.targets || options.targets.includes(t.name)));
  if (targets.length === 0) throw new Error(`no such target; targets are ${allTargets.map((t) => t.name).join(', ')}`);

  // On tmpfs where there is one: every admin write and provision is an fsync'd SQLite commit on the station's event
  // loop (synchronous = FULL, by design), and on a disk shared with other work one fsync took 10-20 ms and, under
  // load, seconds: /healthz then measured the disk, not how the station handles its inputs. Commit cost on a real
  // disk is what `npm run bench` measures.
  const dataDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'fieldstation-fuzz-'));
  const station = await startFuzzStation(dataDir, { cpuProfile: options.cpuProfile });
  const probe = await startHealthProbe(station.ctx.ports.ui);
  const started = performance.now();
  const findings: Finding[] = [];
  const totals: Record<string, TargetTotals> = Object.fromEntries(targets.map((t) => [t.name, { inputs: 0, findings: 0, classes: {}, slowest: [], largest: [] }]));
  const next: Record<string, number> = Object.fromEntries(targets.map((t) => [t.name, 0]));
  const rss = { start: station.rss(), warm: 0, peak: 0, end: 0, jsWarm: 0, jsEnd: 0 };
  rss.peak = rss.start;
  const rssTimer = setInterval(() => {
    if (station.alive()) rss.peak = Math.max(rss.peak, station.rss());
  }, 250);
  const health = { probes: 0, max: 0, controlMax: 0, over: 0, blocked: 0, failures: 0, all: [] as number[] };
  const sentinels = { checks: 0, failures: 0, maxMs: 0 };
  let findingCount = 0;
  const record = (f: Finding) => {
    findingCount++;
    if (f.target in totals) totals[f.target]!.findings++;
    if (findings.length < maxFindingsKept) findings.push(f);
    log(`FINDING ${f.kind} ${f.target}#${f.index} (seed ${options.seed}): ${f.summary}\n  ${f.detail}`);
  };
  const inputOf = (target: Target, index: number): FuzzInput => describeInput(options.seed, target.name, index);

  let rounds = 0;
  let crashed = false;
  try {
    const total = options.replay ? 1 : options.inputs;
    for (let done = 0; done < total && !crashed; rounds++) {
      const target = targets[rounds % targets.length]!;
      const count = Math.min(perRound, total - done);
      const first = options.replay ? options.replay.index : next[target.name]!;
      next[target.name] = first + count;
      const spans: Span[] = [];
      const roundLargest: { value?: { index: number; bytes: number; summary: string } } = {};
      crashed = await runRound(station, target, first, count, concurrency, inputOf, totals[target.name]!, record, options.seed, spans, roundLargest);
      done += count;
      // Whole-station checks after every round.
      const taken = probe.take();
      let slowest = 0;
      let blocked = 0;
      const suspects = new Map<number, { span: Span; times: number }>();
      for (const { ms, controlMs, at } of taken.samples) {
        health.probes++;
        health.all.push(ms);
        health.max = Math.max(health.max, ms);
        health.controlMax = Math.max(health.controlMax, controlMs);
        slowest = Math.max(slowest, ms);
        if (ms > healthzLimitMs) health.over++;
        // Over the limit while a bare server on the same machine answered fast: the station's loop was blocked.
        if (ms > healthzLimitMs && controlMs < healthzLimitMs / 2) {
          blocked++;
          // The inputs in flight while the probe waited: with --concurrency 1, the one that blocked the loop.
          for (const span of spans) {
            if (span.start < at + ms && span.end > at) suspects.set(span.index, { span, times: (suspects.get(span.index)?.times ?? 0) + 1 });
          }
        }
      }
      const inFlight = [...suspects.values()]
        .sort((a, b) => b.times - a.times || b.span.end - b.span.start - (a.span.end - a.span.start))
        .slice(0, 6)
        .map(({ span }) => `#${span.index} ${(span.end - span.start).toFixed(0)} ms ${span.summary.slice(0, 70)}`);
      health.blocked += blocked;
      health.failures += taken.failures.length;
      if (blocked || taken.failures.length) {
        record({ kind: 'healthz', target: target.name, index: -1, summary: `round ${rounds}: /healthz over ${healthzLimitMs} ms ${blocked} times while the control answered fast (slowest ${slowest.toFixed(0)} ms), ${taken.failures.length} failed`, detail: `${taken.failures.slice(0, 3).join('; ') || 'the station event loop was blocked'}${inFlight.length ? `; in flight then: ${inFlight.join('; ')}` : ''}`, input: '' });
      }
      if (!station.alive()) {
        crashed = true;
        break;
      }
      rss.peak = Math.max(rss.peak, station.rss());
      await probe.pause(); // the forced collection below is the fuzzer's own pause, not the station's
      const after = await station.memoryAfterGc();
      probe.resume();
      const now = after?.rss ?? station.rss();
      if (rounds === targets.length - 1) {
        rss.warm = now;
        rss.jsWarm = after ? after.heapUsed + after.external : 0;
      }
      await station.restore();
      for (const s of await checkSentinels(station.ctx, rounds)) {
        sentinels.checks++;
        sentinels.maxMs = Math.max(sentinels.maxMs, s.ms);
        if (!s.ok) {
          sentinels.failures++;
          record({ kind: 'sentinel', target: target.name, index: -1, summary: `after round ${rounds} (${target.name}), a valid ${s.transport} device`, detail: s.detail, input: '' });
        }
      }
      log(`round ${rounds} ${target.name} #${first}..${first + count - 1}: ${findingCount} findings, after GC RSS ${mb(now)} MB heap ${after ? mb(after.heapUsed) : '?'} MB external ${after ? mb(after.external) : '?'} MB, /healthz max ${slowest.toFixed(1)} ms, station loop late ${after ? `max ${after.loop.maxLagMs} ms${after.loop.blocks.length ? ` (over 100 ms: ${after.loop.blocks.map((b) => `${b.ms} ms with ${b.cpuMs} ms CPU`).join(', ')})` : ''}` : '?'}${roundLargest.value ? `, largest reply ${(roundLargest.value.bytes / 1024).toFixed(0)} KB (#${roundLargest.value.index} ${roundLargest.value.summary.slice(0, 70)})` : ''}`);
    }
  } finally {
    clearInterval(rssTimer);
    await probe.stop();
    const last = station.alive() ? await station.memoryAfterGc() : null;
    rss.end = last?.rss ?? (station.alive() ? station.rss() : 0);
    rss.jsEnd = last ? last.heapUsed + last.external : 0;
    if (crashed) {
      record({ kind: 'crash', target: '-', index: -1, summary: `the station exited (code ${station.serve.process.exitCode}, signal ${station.serve.process.signalCode})`, detail: station.serve.output().slice(-3000), input: '' });
    }
    await station.stop();
  }
  if (rss.warm === 0) rss.warm = rss.end;
  if (rss.jsWarm === 0) rss.jsWarm = rss.jsEnd;
  if (rss.end - rss.warm > growthLimitMb * 2 ** 20 || rss.peak > peakLimitMb * 2 ** 20 || rss.jsEnd - rss.jsWarm > jsGrowthLimitMb * 2 ** 20) {
    record({ kind: 'memory', target: '-', index: -1, summary: `after GC: RSS ${mb(rss.warm)} MB after the first pass, ${mb(rss.end)} MB at the end; JavaScript ${mb(rss.jsWarm)} MB, then ${mb(rss.jsEnd)} MB; RSS peak ${mb(rss.peak)} MB`, detail: `limits: RSS +${growthLimitMb} MB, JavaScript +${jsGrowthLimitMb} MB after the first pass; peak ${peakLimitMb} MB`, input: '' });
  }
  const sorted = health.all.sort((a, b) => a - b);
  const report: FuzzReport = {
    seed: options.seed,
    inputs: Object.values(totals).reduce((s, t) => s + t.inputs, 0),
    rounds,
    durationMs: performance.now() - started,
    totals,
    findings,
    healthz: {
      probes: health.probes,
      maxMs: health.max,
      p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      controlMaxMs: health.controlMax,
      overLimit: health.over,
      blocked: health.blocked,
      failures: health.failures,
      limitMs: healthzLimitMs,
    },
    rss: { startMb: mb(rss.start), warmMb: mb(rss.warm), peakMb: mb(rss.peak), endMb: mb(rss.end), growthLimitMb, peakLimitMb, jsWarmMb: mb(rss.jsWarm), jsEndMb: mb(rss.jsEnd), jsGrowthLimitMb },
    sentinels,
    ok: findingCount === 0,
  };
  if (report.ok) rmSync(dataDir, { recursive: true, force: true });
  else log(`the station's data folder is kept for a look: ${dataDir}`);
  return report;
}

/** Runs inputs first..first+count-1 of one target, `concurrency` at a time. Returns true if the station died. */
async function runRound(
  station: FuzzStation,
  target: Target,
  first: number,
  count: number,
  concurrency: number,
  inputOf: (target: Target, index: number) => FuzzInput,
  totals: TargetTotals,
  record: (f: Finding) => void,
  seed: number,
  spans: Span[],
  roundLargest: { value?: { index: number; bytes: number; summary: string } },
): Promise<boolean> {
  let cursor = first;
  const end = first + count;
  // The last inputs sent: when the station dies, one of these did it.
  const recent: { index: number; input: FuzzInput }[] = [];
  let dead = false;
  async function worker(): Promise<void> {
    while (cursor < end && !dead) {
      const index = cursor++;
      const input = inputOf(target, index);
      recent.push({ index, input });
      if (recent.length > concurrency * 2) recent.shift();
      let verdict: Verdict;
      const started = performance.now();
      try {
        verdict = await input.run(station.ctx);
      } catch (err) {
        verdict = { kind: 'wrong', detail: `the fuzzer's own exchange failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      const ms = performance.now() - started;
      spans.push({ index, start: performance.timeOrigin + started, end: performance.timeOrigin + started + ms, summary: input.summary });
      totals.inputs++;
      keepTop(totals.slowest, { index, ms, summary: input.summary }, (e) => e.ms);
      if (!station.alive()) {
        if (!dead) {
          dead = true;
          for (const r of recent) record({ kind: 'crash', target: target.name, index: r.index, summary: `in flight when the station died: ${r.input.summary}`, detail: `replay: npm run fuzz -- --seed ${seed} --replay ${target.name}:${r.index}`, input: r.input.show() });
        }
        return;
      }
      if (verdict.kind === 'ok' && verdict.bytes !== undefined) {
        keepTop(totals.largest, { index, bytes: verdict.bytes, summary: input.summary }, (e) => e.bytes);
        if (verdict.bytes > (roundLargest.value?.bytes ?? 0)) roundLargest.value = { index, bytes: verdict.bytes, summary: input.summary };
      }
      if (verdict.kind === 'ok') totals.classes[verdict.class] = (totals.classes[verdict.class] ?? 0) + 1;
      else {
        // What the station logged last (a stack trace, for an internal error), to start the diagnosis from.
        const logged = station.serve.output().slice(-1500).trim().split('\n').slice(-12).join('\n    ');
        record({ kind: verdict.kind, target: target.name, index, summary: input.summary, detail: `${verdict.detail}\n  replay: npm run fuzz -- --seed ${seed} --replay ${target.name}:${index}\n  station log, last lines:\n    ${logged}`, input: input.show() });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return dead;
}

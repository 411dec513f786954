import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { startCoapBaseline } from './baselines/coap.ts';
import { startHttpBaseline } from './baselines/http.ts';
import { startMqttBaseline } from './baselines/mqtt.ts';
import type { Baseline } from './baselines/reply.ts';
import { startNullCoap, startNullHttp, startNullMqtt } from './load/null-responders.ts';
import { type LoadPool, startLoadPool } from './load/pool.ts';
import type { LoadFigures, RawProtocol } from './load/types.ts';
import { createWrk, wrkVersion } from './load/wrk.ts';
import { commitLatency, type StationProtocol, startStation } from './provisioning-station.ts';
import { listenOverflows } from './listen-overflows.ts';
import { mainThreadCpuMs, threadCpu } from './thread-cpu.ts';
import type { BenchRow } from './types.ts';

const suite = 'provisioning';
const key = 'bench-key';
const secret = 'bench-secret';
const warmupMs = 1000;
const measureMs = 3000;
/** Bare and station alternate this many times per level, each keeping its best: one slow second of a shared machine should not decide a ratio. */
const rounds = 2;
/** A generator must reach this multiple of the bare server's rate against a null responder, or it is the bottleneck. */
const headroom = 2;
const burstDevices = 5000;
const timeoutMs = 15_000;

/** One way of driving a server: runs `concurrency` devices against `port` and counts only SUCCESS answers. */
interface Generator {
  name: string;
  run(port: number, concurrency: number, namePrefix: string): Promise<LoadFigures>;
}

interface Transport {
  protocol: StationProtocol;
  levels: number[];
  bare: () => Promise<Baseline>;
  nil: () => Promise<Baseline>;
  bareName: string;
}

const transports: Transport[] = [
  { protocol: 'http', levels: [32, 256], bare: startHttpBaseline, nil: startNullHttp, bareName: 'bare node http' },
  { protocol: 'mqtt', levels: [16, 64], bare: startMqttBaseline, nil: startNullMqtt, bareName: 'bare aedes' },
  { protocol: 'coap', levels: [32, 256], bare: startCoapBaseline, nil: startNullCoap, bareName: 'bare node-coap' },
];

/** Which provisioning cases run: all by default; a profile or a before/after comparison picks one or two. */
export interface ProvisioningOptions {
  /** `http:256`, `coap:1`, `mqtt:16`, `burst`: only these cases (a transport's c=1 row is `<transport>:1`). */
  cases?: string[];
  /** The station alone, without the bare server and the null responder: for CPU profiles and old/new comparisons. */
  stationOnly?: boolean;
}

/** `--case http:256 --case coap:1` (or `--case=http:256,coap:1`) and `--station-only` from the bench's arguments. */
export function provisioningOptions(args: string[]): ProvisioningOptions {
  const cases = args.flatMap((arg, i) =>
    arg.startsWith('--case=') ? arg.slice(7).split(',') : args[i - 1] === '--case' ? arg.split(',') : [],
  );
  const known = [...transports.flatMap((t) => [...t.levels, 1].map((c) => `${t.protocol}:${c}`)), 'burst'];
  const unknown = cases.filter((c) => !known.includes(c) && !/^(http|mqtt|coap):\d+$/.test(c));
  if (unknown.length) throw new Error(`unknown provisioning case ${unknown.join(', ')}; cases: ${known.join(', ')}`);
  return { ...(cases.length ? { cases } : {}), stationOnly: args.includes('--station-only') };
}

/**
 * Durable provisioning of a real station (SQLite WAL + synchronous=FULL, group commit) per transport, each figure
 * a ratio to a bare server of that transport measured in the same run, each driven by a generator whose ceiling
 * (against a null responder that answers instantly with canned bytes) is measured in the same run too: a ratio is
 * printed only where that ceiling is at least twice the bare rate, else the row says "generator-bound".
 * HTTP is driven by wrk; MQTT and CoAP by pre-encoded packets on raw sockets from several processes, leaving the
 * server under test alone in this one.
 */
export async function benchProvisioning(options: ProvisioningOptions = {}): Promise<BenchRow[]> {
  const run = randomBytes(3).toString('hex');
  const wanted = (name: string) => options.cases === undefined || options.cases.includes(name);
  const before = commitLatency();
  const pool = await startLoadPool(Math.max(2, cpus().length - 1));
  const rows: BenchRow[] = [];
  try {
    for (const all of transports) {
      const picked = options.cases?.filter((c) => c.startsWith(`${all.protocol}:`)).map((c) => Number(c.split(':')[1]));
      const levels = picked ? picked.filter((c) => c !== 1) : all.levels;
      const latency = picked ? picked.includes(1) : true;
      if (levels.length === 0 && !latency) continue;
      const transport = { ...all, levels, latency };
      const generator = transport.protocol === 'http' ? wrkGenerator() : rawGenerator(pool, transport.protocol);
      if (generator === null) {
        rows.push(skipped('http', 'wrk not found on PATH (Debian: apt install wrk): HTTP rows skipped rather than driven by a weaker generator'));
        continue;
      }
      try {
        rows.push(...(await benchTransport(transport, generator, `${run}-${transport.protocol}`, options.stationOnly === true)));
      } finally {
        generator.close?.();
      }
    }
    if (wanted('burst')) rows.push(await benchBurst(pool, run, options.stationOnly === true));
  } finally {
    await pool.close();
  }
  const after = commitLatency();
  rows.unshift({
    suite,
    case: 'durable commit (context)',
    value: before.p50,
    unit: 'ms',
    note: `one-row SQLite commit, WAL + synchronous=FULL: p50/p99 ${before.p50}/${before.p99} ms before the suite, ${after.p50}/${after.p99} ms after; generator: wrk for HTTP, ${pool.processes} raw-socket processes for MQTT/CoAP`,
  });
  return rows;
}

function wrkGenerator(): (Generator & { close(): void }) | null {
  const version = wrkVersion();
  if (version === null) return null;
  // One thread a core. One thread costs less CPU a request (12 µs against 14.5 on this VM) but sends a station's
  // next requests one after another, so its group commits form smaller batches: in one window on this VM, with one
  // thread the ceiling fell to 1.8–2.1× bare at c=256 and the station ran at c=32 1.6–3.6k/s, with two 2.6–2.9× and 3.6–5.0k/s.
  const wrk = createWrk(Math.max(1, cpus().length));
  const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));
  return {
    name: version,
    async run(port, connections, namePrefix) {
      const warm = await wrk.run({ port, connections, seconds: seconds(warmupMs), namePrefix: `${namePrefix}w`, key, secret });
      const got = await wrk.run({ port, connections, seconds: seconds(measureMs), namePrefix, key, secret });
      return { ...got, totalSucceeded: got.totalSucceeded + warm.totalSucceeded, errors: [...warm.errors, ...got.errors] };
    },
    close: () => wrk.close(),
  };
}

function rawGenerator(pool: LoadPool, protocol: RawProtocol): Generator & { close?(): void } {
  return {
    name: `${pool.processes} raw-socket processes`,
    run: (port, concurrency, namePrefix) =>
      pool.steady({ kind: 'steady', protocol, target: { host: '127.0.0.1', port }, concurrency, warmupMs, measureMs, namePrefix, key, secret, timeoutMs }),
  };
}

async function benchTransport(t: Transport & { latency: boolean }, generator: Generator, prefix: string, stationOnly: boolean): Promise<BenchRow[]> {
  if (stationOnly) return benchStationOnly(t, generator, prefix);
  const nil = await t.nil();
  const bare = await t.bare();
  const station = await startStation(key, secret);
  // The same station without its database: what the durable figure could reach if SQLite and the disk cost nothing.
  const echo = await startStation(key, secret, { echo: true });
  const rows: BenchRow[] = [];
  let serial = 0;
  const name = () => `${prefix}-${serial++}`;
  const durable = async (concurrency: number) => {
    const stored = station.deviceCount();
    const figures = await generator.run(station.port(t.protocol), concurrency, name());
    return { ...figures, stored: station.deviceCount() - stored };
  };
  try {
    for (const c of t.levels) {
      // The null responder takes its turn in every round too, so the ceiling is as much a best-of as the bare rate.
      let ceiling: LoadFigures | null = null;
      let b: LoadFigures | null = null;
      let s: (LoadFigures & { stored: number }) | null = null;
      let e: LoadFigures | null = null;
      for (let round = 0; round < rounds; round++) {
        ceiling = best(ceiling, await generator.run(nil.port, c, name()));
        b = best(b, await generator.run(bare.port, c, name()));
        s = best(s, await durable(c));
        e = best(e, await generator.run(echo.port(t.protocol), c, name()));
      }
      rows.push(throughputRow(t, generator, nil.name ?? 'null responder', c, ceiling!, b!, s!, e!));
    }
    // c=1: a lone device's wait, next to the cost of the one commit it waits on, measured just before.
    if (!t.latency) return rows;
    const commit = commitLatency();
    const floor = await generator.run(nil.port, 1, name());
    const b = await generator.run(bare.port, 1, name());
    const s = await durable(1);
    const e = await generator.run(echo.port(t.protocol), 1, name());
    rows.push({
      suite,
      case: `${t.protocol} c=1 latency p50`,
      value: s.latencyMs.p50,
      unit: 'ms',
      baseline: commit.p50,
      ratio: ratio(s.latencyMs.p50, commit.p50),
      note: `baseline = one-row commit p50 (p99 ${commit.p99} ms) just before; station p99 ${s.latencyMs.p99} ms; ${t.bareName} p50 ${b.latencyMs.p50} ms; generator alone (null responder) p50 ${floor.latencyMs.p50} ms; ${withoutDatabase} p50 ${e.latencyMs.p50} ms${requestOnly(s, commit.p50, b, floor)}${stored(s)}${problems({ station: s, bare: b, null: floor, 'without database': e })}`,
    });
  } finally {
    await echo.close();
    await station.close();
    await bare.close();
    await nil.close();
  }
  return rows;
}

/** The echo station's name in the notes (provisioning-station.ts startStation `echo`). */
const withoutDatabase = 'station without its database (writer answering at once, nothing stored)';

/** Only the station, each level once (c=1 included when asked): no ratios, for profiles and old/new comparisons. */
async function benchStationOnly(t: Transport & { latency: boolean }, generator: Generator, prefix: string): Promise<BenchRow[]> {
  const station = await startStation(key, secret);
  const rows: BenchRow[] = [];
  let serial = 0;
  try {
    for (const c of [...t.levels, ...(t.latency ? [1] : [])]) {
      const before = station.deviceCount();
      const cpu = threadCpu();
      const s = await generator.run(station.port(t.protocol), c, `${prefix}-${serial++}`);
      const figures = { ...s, stored: station.deviceCount() - before };
      const { mainMs, otherMs } = cpu.used();
      const perDevice = (ms: number) => (figures.stored > 0 ? Math.round((ms * 1000) / figures.stored) : Number.NaN);
      rows.push({
        suite,
        case: `${t.protocol} c=${c} (station only)`,
        value: c === 1 ? s.latencyMs.p50 : Math.round(s.rate),
        unit: c === 1 ? 'ms p50' : 'devices/s',
        note: `station p50/p99 ${s.latencyMs.p50}/${s.latencyMs.p99} ms, ${Math.round(s.rate)} devices/s; station CPU a stored device: main thread ${perDevice(mainMs)} µs, its other threads ${perDevice(otherMs)} µs${requestOnly(s)}${stored(figures)}${problems({ station: s })}`,
      });
    }
  } finally {
    await station.close();
  }
  return rows;
}

function throughputRow(
  t: Transport,
  generator: Generator,
  nilName: string,
  c: number,
  ceiling: LoadFigures,
  b: LoadFigures,
  s: LoadFigures & { stored: number },
  echo: LoadFigures,
): BenchRow {
  const bound = ceiling.rate < headroom * b.rate;
  const broken = ceiling.failed > 0;
  const latency = (x: LoadFigures) => `p50/p99 ${x.latencyMs.p50}/${x.latencyMs.p99} ms`;
  const cpu = ceiling.generatorCpuUs === null ? '' : `, ${ceiling.generatorCpuUs} µs generator CPU per device`;
  return {
    suite,
    case: `${t.protocol} c=${c}`,
    value: Math.round(s.rate),
    unit: 'devices/s',
    baseline: Math.round(b.rate),
    ceiling: Math.round(ceiling.rate),
    ...(broken ? { verdict: 'generator errors' } : bound ? { verdict: 'generator-bound' } : { ratio: ratio(s.rate, b.rate) }),
    note:
      `station ${latency(s)}; ${t.bareName} ${latency(b)}; ceiling: ${generator.name} vs ${nilName} = ${(ceiling.rate / b.rate).toFixed(1)}× bare${cpu}; ` +
      `${withoutDatabase}: ${Math.round(echo.rate)}/s = ${ratio(echo.rate, b.rate)} of bare, ${latency(echo)}` +
      `${stored(s)}${problems({ station: s, bare: b, null: ceiling, 'without database': echo })}`,
  };
}

/** Every device of a 5,000-device batch powering on at once, over MQTT: time until the last one has its answer. */
async function benchBurst(pool: LoadPool, run: string, stationOnly: boolean): Promise<BenchRow> {
  const burst = (port: number, namePrefix: string) =>
    pool.burst({ kind: 'burst', protocol: 'mqtt', target: { host: '127.0.0.1', port }, devices: burstDevices, namePrefix, key, secret, timeoutMs: 60_000 });
  const timed = async (start: () => Promise<Baseline>, namePrefix: string) => {
    const server = await start();
    try {
      const cpu = mainThreadCpuMs();
      const overflowsBefore = listenOverflows();
      const figures = await burst(server.port, namePrefix);
      return { ...figures, busyMs: mainThreadCpuMs() - cpu, overflows: overflowsSince(overflowsBefore) };
    } finally {
      await server.close();
    }
  };
  const stationBurst = async (namePrefix: string) => {
    // A fresh station each round: every round's 5,000 devices are new to it, as a batch powering on is.
    const station = await startStation(key, secret);
    try {
      // The generator runs in child processes: this thread's CPU time is the station's main thread (aedes, the
      // hooks, the writer hop; not the writer thread), the figure a shared machine disturbs least.
      const cpu = threadCpu();
      const overflowsBefore = listenOverflows();
      const figures = await burst(station.port('mqtt'), namePrefix);
      const overflows = overflowsSince(overflowsBefore);
      const { mainMs: busyMs, otherMs } = cpu.used();
      return { ...figures, stored: station.deviceCount(), busyMs, otherMs, overflows };
    } finally {
      await station.close();
    }
  };
  // As the steady rows: the three take turns each round and each keeps its fastest clean round. One burst is a few
  // seconds on a shared machine, where one descheduled moment (or a SYN retransmitted after 1 s) can decide it.
  let ceiling: LoadFigures | null = null;
  let b: LoadFigures | null = null;
  let s: (LoadFigures & { stored: number; busyMs: number; otherMs: number }) | null = null;
  const busy: number[] = [];
  const other: number[] = [];
  const bareBusy: number[] = [];
  const overflows = { station: [] as (number | null)[], bare: [] as (number | null)[] };
  for (let round = 0; round < rounds; round++) {
    if (!stationOnly) ceiling = fastest(ceiling, await timed(startNullMqtt, `${run}-burst-null${round}`));
    if (!stationOnly) {
      const got = await timed(startMqttBaseline, `${run}-burst-bare${round}`);
      bareBusy.push(got.busyMs);
      overflows.bare.push(got.overflows);
      b = fastest(b, got);
    }
    const got = await stationBurst(`${run}-burst${round}`);
    busy.push(got.busyMs);
    other.push(got.otherMs);
    overflows.station.push(got.overflows);
    s = fastest(s, got);
  }
  const dropped = listenQueueNote(overflows);
  const mainThread = `; station main-thread CPU ${busy.join('/')} ms in the rounds (${Math.round((Math.min(...busy) * 1000) / burstDevices)} µs a device at best), its other threads (writer, libuv, GC) ${other.join('/')} ms${bareBusy.length ? `, bare aedes's ${bareBusy.join('/')} ms (${Math.round((Math.min(...bareBusy) * 1000) / burstDevices)} µs)` : ''}`;
  if (stationOnly && s) {
    const note = `station alone, the fastest of ${rounds} rounds; ${s.succeeded} SUCCESS; p50/p99 ${s.latencyMs.p50}/${s.latencyMs.p99} ms${mainThread}${dropped}${stored(s, '')}${problems({ station: s })}`;
    return { suite, case: `mqtt burst ${burstDevices} at once (station only)`, value: Math.round(s.durationMs), unit: 'ms', note };
  }
  if (!ceiling || !b || !s) throw new Error('no burst round ran');
  const bound = ceiling.durationMs * headroom > b.durationMs;
  return {
    suite,
    case: `mqtt burst ${burstDevices} at once`,
    value: Math.round(s.durationMs),
    unit: 'ms',
    baseline: Math.round(b.durationMs),
    ceiling: Math.round(ceiling.durationMs),
    ...(ceiling.failed > 0 ? { verdict: 'generator errors' } : bound ? { verdict: 'generator-bound' } : { ratio: ratio(s.durationMs, b.durationMs) }),
    note: `ratio = time / bare aedes time, each the fastest of ${rounds} rounds; ${s.succeeded} SUCCESS; station p50/p99 ${s.latencyMs.p50}/${s.latencyMs.p99} ms; ceiling = the same burst against a null responder (${(b.durationMs / ceiling.durationMs).toFixed(1)}× faster than bare)${mainThread}${dropped}${stored(s, '')}${problems({ station: s, bare: b, null: ceiling })}`,
  };
}

/** A number per round, or nothing where the kernel does not count (not Linux). */
function overflowsSince(before: number | null): number | null {
  const now = listenOverflows();
  return before === null || now === null ? null : now - before;
}

/** The burst rounds' dropped handshakes, so a reader sees which rounds a one-second retry decided. */
function listenQueueNote(overflows: { station: (number | null)[]; bare: (number | null)[] }): string {
  if (overflows.station.every((n) => n === null)) return '';
  const list = (ns: (number | null)[]) => ns.map((n) => n ?? '?').join('/');
  const bare = overflows.bare.length ? `, bare aedes ${list(overflows.bare)}` : '';
  return `; handshakes dropped by a full listen queue (kernel ListenOverflows, whole machine) per round: station ${list(overflows.station)}${bare}`;
}

/**
 * The MQTT c=1 figure spans a whole device: TCP connect, CONNECT/CONNACK, then the request and its answer. A commit
 * is compared with the request alone too, from the PUBLISH sent to the answer read (none for HTTP and CoAP: no handshake).
 */
function requestOnly(s: LoadFigures, commitP50?: number, bare?: LoadFigures, floor?: LoadFigures): string {
  if (!s.requestLatencyMs) return '';
  const r = s.requestLatencyMs;
  const vsCommit = commitP50 ? ` = ${ratio(r.p50, commitP50)}× the commit` : '';
  const others = [bare && `bare ${bare.requestLatencyMs?.p50} ms`, floor && `null responder ${floor.requestLatencyMs?.p50} ms`].filter(Boolean);
  return `; the p50 above includes TCP + CONNECT/CONNACK; request to answer (PUBLISH → /provision/response) p50/p99 ${r.p50}/${r.p99} ms${vsCommit}${others.length ? ` (${others.join(', ')})` : ''}`;
}

function skipped(protocol: string, why: string): BenchRow {
  return { suite, case: `${protocol} (all rows)`, value: Number.NaN, unit: 'devices/s', verdict: 'skipped', note: why };
}

/** The better of two rounds; a round with failures never wins over a clean one. */
function best<T extends LoadFigures>(a: T | null, b: T): T {
  if (a === null) return b;
  if ((a.failed === 0) !== (b.failed === 0)) return a.failed === 0 ? a : b;
  return b.rate > a.rate ? b : a;
}

/** The faster of two bursts; a burst with failures never wins over a clean one. */
function fastest<T extends LoadFigures>(a: T | null, b: T): T {
  if (a === null) return b;
  if ((a.failed === 0) !== (b.failed === 0)) return a.failed === 0 ? a : b;
  return b.durationMs < a.durationMs ? b : a;
}

function ratio(value: number, baseline: number): number {
  return baseline > 0 ? Number((value / baseline).toFixed(3)) : 0;
}

/** Each SUCCESS answer must be a device in the station's database: fewer stored than answered is a lie somewhere. */
function stored(s: LoadFigures & { stored: number }, counted = ' (warm-ups included)'): string {
  if (s.stored < s.totalSucceeded) return `; ONLY ${s.stored} DEVICES STORED FOR ${s.totalSucceeded} SUCCESS ANSWERS`;
  return `; stored ${s.stored} devices for ${s.totalSucceeded} SUCCESS answers${counted}`;
}

/** Every answer that was not a SUCCESS, by side: the figures above count SUCCESS only. */
function problems(sides: Record<string, LoadFigures>): string {
  const parts: string[] = [];
  for (const [who, x] of Object.entries(sides)) {
    const count = x.errors.reduce((n, e) => n + e.count, 0);
    if (count === 0) continue;
    parts.push(`${who.toUpperCase()}: ${count} NOT SUCCESS (${x.errors.slice(0, 3).map((e) => `${e.message} ×${e.count}`).join('; ')})`);
    for (const e of x.errors) console.error(`bench provisioning: ${who} not SUCCESS ×${e.count}: ${e.message}`);
  }
  return parts.length ? `; ${parts.join('; ')}` : '';
}

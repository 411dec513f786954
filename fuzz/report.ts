import type { FuzzReport } from './run.ts';

/** The run as a person reads it: totals per target, the station's health, then every finding with its replay line. */
export function formatReport(r: FuzzReport): string {
  const lines: string[] = [];
  lines.push(`Fieldstation fuzz, seed ${r.seed}: ${r.inputs} inputs in ${r.rounds} rounds, ${(r.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  lines.push(`${'target'.padEnd(16)} ${'inputs'.padStart(7)} ${'findings'.padStart(8)}  answers`);
  for (const [name, t] of Object.entries(r.totals)) {
    const classes = Object.entries(t.classes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    lines.push(`${name.padEnd(16)} ${String(t.inputs).padStart(7)} ${String(t.findings).padStart(8)}  ${classes}`);
  }
  lines.push('');
  lines.push('slowest inputs per target (ms; the exchange waits ~150 ms for a first answer before it half-closes):');
  for (const [name, t] of Object.entries(r.totals)) {
    lines.push(`  ${name}: ${t.slowest.map((s) => `#${s.index} ${s.ms.toFixed(0)} (${s.summary.slice(0, 60)})`).join(', ')}`);
  }
  lines.push('largest replies per target (KB):');
  for (const [name, t] of Object.entries(r.totals)) {
    if (t.largest.length) lines.push(`  ${name}: ${t.largest.map((s) => `#${s.index} ${(s.bytes / 1024).toFixed(0)} (${s.summary.slice(0, 60)})`).join(', ')}`);
  }
  lines.push('');
  const h = r.healthz;
  lines.push(`/healthz: ${h.probes} probes during the run, max ${h.maxMs.toFixed(1)} ms, p99 ${h.p99Ms.toFixed(1)} ms, ${h.failures} failed`);
  lines.push(`  ${h.overLimit} over ${h.limitMs} ms, of which ${h.blocked} while a bare control server answered within ${h.limitMs / 2} ms (control max ${h.controlMaxMs.toFixed(1)} ms)`);
  const m = r.rss;
  lines.push(`station memory after a forced GC: RSS ${m.warmMb} MB after the first pass over every target, ${m.endMb} MB at the end (+${(m.endMb - m.warmMb).toFixed(1)} MB, bound +${m.growthLimitMb} MB);`);
  lines.push(`  JavaScript (heap used + external) ${m.jsWarmMb} MB, then ${m.jsEndMb} MB (+${(m.jsEndMb - m.jsWarmMb).toFixed(1)} MB, bound +${m.jsGrowthLimitMb} MB: 170 bytes kept per input over 100,000 inputs would break it);`);
  lines.push(`  RSS at start ${m.startMb} MB, peak ${m.peakMb} MB sampled with garbage (bound ${m.peakLimitMb} MB)`);
  lines.push(`valid devices after each round: ${r.sentinels.checks - r.sentinels.failures}/${r.sentinels.checks} SUCCESS + telemetry (HTTP, MQTT, CoAP), slowest ${r.sentinels.maxMs.toFixed(0)} ms`);
  const crashes = r.findings.filter((f) => f.kind === 'crash').length;
  const hangs = r.findings.filter((f) => f.kind === 'hang').length;
  lines.push(`crashes: ${crashes}, hangs: ${hangs}, findings in all: ${Object.values(r.totals).reduce((s, t) => s + t.findings, 0) + r.findings.filter((f) => f.target === '-').length}`);
  for (const f of r.findings) {
    lines.push('');
    lines.push(`[${f.kind}] ${f.target}${f.index >= 0 ? `#${f.index}` : ''}: ${f.summary}`);
    lines.push(`  ${f.detail}`);
    if (f.input) lines.push(`  input: ${f.input}`);
  }
  lines.push('');
  lines.push(r.ok ? 'OK: no crash, no hang, no wrong answer, memory bounded.' : 'FAILED: see the findings above.');
  return lines.join('\n');
}

import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { LabelInput } from '../electron/station/labels/layout.ts';
import { renderLabelsPdf } from '../electron/station/labels/pdf.ts';
import { getTemplate, type TemplatesDir } from '../electron/station/labels/templates.ts';
import { zplLabels } from '../electron/station/labels/zpl.ts';
import { CROCKFORD_ALPHABET, encodeTokenPayload } from '../shared/label-payload.ts';
import type { BenchRow } from './types.ts';

const SUITE = 'labels';
const MB = 1024 * 1024;

/** Labels made on the fly (cheap, seeded PRNG) so neither the input array nor crypto shows up in the numbers. */
function* deviceLabels(count: number, seed = 1): Generator<LabelInput> {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % 32;
  };
  const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[next()]).join('');
  for (let i = 0; i < count; i++) {
    yield { payload: encodeTokenPayload(crockford(10), crockford(16)), name: `Sensor ${i + 1}`, serial: `SN-${100_000 + i}`, batch: 'B-42' };
  }
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface PdfRun {
  seconds: number;
  bytes: number;
}

async function pdfRun(count: number, dir: string, templatesDir?: TemplatesDir, onProgress?: () => void): Promise<PdfRun> {
  const file = path.join(dir, `labels-${count}.pdf`);
  const started = performance.now();
  await renderLabelsPdf(getTemplate('avery-5160', templatesDir), deviceLabels(count), createWriteStream(file), { onProgress });
  return { seconds: (performance.now() - started) / 1000, bytes: statSync(file).size };
}

interface MemoryRun {
  baselineRss: number;
  peakRssDelta: number;
  /** Heap still reachable after a full gc, at its highest: what the render holds on to. */
  peakLiveHeapDelta: number;
}

/** A separate, untimed run: collecting garbage after every page would distort the throughput figures. */
async function memoryRun(count: number, dir: string, templatesDir?: TemplatesDir): Promise<MemoryRun> {
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = () => {
    collectGarbage();
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  await pdfRun(count, dir, templatesDir, sample);
  return { baselineRss: baseline.rss / MB, peakRssDelta: (peakRss - baseline.rss) / MB, peakLiveHeapDelta: (peakHeap - baseline.heapUsed) / MB };
}

async function zplRun(count: number, templatesDir?: TemplatesDir): Promise<{ seconds: number; bytes: number }> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const started = performance.now();
  for await (const format of zplLabels(getTemplate('zebra-2x1', templatesDir), deviceLabels(count), { dpi: 203 })) {
    sink.write(format);
  }
  return { seconds: (performance.now() - started) / 1000, bytes };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Label throughput (PDF on avery-5160 to a temp file, ZPL on zebra-2x1 at 203 dpi to a null sink) at 1,000
 * and 10,000 labels once warm, the first (cold) PDF render, and the PDF run's peak memory over the RSS/heap
 * measured just before it.
 * The 10,000-label rows use the 1,000-label figure as baseline: a ratio near 1 means linear time and flat memory.
 * Pass `templatesDir` when running from a bundle.
 */
export async function benchLabels(templatesDir?: TemplatesDir): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-bench-labels-'));
  try {
    // The first render in a process pays for JIT and font loading: what a technician sees on the first print.
    const cold = await pdfRun(1_000, dir, templatesDir);
    await pdfRun(3_000, dir, templatesDir);
    await zplRun(3_000, templatesDir);
    // Each timed render starts from a full collection, so it pays for its own garbage and not for what the suites
    // before it left (the import suite's 100k rows: 9,724 labels/s in a whole run against ~15,000 run alone); the
    // 10,000 row is the faster of two renders, as the burst's is, since this VM moves a single figure by a third.
    collectGarbage();
    const pdf1k = await pdfRun(1_000, dir, templatesDir);
    collectGarbage();
    const first10k = await pdfRun(10_000, dir, templatesDir);
    collectGarbage();
    const second10k = await pdfRun(10_000, dir, templatesDir);
    const pdf10k = first10k.seconds <= second10k.seconds ? first10k : second10k;
    const zpl1k = await zplRun(1_000, templatesDir);
    const zpl10k = await zplRun(10_000, templatesDir);
    const mem1k = await memoryRun(1_000, dir, templatesDir);
    const mem10k = await memoryRun(10_000, dir, templatesDir);
    const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
    const rate = (labels: number, seconds: number) => round(labels / seconds, 0);
    const rows: BenchRow[] = [
      { suite: SUITE, case: 'pdf avery-5160, 1,000 labels, cold (first render)', value: rate(1_000, cold.seconds), unit: 'labels/s', note: `${round(cold.seconds, 2)} s` },
      { suite: SUITE, case: 'pdf avery-5160, 1,000 labels', value: rate(1_000, pdf1k.seconds), unit: 'labels/s', note: `${round(pdf1k.seconds, 2)} s, ${round(pdf1k.bytes / 1_000, 0)} B/label` },
      {
        suite: SUITE,
        case: 'pdf avery-5160, 10,000 labels',
        value: rate(10_000, pdf10k.seconds),
        unit: 'labels/s',
        baseline: rate(1_000, pdf1k.seconds),
        ratio: round(pdf1k.seconds / 1_000 / (pdf10k.seconds / 10_000), 2),
        note: `${round(pdf10k.seconds, 2)} s (the faster of ${round(first10k.seconds, 2)} and ${round(second10k.seconds, 2)} s, each after a full gc), ${round(pdf10k.bytes / MB, 1)} MB file`,
      },
      { suite: SUITE, case: 'zpl zebra-2x1 203 dpi, 1,000 labels', value: rate(1_000, zpl1k.seconds), unit: 'labels/s', note: `${round(zpl1k.bytes / 1_000, 0)} B/label` },
      {
        suite: SUITE,
        case: 'zpl zebra-2x1 203 dpi, 10,000 labels',
        value: rate(10_000, zpl10k.seconds),
        unit: 'labels/s',
        baseline: rate(1_000, zpl1k.seconds),
        ratio: round(zpl1k.seconds / 1_000 / (zpl10k.seconds / 10_000), 2),
      },
      {
        suite: SUITE,
        case: 'pdf 10,000 labels: peak RSS over pre-run baseline',
        value: round(mem10k.peakRssDelta),
        unit: 'MB',
        baseline: round(mem1k.peakRssDelta),
        ratio: mem1k.peakRssDelta >= 1 ? round(mem10k.peakRssDelta / mem1k.peakRssDelta, 2) : undefined,
        note: `pre-run RSS ${round(mem10k.baselineRss, 0)} MB; baseline column: the same for 1,000 labels`,
      },
      {
        suite: SUITE,
        case: 'pdf 10,000 labels: peak live heap over pre-run baseline',
        value: round(mem10k.peakLiveHeapDelta, 2),
        unit: 'MB',
        baseline: round(mem1k.peakLiveHeapDelta, 2),
        ratio: mem1k.peakLiveHeapDelta >= 0.1 ? round(mem10k.peakLiveHeapDelta / mem1k.peakLiveHeapDelta, 2) : undefined,
        note: hasGc ? 'sampled after gc() at every page; baseline column: 1,000 labels' : 'no gc(): includes garbage; run node with --expose-gc',
      },
    ];
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { ErrorCount, LatencySummary } from './types.ts';

/** Latencies and error messages of one phase of a run. */
export interface PhaseStats {
  record(latencyMs: number): void;
  error(message: string): void;
  latency(): LatencySummary;
  errors(limit?: number): ErrorCount[];
}

export function createPhaseStats(): PhaseStats {
  const latencies: number[] = [];
  const errorCounts = new Map<string, number>();
  return {
    record: (ms) => void latencies.push(ms),
    error(message) {
      // Each device has its own source port; counting by the message without it groups the same failure.
      const shape = message.replace(/:\d+\b/g, ':PORT');
      errorCounts.set(shape, (errorCounts.get(shape) ?? 0) + 1);
    },
    latency: () => summarizeLatency(latencies),
    errors: (limit = 5) =>
      [...errorCounts]
        .map(([message, count]) => ({ message, count }))
        .sort((a, b) => b.count - a.count)
        .slice(0, limit),
  };
}

/** Nearest-rank percentiles, in milliseconds rounded to 0.1. */
export function summarizeLatency(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]!) };
}

export function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Per second, over a duration in milliseconds. */
export function ratePerSecond(count: number, durationMs: number): number {
  return durationMs > 0 ? round((count * 1000) / durationMs) : 0;
}

const round = (n: number) => Math.round(n * 10) / 10;

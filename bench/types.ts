/** One printed line of `npm run bench`. A ratio compares `value` with a baseline measured in the same run. */
export interface BenchRow {
  suite: string;
  case: string;
  value: number;
  unit: string;
  baseline?: number;
  /** value / baseline (higher is better unless the unit is a latency or a size). */
  ratio?: number;
  /** What the load generator reaches against a null responder in the same run, in `unit` (provisioning rows). */
  ceiling?: number;
  /** Printed in the ratio column when there is no ratio, saying why: `generator-bound`, `skipped`. */
  verdict?: string;
  note?: string;
}

export type BenchSuite = () => Promise<BenchRow[]>;

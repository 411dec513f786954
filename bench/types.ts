/** One printed line of `npm run bench`. A ratio compares `value` with a baseline measured in the same run. */
export interface BenchRow {
  suite: string;
  case: string;
  value: number;
  unit: string;
  baseline?: number;
  /** value / baseline (higher is better unless the unit is a latency or a size). */
  ratio?: number;
  /**
   * In `unit`, measured in the same run: what the load generator reaches against a null responder (provisioning
   * rows); what the webhook receiver could take, from its busy share during the baseline (webhook row).
   */
  ceiling?: number;
  /** Printed in the ratio column when there is no ratio, saying why: `generator-bound`, `skipped`. */
  verdict?: string;
  note?: string;
}

export type BenchSuite = () => Promise<BenchRow[]>;

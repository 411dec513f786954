import type { Batch } from '../../../shared/batches.ts';
import { formatCount } from './time.tsx';

const parts = ['online', 'provisioned', 'pending'] as const;

/**
 * pending → provisioned → online as one bar: green for online, blue for provisioned, grey for still waiting.
 * The numbers are written beside it; the bar is a picture of them (role img, with the numbers as its name).
 */
export function BatchProgress({ counts, compact = false }: { counts: Batch['counts']; compact?: boolean }) {
  const { total } = counts;
  const done = counts.provisioned + counts.online;
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  const label = `${formatCount(done)} of ${formatCount(total)} provisioned (${formatCount(counts.online)} online), ${formatCount(counts.pending)} pending`;
  return (
    <div className={`batch-progress${compact ? ' is-compact' : ''}`}>
      <div className="state-bar" role="img" aria-label={label}>
        {total > 0 &&
          parts.map((p) => (counts[p] ? <span key={p} className={`state-bar-${p}`} style={{ flexGrow: counts[p] }} /> : null))}
      </div>
      <div className="batch-progress-text">
        <span className="num strong" data-batch-done={done}>
          {formatCount(done)} / {formatCount(total)}
        </span>
        <span className="muted"> provisioned · {percent}%</span>
        {!compact && (
          <span className="batch-progress-legend">
            <span className="legend legend-online">{formatCount(counts.online)} online</span>
            <span className="legend legend-provisioned">{formatCount(counts.provisioned)} provisioned</span>
            <span className="legend legend-pending">{formatCount(counts.pending)} pending</span>
          </span>
        )}
      </div>
    </div>
  );
}

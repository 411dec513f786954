import type { Batch } from '../../../shared/batches.ts';
import { formatCount } from './time.tsx';

const parts = ['handedOver', 'online', 'offline', 'provisioned', 'pending'] as const;
const partClass = { handedOver: 'handed-over', online: 'online', offline: 'offline', provisioned: 'provisioned', pending: 'pending' } as const;

/** Devices of a batch that have their credentials, whatever they did since. */
export function provisionedCount(counts: Batch['counts']): number {
  return counts.provisioned + counts.online + counts.offline + counts.handedOver;
}

/**
 * pending → provisioned → online ⇄ offline → handed over as one bar: grey still waiting, blue provisioned, green
 * online, amber offline, violet handed over. The numbers are written beside it; the bar is a picture of them (role
 * img, with the numbers as its name).
 */
export function BatchProgress({ counts, compact = false }: { counts: Batch['counts']; compact?: boolean }) {
  const { total } = counts;
  const done = provisionedCount(counts);
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  const label =
    `${formatCount(done)} of ${formatCount(total)} provisioned (${formatCount(counts.online)} online, ` +
    `${formatCount(counts.offline)} offline, ${formatCount(counts.handedOver)} handed over), ${formatCount(counts.pending)} pending`;
  return (
    <div className={`batch-progress${compact ? ' is-compact' : ''}`}>
      <div className="state-bar" role="img" aria-label={label}>
        {total > 0 &&
          parts.map((p) =>
            counts[p] ? <span key={p} className={`state-bar-${partClass[p]}`} style={{ flexGrow: counts[p] }} /> : null,
          )}
      </div>
      <div className="batch-progress-text">
        <span className="num strong" data-batch-done={done}>
          {formatCount(done)} / {formatCount(total)}
        </span>
        <span className="muted"> provisioned · {percent}%</span>
        {!compact && (
          <span className="batch-progress-legend">
            <span className="legend legend-online">{formatCount(counts.online)} online</span>
            {counts.offline > 0 && <span className="legend legend-offline">{formatCount(counts.offline)} offline</span>}
            {counts.handedOver > 0 && (
              <span className="legend legend-handed-over">{formatCount(counts.handedOver)} handed over</span>
            )}
            <span className="legend legend-provisioned">{formatCount(counts.provisioned)} provisioned</span>
            <span className="legend legend-pending">{formatCount(counts.pending)} pending</span>
          </span>
        )}
      </div>
    </div>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
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
  const intl = useIntl();
  const label = intl.formatMessage(
    {
      id: 'batch.progress.label',
      defaultMessage:
        '{done, number} of {total, number} provisioned ({online, number} online, {offline, number} offline, {handedOver, number} handed over), {pending, number} pending',
    },
    { done, total, online: counts.online, offline: counts.offline, handedOver: counts.handedOver, pending: counts.pending },
  );
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
        <span className="muted">
          {' '}
          <FormattedMessage
            id="batch.progress.percent"
            defaultMessage="provisioned · {percent, number, percent}"
            values={{ percent: percent / 100 }}
          />
        </span>
        {!compact && (
          <span className="batch-progress-legend">
            <span className="legend legend-online">
              <FormattedMessage id="batch.progress.online" defaultMessage="{count, number} online" values={{ count: counts.online }} />
            </span>
            {counts.offline > 0 && (
              <span className="legend legend-offline">
                <FormattedMessage id="batch.progress.offline" defaultMessage="{count, number} offline" values={{ count: counts.offline }} />
              </span>
            )}
            {counts.handedOver > 0 && (
              <span className="legend legend-handed-over">
                <FormattedMessage
                  id="batch.progress.handedOver"
                  defaultMessage="{count, number} handed over"
                  values={{ count: counts.handedOver }}
                />
              </span>
            )}
            <span className="legend legend-provisioned">
              <FormattedMessage
                id="batch.progress.provisioned"
                defaultMessage="{count, number} provisioned"
                values={{ count: counts.provisioned }}
              />
            </span>
            <span className="legend legend-pending">
              <FormattedMessage id="batch.progress.pending" defaultMessage="{count, number} pending" values={{ count: counts.pending }} />
            </span>
          </span>
        )}
      </div>
    </div>
  );
}

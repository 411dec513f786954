import { defineMessages, FormattedMessage, useIntl } from 'react-intl';
import type { StationStatus } from '../../../../shared/station.ts';
import { useStation } from '../../app/station.tsx';
import { stateLabel } from '../../components/Badges.tsx';
import { formatCount } from '../../components/time.tsx';
import { useSharedLiveQuery } from '../../data/use-live-query.ts';

const states = ['pending', 'provisioned', 'online', 'offline', 'handed-over'] as const;
const hints = defineMessages({
  pending: { id: 'server.counters.pendingHint', defaultMessage: 'added, not provisioned yet' },
  provisioned: { id: 'server.counters.provisionedHint', defaultMessage: 'have credentials, not heard from since' },
  online: { id: 'server.counters.onlineHint', defaultMessage: 'connected, or sent data within their profile’s timeout' },
  offline: { id: 'server.counters.offlineHint', defaultMessage: 'were online, now disconnected or silent' },
  'handed-over': { id: 'server.counters.handedOverHint', defaultMessage: 'moved to their long-term server' },
});

/** Devices by state, kept live (the station's counters are re-read after device events). */
export function DeviceCounters({ status }: { status: StationStatus }) {
  const counts = status.counters.devices;
  const total = states.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  // The Sync screen's own figure (not the outbox, which only grows): one source, so both screens agree.
  const sync = useSharedLiveQuery(useStation().syncStatus).value;
  const intl = useIntl();
  return (
    <section aria-labelledby="counters-title" className="card counters-card">
      <div className="card-header">
        <h2 id="counters-title">
          <FormattedMessage id="server.counters.title" defaultMessage="Devices" />
        </h2>
        <span className="muted">
          <FormattedMessage
            id="server.counters.total"
            defaultMessage="<strong>{total, number}</strong> in total · {profiles, plural, one {# profile} other {# profiles}}"
            values={{ total, profiles: status.counters.profiles, strong: (text) => <strong className="num">{text}</strong> }}
          />
          {sync && (
            <>
              {' · '}
              <a href="#/sync" data-sync-queue={sync.queue}>
                <FormattedMessage
                  id="server.counters.syncQueue"
                  defaultMessage="{count, number} waiting for sync"
                  values={{ count: sync.queue }}
                />
              </a>
            </>
          )}
        </span>
      </div>
      <div
        className="state-bar"
        role="img"
        aria-label={intl.formatList(
          states.map((s) => `${formatCount(counts[s] ?? 0)} ${stateLabel(s)}`),
          { type: 'unit' },
        )}
      >
        {total > 0 &&
          states.map((s) =>
            counts[s] ? <span key={s} className={`state-bar-${s}`} style={{ flexGrow: counts[s] }} /> : null,
          )}
      </div>
      <ul className="stat-list" aria-label={intl.formatMessage({ id: 'server.counters.byState', defaultMessage: 'Devices by state' })}>
        {states.map((s) => (
          <li key={s} className={`stat stat-${s}`}>
            <span className="stat-label">
              <span className="badge-dot" aria-hidden="true" />
              {stateLabel(s)}
            </span>
            <strong className="stat-value num" data-state-count={s}>
              {formatCount(counts[s] ?? 0)}
            </strong>
            <span className="stat-hint">{intl.formatMessage(hints[s])}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

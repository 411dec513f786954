import type { StationStatus } from '../../../../shared/station.ts';
import { useStation } from '../../app/station.tsx';
import { stateLabel } from '../../components/Badges.tsx';
import { formatCount } from '../../components/time.tsx';
import { useSharedLiveQuery } from '../../data/use-live-query.ts';

const states = ['pending', 'provisioned', 'online', 'offline', 'handed-over'] as const;
const hints = {
  pending: 'added, not provisioned yet',
  provisioned: 'have credentials, not heard from since',
  online: 'connected, or sent data within their profile’s timeout',
  offline: 'were online, now disconnected or silent',
  'handed-over': 'moved to their long-term server',
} as const;

/** Devices by state, kept live (the station's counters are re-read after device events). */
export function DeviceCounters({ status }: { status: StationStatus }) {
  const counts = status.counters.devices;
  const total = states.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  // The Sync screen's own figure (not the outbox, which only grows): one source, so both screens agree.
  const sync = useSharedLiveQuery(useStation().syncStatus).value;
  return (
    <section aria-labelledby="counters-title" className="card counters-card">
      <div className="card-header">
        <h2 id="counters-title">Devices</h2>
        <span className="muted">
          <strong className="num">{formatCount(total)}</strong> in total · {formatCount(status.counters.profiles)}{' '}
          {status.counters.profiles === 1 ? 'profile' : 'profiles'}
          {sync && (
            <>
              {' · '}
              <a href="#/sync" data-sync-queue={sync.queue}>
                {formatCount(sync.queue)} waiting for sync
              </a>
            </>
          )}
        </span>
      </div>
      <div
        className="state-bar"
        role="img"
        aria-label={states.map((s) => `${formatCount(counts[s] ?? 0)} ${s}`).join(', ')}
      >
        {total > 0 &&
          states.map((s) =>
            counts[s] ? <span key={s} className={`state-bar-${s}`} style={{ flexGrow: counts[s] }} /> : null,
          )}
      </div>
      <ul className="stat-list" aria-label="Devices by state">
        {states.map((s) => (
          <li key={s} className={`stat stat-${s}`}>
            <span className="stat-label">
              <span className="badge-dot" aria-hidden="true" />
              {stateLabel(s)}
            </span>
            <strong className="stat-value num" data-state-count={s}>
              {formatCount(counts[s] ?? 0)}
            </strong>
            <span className="stat-hint">{hints[s]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

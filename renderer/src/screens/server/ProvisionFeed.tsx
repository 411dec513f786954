import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { ProvisionAttempt } from '../../../../shared/devices.ts';
import { navigateTo } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { OutcomeBadge, outcomeLabel } from '../../components/Badges.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { StationReason } from '../../components/StationReason.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatClock, formatCount, formatDateTime } from '../../components/time.tsx';
import { type Column, VirtualTable } from '../../components/VirtualTable.tsx';
import { feedCap, type Outcome, outcomes } from '../../data/feed-store.ts';
import { useLiveQuery } from '../../data/use-live-query.ts';

const outcomeTone: Record<Outcome, string> = { SUCCESS: 'success', NOT_FOUND: 'warning', FAILURE: 'danger', BAD_REQUEST: 'danger' };

const columns: Column<ProvisionAttempt>[] = [
  {
    id: 'time',
    header: <FormattedMessage id="server.feed.colTime" defaultMessage="Time" />,
    width: '6.5rem',
    cell: (a) => (
      <time dateTime={a.at} title={formatDateTime(a.at)} className="num">
        {formatClock(a.at)}
      </time>
    ),
  },
  {
    id: 'device',
    header: <FormattedMessage id="server.feed.colDevice" defaultMessage="Device" />,
    width: 'minmax(10rem, 1.4fr)',
    cell: (a) =>
      a.deviceName ? (
        <span className="strong ellipsis">{a.deviceName}</span>
      ) : (
        <span className="muted">
          <FormattedMessage id="server.feed.unknownDevice" defaultMessage="unknown" />
        </span>
      ),
  },
  {
    id: 'transport',
    header: <FormattedMessage id="server.feed.colTransport" defaultMessage="Transport" />,
    width: '6rem',
    priority: 4,
    cell: (a) => (a.transport ? <span className={`transport transport-${a.transport}`}>{a.transport.toUpperCase()}</span> : '—'),
  },
  { id: 'outcome', header: <FormattedMessage id="server.feed.colOutcome" defaultMessage="Outcome" />, width: '8rem', cell: (a) => <OutcomeBadge outcome={a.outcome} /> },
  {
    id: 'reason',
    header: <FormattedMessage id="server.feed.colReason" defaultMessage="Reason" />,
    width: 'minmax(12rem, 2fr)',
    priority: 2,
    cell: (a) => <StationReason text={a.reason} className="ellipsis" />,
  },
  {
    id: 'from',
    header: <FormattedMessage id="server.feed.colFrom" defaultMessage="From" />,
    width: 'minmax(8rem, 1fr)',
    priority: 3,
    cell: (a) => <code className="ellipsis">{a.remoteAddress ?? '—'}</code>,
  },
];

/** Every provisioning attempt as it happens: history first, then live; holds the latest 500. */
export function ProvisionFeed() {
  const { feed, live, api, hub } = useStation();
  // A row opens its device: its panel shows the attempts under its name and the ways back. An attempt without a
  // name has nothing to open; one under a name the station does not hold opens a panel that says so.
  const openDevice = useCallback((a: ProvisionAttempt) => {
    if (a.deviceName !== null) navigateTo({ screen: 'devices', device: a.deviceName });
  }, []);
  const snap = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  // Exact totals since the station's data began (the feed itself keeps only the latest attempts).
  const [summary] = useLiveQuery(
    () => api['provisioning.summary']({}),
    (schedule) => hub.on('provision', schedule),
    live.generation,
  );
  // Between two reads, each live attempt counts at once; the next read (scheduled by that attempt) replaces the guess.
  const [bump, setBump] = useState<{ base: unknown; counts: Record<Outcome, number> }>({ base: null, counts: { SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, BAD_REQUEST: 0 } });
  useEffect(
    () =>
      hub.on('provision', (e) =>
        setBump((b) => ({ ...b, counts: { ...b.counts, [e.attempt.outcome]: b.counts[e.attempt.outcome] + 1 } })),
      ),
    [hub],
  );
  const fresh = bump.base === summary.value;
  const counts = summary.value
    ? (Object.fromEntries(outcomes.map((o) => [o, summary.value![o] + (fresh ? bump.counts[o] : 0)])) as Record<Outcome, number>)
    : snap.counts;
  useEffect(() => {
    setBump({ base: summary.value, counts: { SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, BAD_REQUEST: 0 } });
  }, [summary.value]);
  const [only, setOnly] = useState<Outcome | null>(null);
  const [paused, setPaused] = useState<readonly ProvisionAttempt[] | null>(null);

  const source = paused ?? snap.items;
  const shown = useMemo(() => (only ? source.filter((a) => a.outcome === only) : source), [source, only]);
  const waiting = paused ? snap.items.filter((a) => a.id > (paused[0]?.id ?? 0)).length : 0;
  const total = outcomes.reduce((n, o) => n + counts[o], 0);
  const intl = useIntl();

  return (
    <section aria-labelledby="feed-title" className="card feed-card">
      <div className="card-header">
        <div>
          <h2 id="feed-title">
            <FormattedMessage id="server.feed.title" defaultMessage="Provisioning attempts" />
            {live.connection === 'live' && (
              <span className="live-pill" aria-hidden="true">
                <FormattedMessage id="server.feed.live" defaultMessage="live" />
              </span>
            )}
          </h2>
          <p className="card-subtitle">
            {summary.value ? (
              <FormattedMessage
                id="server.feed.countSinceRecords"
                defaultMessage="{count, plural, one {# attempt} other {# attempts}} since the station started keeping records"
                values={{ count: total }}
              />
            ) : snap.partialHistory ? (
              <FormattedMessage
                id="server.feed.countPartial"
                defaultMessage="{count, plural, one {# attempt} other {# attempts}} (the latest {history, number} before this window opened, and every one since)"
                values={{ count: total, history: 1000 }}
              />
            ) : (
              <FormattedMessage
                id="server.feed.count"
                defaultMessage="{count, plural, one {# attempt} other {# attempts}}"
                values={{ count: total }}
              />
            )}
            {' · '}
            <FormattedMessage
              id="server.feed.keeps"
              defaultMessage="the table keeps the latest {cap, number}"
              values={{ cap: feedCap }}
            />
          </p>
        </div>
        <button
          type="button"
          className="btn"
          aria-pressed={paused !== null}
          onClick={() => setPaused(paused ? null : snap.items)}
        >
          <Icon name={paused ? 'play' : 'pause'} />
          {paused ? (
            waiting ? (
              <FormattedMessage id="server.feed.resumeNew" defaultMessage="Resume ({count, number} new)" values={{ count: waiting }} />
            ) : (
              <FormattedMessage id="server.feed.resume" defaultMessage="Resume" />
            )
          ) : (
            <FormattedMessage id="server.feed.pause" defaultMessage="Pause" />
          )}
        </button>
      </div>
      <fieldset className="outcome-filters">
        <legend className="visually-hidden">
          <FormattedMessage id="server.feed.byOutcome" defaultMessage="Show attempts by outcome" />
        </legend>
        {outcomes.map((o) => (
          <button
            key={o}
            type="button"
            className={`outcome-chip tone-${outcomeTone[o]}`}
            aria-pressed={only === o}
            onClick={() => setOnly(only === o ? null : o)}
            data-outcome-count={o}
          >
            <span className="outcome-chip-label">{outcomeLabel(o)}</span>
            <strong className="num">{formatCount(counts[o])}</strong>
          </button>
        ))}
      </fieldset>
      {snap.error && snap.phase === 'error' ? (
        <ErrorNotice error={snap.error} onRetry={() => void feed.loadHistory()} />
      ) : (
        <VirtualTable
          label={intl.formatMessage({ id: 'server.feed.tableLabel', defaultMessage: 'Provisioning attempts, newest first' })}
          className="feed-table"
          columns={columns}
          count={shown.length}
          rowAt={(i) => shown[i]!}
          keyAt={(i) => shown[i]!.id}
          rowHeight={38}
          maxHeight={460}
          onRowClick={openDevice}
          empty={
            snap.phase === 'loading' ? (
              <span className="muted">
                <FormattedMessage id="server.feed.loading" defaultMessage="Loading recent attempts…" />
              </span>
            ) : only ? (
              <span className="muted">
                <FormattedMessage
                  id="server.feed.noneOfOutcome"
                  defaultMessage="No attempts with the outcome “{outcome}” among the latest {cap, number}."
                  values={{ outcome: outcomeLabel(only), cap: feedCap }}
                />
              </span>
            ) : (
              <div className="empty-state">
                <strong>
                  <FormattedMessage id="server.feed.emptyTitle" defaultMessage="No device has tried to provision yet." />
                </strong>
                <span>
                  <FormattedMessage
                    id="server.feed.emptyText"
                    defaultMessage="Power a device on: its attempt shows here the moment it arrives, whatever the outcome."
                  />
                </span>
              </div>
            )
          }
        />
      )}
    </section>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useId, useState } from 'react';
import type { SyncTarget } from '../../../shared/sync.ts';
import { useStation } from '../app/station.tsx';
import { type Explained, explain } from '../api/errors.ts';
import { announce } from '../components/Announcer.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatCount } from '../components/time.tsx';
import { useSharedLiveQuery } from '../data/use-live-query.ts';
import { RemoveTargetDialog } from './sync/RemoveTargetDialog.tsx';
import { SyncProblems } from './sync/SyncProblems.tsx';
import { TargetCard } from './sync/TargetCard.tsx';
import { TargetDialog } from './sync/TargetDialog.tsx';

/** Sync to the cloud: targets, their progress, and the devices that need a person (conflicts and errors). */
export function SyncScreen() {
  const { api, hub, syncStatus: statusQuery } = useStation();
  const id = useId();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<SyncTarget | null>(null);
  const [editing, setEditing] = useState<SyncTarget | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<Explained | null>(null);
  const [runMessage, setRunMessage] = useState<string | null>(null);
  const intl = useIntl();

  // The same query the Server screen's waiting count reads, so the two never disagree; problems come with it.
  const status = useSharedLiveQuery(statusQuery);

  // Live progress between two reads: a `sync` event carries one target's counts and status.
  const [live, setLive] = useState<Record<string, { synced: number; status: SyncTarget['status']; counts: SyncTarget['counts']; message: string | null }>>({});
  useEffect(
    () =>
      hub.on('sync', (e) => {
        setLive((m) => ({ ...m, [e.progress.target]: e.progress }));
      }),
    [hub],
  );
  // A fresh read of the status supersedes the progress events that came before it.
  useEffect(() => {
    if (status.value) setLive({});
  }, [status.value]);
  // Problems come with the status (grouped by cause), so one read refreshes both.
  const reloadAll = useCallback(() => {
    void statusQuery.load();
  }, [statusQuery]);

  const runAll = async () => {
    setRunning(true);
    setRunError(null);
    setRunMessage(null);
    try {
      const r = await api['sync.run']({});
      const message = r.ok
        ? r.synced
          ? intl.formatMessage({ id: 'sync.allDoneSent', defaultMessage: 'Everything is in the cloud ({count, number} sent just now).' }, { count: r.synced })
          : intl.formatMessage({ id: 'sync.allDone', defaultMessage: 'Everything is in the cloud.' })
        : intl.formatMessage({ id: 'sync.partial', defaultMessage: '{synced, number} synced; {pending, number} waiting, {conflicts, plural, one {# conflict} other {# conflicts}}, {errors, plural, one {# error} other {# errors}}.' }, { synced: r.synced, pending: r.pending, conflicts: r.conflicts, errors: r.errors });
      setRunMessage(message);
      announce(message);
    } catch (err) {
      setRunError(explain(err));
    } finally {
      setRunning(false);
      reloadAll();
    }
  };

  const s = status.value;
  const targets = s?.targets ?? [];
  return (
    <section aria-labelledby={`${id}-title`} className="screen">
      <header className="page-header">
        <div>
          <h1 id={`${id}-title`}><FormattedMessage id="sync.title" defaultMessage="Sync" /></h1>
          <p className="page-subtitle">
<FormattedMessage id="sync.intro" defaultMessage="Every provisioned device goes to the cloud exactly once. Offline, results wait here safely and go out when a target is reachable again." />
          </p>
        </div>
        <div className="header-actions">
          <button type="button" className="btn" onClick={() => setAdding(true)}>
            <Icon name="plus" />
            <FormattedMessage id="sync.addTarget" defaultMessage="Add target" />
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void runAll()} disabled={running || targets.length === 0}>
            <Icon name="sync" />
            {running ? <FormattedMessage id="sync.syncing" defaultMessage="Syncing…" /> : <FormattedMessage id="sync.now" defaultMessage="Sync now" />}
          </button>
        </div>
      </header>
      {status.error && <ErrorNotice error={status.error} onRetry={reloadAll} />}
      {runError && <ErrorNotice error={runError} />}
      {runMessage && (
        <p className="check-status is-good" role="status">
          <Icon name="check" />
          {runMessage}
        </p>
      )}
      {s && (
        <ul className="stat-list sync-stats" aria-label={intl.formatMessage({ id: 'sync.queue', defaultMessage: 'Sync queue' })}>
          <li className="stat">
            <span className="stat-label"><FormattedMessage id="sync.waiting" defaultMessage="Waiting to sync" /></span>
            <strong className="stat-value num" data-sync-queue={s.queue}>
              {formatCount(s.queue)}
            </strong>
            <span className="stat-hint"><FormattedMessage id="sync.waitingHint" defaultMessage="device deliveries not yet confirmed by a target" /></span>
          </li>
          <li className="stat">
            <span className="stat-label"><FormattedMessage id="sync.recorded" defaultMessage="Recorded for the cloud" /></span>
            <strong className="stat-value num">{formatCount(s.outbox)}</strong>
            <span className="stat-hint"><FormattedMessage id="sync.recordedHint" defaultMessage="changes since this station was set up" /></span>
          </li>
          <li className="stat">
            <span className="stat-label"><FormattedMessage id="sync.worker" defaultMessage="Worker" /></span>
            <strong className="stat-value">{s.running ? <FormattedMessage id="sync.running" defaultMessage="Running" /> : <FormattedMessage id="sync.idle" defaultMessage="Idle" />}</strong>
            <span className="stat-hint">
              {s.running ? <FormattedMessage id="sync.runningHint" defaultMessage="sending now" /> : <FormattedMessage id="sync.idleHint" defaultMessage="sends by itself when there is work and a target is reachable" />}
            </span>
          </li>
        </ul>
      )}
      {status.phase === 'loading' ? (
        <p className="muted"><FormattedMessage id="sync.loading" defaultMessage="Loading sync targets…" /></p>
      ) : targets.length === 0 ? (
        <div className="card">
          <div className="empty-state">
            <strong><FormattedMessage id="sync.emptyTitle" defaultMessage="No sync target yet." /></strong>
            <span><FormattedMessage id="sync.emptyText" defaultMessage="Add your ThingsBoard (or a webhook) to send provisioned devices there. Until then, results stay on this station." /></span>
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
              <Icon name="plus" />
              <FormattedMessage id="sync.addTarget" defaultMessage="Add target" />
            </button>
          </div>
        </div>
      ) : (
        <ul className="target-list" aria-label={intl.formatMessage({ id: 'sync.targets', defaultMessage: 'Sync targets' })}>
          {targets.map((t) => (
            <TargetCard key={t.name} target={t} live={live[t.name]} onRemove={() => setRemoving(t)} onEdit={() => setEditing(t)} onChanged={reloadAll} />
          ))}
        </ul>
      )}
      {s && s.problems.length > 0 && <SyncProblems problems={s.problems} onChanged={reloadAll} />}
      {adding && (
        <TargetDialog
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            reloadAll();
          }}
        />
      )}
      {editing && (
        <TargetDialog
          existing={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reloadAll();
          }}
        />
      )}
      {removing && (
        <RemoveTargetDialog
          target={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            reloadAll();
          }}
        />
      )}
    </section>
  );
}

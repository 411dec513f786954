import { defineMessage, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { useState } from 'react';
import type { SyncTarget } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatCount, RelativeTime } from '../../components/time.tsx';

const statusText: Record<SyncTarget['status'], { label: MessageDescriptor; tone: string; hint: MessageDescriptor }> = {
  idle: { label: defineMessage({ id: 'sync.status.idle', defaultMessage: 'Idle' }), tone: 'success', hint: defineMessage({ id: 'sync.status.idleHint', defaultMessage: 'Up to date, or waiting for new work' }) },
  syncing: { label: defineMessage({ id: 'sync.status.syncing', defaultMessage: 'Syncing' }), tone: 'info', hint: defineMessage({ id: 'sync.status.syncingHint', defaultMessage: 'Sending devices now' }) },
  offline: { label: defineMessage({ id: 'sync.status.offline', defaultMessage: 'Offline' }), tone: 'warning', hint: defineMessage({ id: 'sync.status.offlineHint', defaultMessage: 'Not reachable; retries by itself' }) },
  stopped: { label: defineMessage({ id: 'sync.status.stopped', defaultMessage: 'Stopped' }), tone: 'danger', hint: defineMessage({ id: 'sync.status.stoppedHint', defaultMessage: 'Needs you: the credentials were refused' }) },
};

const unreadableHint: MessageDescriptor = defineMessage({ id: 'sync.status.credentialsUnreadableHint', defaultMessage: "Needs you: the saved credentials can't be read here" });

type Live = { synced: number; status: SyncTarget['status']; counts: SyncTarget['counts']; message: string | null };

/** One sync target: where, how it is doing, and what can be done (test, sync now, retry, remove). */
export function TargetCard({
  target,
  live,
  onRemove,
  onEdit,
  onChanged,
}: { target: SyncTarget; live?: Live; onRemove: () => void; onEdit: () => void; onChanged: () => void }) {
  const { api } = useStation();
  const [test, setTest] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const intl = useIntl();
  const state = live?.status ?? target.status;
  const counts = live?.counts ?? target.counts;
  const message = live ? live.message : target.message;
  const total = counts.synced + counts.pending + counts.conflict + counts.error;
  const s = statusText[state];
  // The station's own words for this stop are English; this one the UI says itself, in the person's language.
  const unreadable = target.credentialsUnreadable === true && state === 'stopped';

  const act = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
      onChanged();
    }
  };

  return (
    <li className="card target-card" data-target={target.name} aria-label={intl.formatMessage({ id: 'sync.target.label', defaultMessage: 'Sync target {name}' }, { name: target.name })}>
      <div className="card-header">
        <div>
          <h2>
            {target.name} <span className="transport">{target.type === 'thingsboard' ? <FormattedMessage id="sync.add.thingsboard" defaultMessage="ThingsBoard" /> : <FormattedMessage id="sync.add.webhook" defaultMessage="Webhook" />}</span>
          </h2>
          <p className="card-subtitle">
            <code>{target.url}</code> ·{' '}
            {target.auth === 'password'
              ? intl.formatMessage({ id: 'sync.target.signsInAs', defaultMessage: 'signs in as {user}' }, { user: target.username ?? '' })
              : target.auth === 'api-key'
                ? intl.formatMessage({ id: 'sync.add.apiKey', defaultMessage: 'API key' })
                : intl.formatMessage({ id: 'sync.target.hmac', defaultMessage: 'signed (HMAC)' })}
          </p>
        </div>
        <span className={`badge badge-${s.tone}`} title={intl.formatMessage(unreadable ? unreadableHint : s.hint)} data-target-status={state}>
          <span className="badge-dot" aria-hidden="true" />
          {intl.formatMessage(s.label)}
        </span>
      </div>
      {unreadable ? (
        <p className="field-error" data-credentials-unreadable>
          <FormattedMessage
            id="sync.target.credentialsUnreadable"
            defaultMessage="The saved credentials of this target can't be read on this station (they were saved with another station key, or damaged). Edit the target and enter them again."
          />
        </p>
      ) : (
        message && (
          <p className={state === 'stopped' ? 'field-error' : 'muted'} data-station-words>
            {message}
          </p>
        )
      )}
      <div className="state-bar" role="img" aria-label={intl.formatMessage({ id: 'sync.target.bar', defaultMessage: '{synced, number} of {total, plural, one {# device} other {# devices}} synced' }, { synced: counts.synced, total })}
      >
        {total > 0 && (
          <>
            {counts.synced > 0 && <span className="state-bar-online" style={{ flexGrow: counts.synced }} />}
            {counts.pending > 0 && <span className="state-bar-pending" style={{ flexGrow: counts.pending }} />}
            {counts.conflict + counts.error > 0 && <span className="state-bar-danger" style={{ flexGrow: counts.conflict + counts.error }} />}
          </>
        )}
      </div>
      <dl className="sync-counts">
        <div>
          <dt><FormattedMessage id="sync.target.synced" defaultMessage="Synced" /></dt>
          <dd className="num">{formatCount(counts.synced)}</dd>
        </div>
        <div>
          <dt><FormattedMessage id="sync.target.waiting" defaultMessage="Waiting" /></dt>
          <dd className="num">{formatCount(counts.pending)}</dd>
        </div>
        <div className={counts.conflict ? 'is-bad' : ''}>
          <dt><FormattedMessage id="sync.target.conflicts" defaultMessage="Conflicts" /></dt>
          <dd className="num">{formatCount(counts.conflict)}</dd>
        </div>
        <div className={counts.error ? 'is-bad' : ''}>
          <dt><FormattedMessage id="sync.target.errors" defaultMessage="Errors" /></dt>
          <dd className="num">{formatCount(counts.error)}</dd>
        </div>
        <div>
          <dt><FormattedMessage id="sync.target.lastSynced" defaultMessage="Last synced" /></dt>
          <dd>
            <RelativeTime iso={target.lastSyncedAt} />
          </dd>
        </div>
      </dl>
      {test && (
        <p className={test.ok ? 'check-status is-good' : 'field-error'} role="status">
          <Icon name={test.ok ? 'check' : 'alert'} />
          {test.message}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="form-actions start">
        <button
          type="button"
          className="btn btn-small"
          disabled={busy !== null}
          onClick={() =>
            void act('test', async () => {
              setTest(null);
              const r = await api['sync.targets.test']({ name: target.name });
              setTest(r);
              announce(r.message);
            })
          }
        >
          <Icon name="plug" size={14} />
          {busy === 'test' ? <FormattedMessage id="sync.target.testing" defaultMessage="Testing…" /> : <FormattedMessage id="sync.target.test" defaultMessage="Test connection" />}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy !== null}
          onClick={() =>
            void act('run', async () => {
              await api['sync.run']({ target: target.name });
            })
          }
        >
          <Icon name="sync" size={14} />
          {busy === 'run' ? <FormattedMessage id="sync.syncing" defaultMessage="Syncing…" /> : <FormattedMessage id="sync.now" defaultMessage="Sync now" />}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy !== null || (counts.conflict + counts.error === 0 && state !== 'stopped')}
          onClick={() =>
            void act('retry', async () => {
              const r = await api['sync.retry']({ target: target.name });
              announce(intl.formatMessage({ id: 'sync.target.retried', defaultMessage: '{count, plural, one {# device} other {# devices}} queued again' }, { count: r.retried }));
            })
          }
        >
          <Icon name="refresh" size={14} />
          <FormattedMessage id="sync.target.retryFailed" defaultMessage="Retry failed" />
        </button>
        <button type="button" className="btn btn-small" onClick={onEdit}>
          <Icon name="pencil" size={14} />
          <FormattedMessage id="sync.target.edit" defaultMessage="Edit…" />
        </button>
        <button type="button" className="btn btn-small btn-ghost btn-danger-text push-end" onClick={onRemove}>
          <Icon name="trash" size={14} />
          <FormattedMessage id="profiles.removeAsk" defaultMessage="Remove…" />
        </button>
      </div>
    </li>
  );
}

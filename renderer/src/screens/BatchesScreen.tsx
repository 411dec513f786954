import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Route } from '../app/route.ts';
import { routeHref } from '../app/route.ts';
import { useStation } from '../app/station.tsx';
import { BatchProgress, provisionedCount } from '../components/BatchProgress.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatDateTime, RelativeTime } from '../components/time.tsx';
import { NewBatchDialog } from './batches/NewBatchDialog.tsx';
import { labelLanguageName } from './batches/LabelLanguageField.tsx';

/** Every batch with its progress, live; a batch is one delivery of devices for a site. */
export function BatchesScreen({ navigate }: { navigate: (r: Route) => void }) {
  const { batches } = useStation();
  const snap = useSyncExternalStore(batches.subscribe, batches.getSnapshot);
  const [creating, setCreating] = useState(false);
  const intl = useIntl();

  useEffect(() => {
    void batches.load();
    const onNew = (e: Event) => {
      e.preventDefault();
      setCreating(true);
    };
    window.addEventListener('fieldstation:new-batch', onNew);
    return () => window.removeEventListener('fieldstation:new-batch', onNew);
  }, [batches]);

  const list = snap.value ?? [];
  const totals = list.reduce(
    (t, b) => ({ devices: t.devices + b.counts.total, done: t.done + provisionedCount(b.counts) }),
    { devices: 0, done: 0 },
  );

  return (
    <section aria-labelledby="batches-title" className="screen">
      <header className="page-header">
        <div>
          <h1 id="batches-title"><FormattedMessage id="batches.title" defaultMessage="Batches" /></h1>
          <p className="page-subtitle">
<FormattedMessage id="batches.intro" defaultMessage="A batch is one delivery of devices for a site: import its device list, issue tokens, print labels, then watch it provision." />
            {list.length > 0 && (
              <>
                {' '}
<FormattedMessage id="batches.totals" defaultMessage="{done, number} of {devices, plural, one {# device} other {# devices}} provisioned across {batches, plural, one {# batch} other {# batches}}." values={{ done: totals.done, devices: totals.devices, batches: list.length }} />
              </>
            )}
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} title={intl.formatMessage({ id: 'batches.newKey', defaultMessage: 'New batch (b)' })}>
          <Icon name="plus" />
          <FormattedMessage id="batches.new" defaultMessage="New batch" />
        </button>
      </header>
      {snap.error && <ErrorNotice error={snap.error} onRetry={() => void batches.load()} />}
      {snap.phase === 'loading' ? (
        <p className="muted" aria-busy="true">
<FormattedMessage id="batches.loading" defaultMessage="Loading batches…" />
        </p>
      ) : list.length === 0 ? (
        <div className="card empty-card">
          <div className="empty-state">
            <strong><FormattedMessage id="batches.emptyTitle" defaultMessage="No batches yet." /></strong>
            <span><FormattedMessage id="batches.emptyText" defaultMessage="Create one for the devices you install today; you can import its device list right after." /></span>
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              <Icon name="plus" />
              <FormattedMessage id="batches.new" defaultMessage="New batch" />
            </button>
          </div>
        </div>
      ) : (
        <div className="card table-card">
          <table className="table batch-table" aria-label={intl.formatMessage({ id: 'batches.tableLabel', defaultMessage: 'Batches' })}>
            <thead>
              <tr>
                <th scope="col"><FormattedMessage id="batches.colBatch" defaultMessage="Batch" /></th>
                <th scope="col"><FormattedMessage id="batches.colSite" defaultMessage="Site" /></th>
                <th scope="col"><FormattedMessage id="batches.colProfile" defaultMessage="Profile" /></th>
                <th scope="col"><FormattedMessage id="batches.colLabelLanguage" defaultMessage="Labels" /></th>
                <th scope="col" className="col-progress">
                  <FormattedMessage id="batches.colProgress" defaultMessage="Progress" />
                </th>
                <th scope="col"><FormattedMessage id="batches.colCreated" defaultMessage="Created" /></th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.id} data-batch={b.name}>
                  <th scope="row">
                    <a className="batch-link" href={routeHref({ screen: 'batches', batch: b.name, device: null })}>
                      {b.name}
                    </a>
                    {b.notes && <span className="batch-notes ellipsis">{b.notes}</span>}
                  </th>
                  <td>{b.site || <span className="muted">—</span>}</td>
                  <td>{b.profile ?? <span className="muted"><FormattedMessage id="batches.noProfile" defaultMessage="none" /></span>}</td>
                  <td>{labelLanguageName(intl, b.language)}</td>
                  <td className="col-progress">
                    <BatchProgress counts={b.counts} compact />
                  </td>
                  <td title={formatDateTime(b.createdAt)}>
                    <RelativeTime iso={b.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <NewBatchDialog
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            void batches.load();
            navigate({ screen: 'batches', batch: name, tab: 'import', device: null });
          }}
        />
      )}
    </section>
  );
}

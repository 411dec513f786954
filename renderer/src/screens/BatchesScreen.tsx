import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Route } from '../app/route.ts';
import { routeHref } from '../app/route.ts';
import { useStation } from '../app/station.tsx';
import { BatchProgress, provisionedCount } from '../components/BatchProgress.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatCount, formatDateTime, RelativeTime } from '../components/time.tsx';
import { NewBatchDialog } from './batches/NewBatchDialog.tsx';

/** Every batch with its progress, live; a batch is one delivery of devices for a site. */
export function BatchesScreen({ navigate }: { navigate: (r: Route) => void }) {
  const { batches } = useStation();
  const snap = useSyncExternalStore(batches.subscribe, batches.getSnapshot);
  const [creating, setCreating] = useState(false);

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
          <h1 id="batches-title">Batches</h1>
          <p className="page-subtitle">
            A batch is one delivery of devices for a site: import its device list, issue tokens, print labels, then watch it
            provision.
            {list.length > 0 && (
              <>
                {' '}
                {formatCount(totals.done)} of {formatCount(totals.devices)} devices provisioned across {formatCount(list.length)}{' '}
                {list.length === 1 ? 'batch' : 'batches'}.
              </>
            )}
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} title="New batch (b)">
          <Icon name="plus" />
          New batch
        </button>
      </header>
      {snap.error && <ErrorNotice error={snap.error} onRetry={() => void batches.load()} />}
      {snap.phase === 'loading' ? (
        <p className="muted" aria-busy="true">
          Loading batches…
        </p>
      ) : list.length === 0 ? (
        <div className="card empty-card">
          <div className="empty-state">
            <strong>No batches yet.</strong>
            <span>Create one for the devices you install today; you can import its device list right after.</span>
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              <Icon name="plus" />
              New batch
            </button>
          </div>
        </div>
      ) : (
        <div className="card table-card">
          <table className="table batch-table" aria-label="Batches">
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Site</th>
                <th scope="col">Profile</th>
                <th scope="col" className="col-progress">
                  Progress
                </th>
                <th scope="col">Created</th>
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
                  <td>{b.profile ?? <span className="muted">none</span>}</td>
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

import { useState } from 'react';
import type { SyncDevice } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatCount, RelativeTime } from '../../components/time.tsx';

type Sides = { reason?: unknown; cloud?: unknown; local?: unknown };

function Side({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">nothing there</span>;
  if (typeof value !== 'object') return <code>{String(value)}</code>;
  return (
    <dl className="facts compact-facts">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k} className="facts-row">
          <dt>{k}</dt>
          <dd>
            <code className="wrap">{typeof v === 'string' ? v : JSON.stringify(v)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Devices a target refused or disagreed about: the target's words, both sides of a conflict, and Retry. */
export function SyncProblems({ devices, onChanged }: { devices: readonly SyncDevice[]; onChanged: () => void }) {
  const { api } = useStation();
  const [error, setError] = useState<Explained | null>(null);
  const retry = async (d: SyncDevice) => {
    setError(null);
    try {
      await api['sync.retry']({ target: d.target, device: d.device });
    } catch (err) {
      setError(explain(err));
    } finally {
      onChanged();
    }
  };
  return (
    <section className="card" aria-labelledby="sync-problems-title">
      <div className="card-header">
        <div>
          <h2 id="sync-problems-title">Devices that need you</h2>
          <p className="card-subtitle">
            A <strong>conflict</strong> means the cloud already has this device with other credentials: nothing was overwritten.
            Fix it on the cloud side (or here), then retry. An <strong>error</strong> is the target’s refusal, in its words.
          </p>
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      <table className="table compact sync-problems" aria-labelledby="sync-problems-title">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Target</th>
            <th scope="col">Problem</th>
            <th scope="col">This station</th>
            <th scope="col">Cloud</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {devices.slice(0, 500).map((d) => {
            const sides = (d.detail && typeof d.detail === 'object' ? d.detail : {}) as Sides;
            return (
              <tr key={`${d.target}/${d.device}`}>
                <th scope="row">{d.device}</th>
                <td>{d.target}</td>
                <td>
                  <span className={`badge ${d.state === 'conflict' ? 'badge-warning' : 'badge-danger'}`}>{d.state === 'conflict' ? 'Conflict' : 'Error'}</span>{' '}
                  {d.message}
                  <span className="muted">
                    {' '}
                    · {formatCount(d.attempts)} {d.attempts === 1 ? 'attempt' : 'attempts'}, <RelativeTime iso={d.updatedAt} />
                  </span>
                </td>
                <td>{d.state === 'conflict' ? <Side value={sides.local} /> : <span className="muted">—</span>}</td>
                <td>{d.state === 'conflict' ? <Side value={sides.cloud} /> : <span className="muted">—</span>}</td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => void retry(d)} aria-label={`Retry ${d.device} on ${d.target}`}>
                    <Icon name="refresh" size={14} />
                    Retry
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {devices.length > 500 && <p className="muted">and {formatCount(devices.length - 500)} more.</p>}
    </section>
  );
}

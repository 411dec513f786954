import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useId, useState } from 'react';
import type { SyncDevice, SyncProblem } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { RelativeTime } from '../../components/time.tsx';

type Sides = { reason?: unknown; cloud?: unknown; local?: unknown };

function Side({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted"><FormattedMessage id="sync.problems.nothing" defaultMessage="nothing there" /></span>;
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

/** How many devices of an expanded problem are listed; the rest are counted (the CLI lists them all). */
const SHOWN = 500;

/** One device of an opened problem: its own message, both sides of a conflict, and Retry for it alone. */
function DeviceRow({ d, words, onRetry }: { d: SyncDevice; words: boolean; onRetry: (d: SyncDevice) => void }) {
  const intl = useIntl();
  const sides = (d.detail && typeof d.detail === 'object' ? d.detail : {}) as Sides;
  return (
    <tr>
      <th scope="row">{d.device}</th>
      <td>
        {words && d.message}
        <span className="muted">
          {words ? ' · ' : ''}
          <FormattedMessage id="sync.problems.attempts" defaultMessage="{count, plural, one {# attempt} other {# attempts}}" values={{ count: d.attempts }} />, <RelativeTime iso={d.updatedAt} />
        </span>
      </td>
      <td>{d.state === 'conflict' ? <Side value={sides.local} /> : <span className="muted">—</span>}</td>
      <td>{d.state === 'conflict' ? <Side value={sides.cloud} /> : <span className="muted">—</span>}</td>
      <td>
        <button type="button" className="btn btn-small" onClick={() => onRetry(d)} aria-label={intl.formatMessage({ id: 'sync.problems.retryDevice', defaultMessage: 'Retry {device} on {target}' }, { device: d.device, target: d.target })}>
          <Icon name="refresh" size={14} />
          <FormattedMessage id="sync.problems.retry" defaultMessage="Retry" />
        </button>
      </td>
    </tr>
  );
}

/** One cause on one target, stated once: what, how many, the fix; its devices behind a disclosure button. */
function ProblemGroup({ problem, onChanged }: { problem: SyncProblem; onChanged: () => void }) {
  const { api } = useStation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [devices, setDevices] = useState<SyncDevice[] | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const { target, id: cause, count } = problem;
  const intl = useIntl();

  const load = useCallback(async () => {
    try {
      setDevices(await api['sync.devices']({ target, problem: cause, limit: SHOWN }));
    } catch (err) {
      setError(explain(err));
    }
  }, [api, target, cause]);
  // Opened, and again whenever the count changes (a retry, or more devices refused for the same reason).
  // biome-ignore lint/correctness/useExhaustiveDependencies: count is the signal to read the list again
  useEffect(() => {
    if (open) void load();
  }, [open, load, count]);

  const retry = async (params: { device?: string }) => {
    setError(null);
    try {
      await api['sync.retry']({ target, ...(params.device ? { device: params.device } : { problem: cause }) });
    } catch (err) {
      setError(explain(err));
    } finally {
      onChanged();
    }
  };

  return (
    <li className="sync-problem" aria-labelledby={`${id}-what`} data-problem={cause} data-problem-count={count}>
      <div className="sync-problem-summary">
        <span className={`badge ${problem.state === 'conflict' ? 'badge-warning' : 'badge-danger'}`}>
          {problem.state === 'conflict' ? <FormattedMessage id="sync.problems.conflict" defaultMessage="Conflict" /> : <FormattedMessage id="sync.problems.error" defaultMessage="Error" />}
        </span>
        <div>
          <p id={`${id}-what`}>
            <strong data-station-words>{problem.message}</strong>{' '}
            <span className="muted"><FormattedMessage id="sync.problems.onTarget" defaultMessage="{count, plural, one {# device} other {# devices}} on {target}" values={{ count, target }} /></span>
          </p>
          <p>
<FormattedMessage id="sync.problems.fix" defaultMessage="<strong>Fix:</strong> {fix}" values={{ fix: problem.fix, strong: (text) => <strong>{text}</strong> }} />
          </p>
          {problem.example && <p className="muted"><FormattedMessage id="sync.problems.example" defaultMessage="For example: {example}" values={{ example: problem.example }} /></p>}
        </div>
        <div className="header-actions">
          <button type="button" className="btn btn-small" aria-expanded={open} aria-controls={`${id}-devices`} onClick={() => setOpen((o) => !o)}>
            {open
              ? intl.formatMessage({ id: 'sync.problems.hide', defaultMessage: 'Hide devices' })
              : intl.formatMessage({ id: 'sync.problems.show', defaultMessage: 'Show {count, plural, one {# device} other {# devices}}' }, { count })}
          </button>
          <button type="button" className="btn btn-small" onClick={() => void retry({})}>
            <Icon name="refresh" size={14} />
<FormattedMessage id="sync.problems.retryAll" defaultMessage="Retry all {count, number}" values={{ count }} />
          </button>
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
      <div id={`${id}-devices`} hidden={!open}>
        {open && devices && (
          <table className="table compact sync-problems" aria-label={intl.formatMessage({ id: 'sync.problems.devicesOf', defaultMessage: 'Devices: {message}' }, { message: problem.message })}>
            <thead>
              <tr>
                <th scope="col"><FormattedMessage id="sync.problems.colDevice" defaultMessage="Device" /></th>
                <th scope="col"><FormattedMessage id="sync.problems.colWords" defaultMessage="The target’s words, attempts" /></th>
                <th scope="col"><FormattedMessage id="sync.problems.colStation" defaultMessage="This station" /></th>
                <th scope="col"><FormattedMessage id="sync.problems.colCloud" defaultMessage="Cloud" /></th>
                <th scope="col">
                  <span className="visually-hidden"><FormattedMessage id="sync.problems.colActions" defaultMessage="Actions" /></span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                // The group already says it when every device's message is the same; conflicts differ per device.
                <DeviceRow key={d.device} d={d} words={problem.example !== null || problem.state === 'conflict'} onRetry={(x) => void retry({ device: x.device })} />
              ))}
            </tbody>
          </table>
        )}
        {open && count > SHOWN && (
          <p className="muted">
            <FormattedMessage id="sync.problems.more" defaultMessage="and {count, number} more (fieldstation sync devices --problem lists them all)." values={{ count: count - SHOWN }} />
          </p>
        )}
      </div>
    </li>
  );
}

/** Devices a target refused or disagreed about, grouped by cause: each problem once, with its fix and count. */
export function SyncProblems({ problems, onChanged }: { problems: readonly SyncProblem[]; onChanged: () => void }) {
  const intl = useIntl();
  return (
    <section className="card" aria-labelledby="sync-problems-title">
      <div className="card-header">
        <div>
          <h2 id="sync-problems-title"><FormattedMessage id="sync.problems.title" defaultMessage="Devices that need you" /></h2>
          <p className="card-subtitle">
<FormattedMessage id="sync.problems.intro" defaultMessage="A <strong>conflict</strong> means the cloud already has this device with other credentials: nothing was overwritten. Fix it on the cloud side (or here), then retry. An <strong>error</strong> is the target’s refusal. Devices refused for the same reason are one problem." values={{ strong: (text) => <strong>{text}</strong> }} />
          </p>
        </div>
      </div>
      <ul className="sync-problem-list" aria-label={intl.formatMessage({ id: 'sync.problems.list', defaultMessage: 'Sync problems' })}>
        {problems.map((p) => (
          <ProblemGroup key={`${p.target}/${p.state}/${p.id}`} problem={p} onChanged={onChanged} />
        ))}
      </ul>
    </section>
  );
}

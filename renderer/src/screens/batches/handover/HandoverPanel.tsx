import { defineMessage, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { useState } from 'react';
import type { Batch } from '../../../../../shared/batches.ts';
import type { HandoverState } from '../../../../../shared/handover.ts';
import { useStation } from '../../../app/station.tsx';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { StationReason } from '../../../components/StationReason.tsx';
import { formatCount, RelativeTime } from '../../../components/time.tsx';
import { useLiveQuery } from '../../../data/use-live-query.ts';
import { HandoverDialog } from './HandoverDialog.tsx';

/** In the order a device goes through them; the words a technician reads for each. */
export const handoverSteps: { state: HandoverState; title: MessageDescriptor; hint: MessageDescriptor }[] = [
  {
    state: 'syncing',
    title: defineMessage({ id: 'handover.step.syncing', defaultMessage: 'Waiting for the cloud' }),
    hint: defineMessage({ id: 'handover.step.syncingHint', defaultMessage: 'sync has not delivered the device yet; it is told nothing until the cloud knows it' }),
  },
  {
    state: 'waiting',
    title: defineMessage({ id: 'handover.step.waiting', defaultMessage: 'Told, not yet received' }),
    hint: defineMessage({ id: 'handover.step.waitingHint', defaultMessage: 'its new server is set; the device has not read it yet (it may be off)' }),
  },
  {
    state: 'delivered',
    title: defineMessage({ id: 'handover.step.delivered', defaultMessage: 'Received' }),
    hint: defineMessage({ id: 'handover.step.deliveredHint', defaultMessage: 'the device read its new server and has not confirmed yet' }),
  },
  {
    state: 'confirmed',
    title: defineMessage({ id: 'handover.step.confirmed', defaultMessage: 'Handed over' }),
    hint: defineMessage({ id: 'handover.step.confirmedHint', defaultMessage: 'the device confirmed; it lives on its cloud now' }),
  },
  {
    state: 'timed-out',
    title: defineMessage({ id: 'handover.step.timedOut', defaultMessage: 'Timed out' }),
    hint: defineMessage({ id: 'handover.step.timedOutHint', defaultMessage: 'no confirmation in time: check the device, then hand it over again' }),
  },
  {
    state: 'failed',
    title: defineMessage({ id: 'handover.step.failed', defaultMessage: 'Failed' }),
    hint: defineMessage({ id: 'handover.step.failedHint', defaultMessage: 'the hand-over cannot go on; the reason is on its row' }),
  },
];

/** A batch's hand-over: progress by step, live, each device's step and reason, and starting one. */
export function HandoverPanel({ batch, batchInfo }: { batch: string; batchInfo: Batch | null }) {
  const { api, hub } = useStation();
  const [open, setOpen] = useState(false);
  const intl = useIntl();
  const [status, query] = useLiveQuery(
    () => api['handover.status']({ batch }),
    (schedule) => {
      const offs = [
        hub.on('changed', (e) => {
          if (e.entity === 'handovers' || e.entity === 'sync') schedule();
        }),
        hub.on('sync', schedule),
        hub.on('device', (e) => {
          if (e.device.batch === batch) schedule();
        }),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
    batch,
  );
  const stepTitle = (state: HandoverState) => {
    const step = handoverSteps.find((x) => x.state === state);
    return step ? intl.formatMessage(step.title) : state;
  };
  const s = status.value;
  const total = s ? Object.values(s.counts).reduce((n, v) => n + v, 0) : 0;
  const provisioned = batchInfo ? batchInfo.counts.total - batchInfo.counts.pending : 0;

  return (
    <div className="handover-panel">
      <div className="card">
        <div className="card-header">
          <div>
            <h2 className="card-title"><FormattedMessage id="handover.panelTitle" defaultMessage="Hand-over to the cloud" /></h2>
            <p className="card-subtitle">
<FormattedMessage id="handover.panelText" defaultMessage="Each device is told its long-term server in shared attributes, after sync has made it known there with the same credentials, and confirms before the station counts it handed over." />
            </p>
          </div>
          <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} disabled={provisioned === 0}>
            {total === 0 ? <FormattedMessage id="handover.open" defaultMessage="Hand over…" /> : <FormattedMessage id="handover.again" defaultMessage="Hand over again…" />}
          </button>
        </div>
        {status.error && <ErrorNotice error={status.error} onRetry={() => void query.load()} />}
        {s && total > 0 && (
          <>
            <div className="state-bar" role="img" aria-label={intl.formatMessage({ id: 'handover.bar', defaultMessage: '{done, number} of {total, plural, one {# device} other {# devices}} handed over' }, { done: s.counts.confirmed, total })}
            >
              {handoverSteps.map((step) =>
                s.counts[step.state] ? <span key={step.state} className={`handover-bar-${step.state}`} style={{ flexGrow: s.counts[step.state] }} /> : null,
              )}
            </div>
            <dl className="handover-counts">
              {handoverSteps.map((step) => (
                <div key={step.state} className={`handover-count handover-count-${step.state}`} title={intl.formatMessage(step.hint)}>
                  <dt>{intl.formatMessage(step.title)}</dt>
                  <dd className="num" data-handover-count={step.state}>
                    {formatCount(s.counts[step.state])}
                  </dd>
                </div>
              ))}
            </dl>
          </>
        )}
        {s && total === 0 && (
          <p className="muted">
            {provisioned === 0
              ? <FormattedMessage id="handover.notYetProvision" defaultMessage="Not handed over yet. Provision devices first." />
              : <FormattedMessage id="handover.notYet" defaultMessage="Not handed over yet." />}
          </p>
        )}
      </div>
      {s && s.devices.length > 0 && (
        <table className="table handover-table" aria-label={intl.formatMessage({ id: 'handover.table', defaultMessage: 'Hand-over of each device' })}>
          <thead>
            <tr>
              <th scope="col"><FormattedMessage id="handover.colDevice" defaultMessage="Device" /></th>
              <th scope="col"><FormattedMessage id="handover.colStep" defaultMessage="Step" /></th>
              <th scope="col"><FormattedMessage id="handover.colCloud" defaultMessage="Cloud" /></th>
              <th scope="col"><FormattedMessage id="handover.colSince" defaultMessage="Since" /></th>
              <th scope="col"><FormattedMessage id="handover.colWhy" defaultMessage="Why" /></th>
            </tr>
          </thead>
          <tbody>
            {s.devices.map((d) => (
              <tr key={d.device} data-device={d.device}>
                <td className="name">{d.device}</td>
                <td>
                  <span className={`badge handover-badge-${d.state}`} data-handover-state={d.state}>
                    <span className="badge-dot" aria-hidden="true" />
                    {stepTitle(d.state)}
                  </span>
                </td>
                <td>{d.target}</td>
                <td>
                  <RelativeTime iso={d.updatedAt} />
                </td>
                <td>
                  <StationReason text={d.reason} className="muted" empty="" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <HandoverDialog
          batch={batch}
          provisioned={provisioned}
          pending={batchInfo?.counts.pending ?? 0}
          onClose={() => setOpen(false)}
          onStarted={() => {
            setOpen(false);
            void query.load();
          }}
        />
      )}
    </div>
  );
}

import { useState } from 'react';
import type { Batch } from '../../../../../shared/batches.ts';
import type { HandoverState } from '../../../../../shared/handover.ts';
import { useStation } from '../../../app/station.tsx';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { formatCount, RelativeTime } from '../../../components/time.tsx';
import { useLiveQuery } from '../../../data/use-live-query.ts';
import { HandoverDialog } from './HandoverDialog.tsx';

/** In the order a device goes through them; the words a technician reads for each. */
export const handoverSteps: { state: HandoverState; title: string; hint: string }[] = [
  { state: 'syncing', title: 'Waiting for the cloud', hint: 'sync has not delivered the device yet; it is told nothing until the cloud knows it' },
  { state: 'waiting', title: 'Told, not yet received', hint: 'its new server is set; the device has not read it yet (it may be off)' },
  { state: 'delivered', title: 'Received', hint: 'the device read its new server and has not confirmed yet' },
  { state: 'confirmed', title: 'Handed over', hint: 'the device confirmed; it lives on its cloud now' },
  { state: 'timed-out', title: 'Timed out', hint: 'no confirmation in time: check the device, then hand it over again' },
  { state: 'failed', title: 'Failed', hint: 'the hand-over cannot go on; the reason is on its row' },
];

/** A batch's hand-over: progress by step, live, each device's step and reason, and starting one. */
export function HandoverPanel({ batch, batchInfo }: { batch: string; batchInfo: Batch | null }) {
  const { api, hub } = useStation();
  const [open, setOpen] = useState(false);
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
  const s = status.value;
  const total = s ? Object.values(s.counts).reduce((n, v) => n + v, 0) : 0;
  const provisioned = batchInfo ? batchInfo.counts.total - batchInfo.counts.pending : 0;

  return (
    <div className="handover-panel">
      <div className="card">
        <div className="card-header">
          <div>
            <h2 className="card-title">Hand-over to the cloud</h2>
            <p className="card-subtitle">
              Each device is told its long-term server in shared attributes, after sync has made it known there with the same
              credentials, and confirms before the station counts it handed over.
            </p>
          </div>
          <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} disabled={provisioned === 0}>
            {total === 0 ? 'Hand over…' : 'Hand over again…'}
          </button>
        </div>
        {status.error && <ErrorNotice error={status.error} onRetry={() => void query.load()} />}
        {s && total > 0 && (
          <>
            <div className="state-bar" role="img" aria-label={`${formatCount(s.counts.confirmed)} of ${formatCount(total)} devices handed over`}>
              {handoverSteps.map((step) =>
                s.counts[step.state] ? <span key={step.state} className={`handover-bar-${step.state}`} style={{ flexGrow: s.counts[step.state] }} /> : null,
              )}
            </div>
            <dl className="handover-counts">
              {handoverSteps.map((step) => (
                <div key={step.state} className={`handover-count handover-count-${step.state}`} title={step.hint}>
                  <dt>{step.title}</dt>
                  <dd className="num" data-handover-count={step.state}>
                    {formatCount(s.counts[step.state])}
                  </dd>
                </div>
              ))}
            </dl>
          </>
        )}
        {s && total === 0 && <p className="muted">Not handed over yet. {provisioned === 0 ? 'Provision devices first.' : ''}</p>}
      </div>
      {s && s.devices.length > 0 && (
        <table className="table handover-table" aria-label="Hand-over of each device">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Step</th>
              <th scope="col">Cloud</th>
              <th scope="col">Since</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {s.devices.map((d) => (
              <tr key={d.device} data-device={d.device}>
                <td className="name">{d.device}</td>
                <td>
                  <span className={`badge handover-badge-${d.state}`} data-handover-state={d.state}>
                    <span className="badge-dot" aria-hidden="true" />
                    {handoverSteps.find((x) => x.state === d.state)?.title ?? d.state}
                  </span>
                </td>
                <td>{d.target}</td>
                <td>
                  <RelativeTime iso={d.updatedAt} />
                </td>
                <td className="muted">{d.reason ?? ''}</td>
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

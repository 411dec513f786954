import type { StationStatus } from '../../../shared/station.ts';

const listenerTitles: Record<string, string> = {
  ui: 'Admin UI and API (this machine only)',
  http: 'HTTP provisioning',
  mqtt: 'MQTT broker',
  coap: 'CoAP provisioning',
};

export function StatusScreen({ status }: { status: StationStatus }) {
  const { counters } = status;
  return (
    <section aria-labelledby="status-title" className="screen">
      <h1 id="status-title">Station status</h1>
      <dl className="facts">
        <dt>Data directory</dt>
        <dd>
          <code>{status.dataDir}</code>
        </dd>
        <dt>Version</dt>
        <dd>{status.version}</dd>
        <dt>Running since</dt>
        <dd>{status.startedAt ? new Date(status.startedAt).toLocaleString() : 'not serving'}</dd>
      </dl>
      <h2>Listeners</h2>
      <table className="table" aria-label="Listeners">
        <thead>
          <tr>
            <th scope="col">Listener</th>
            <th scope="col">Address</th>
          </tr>
        </thead>
        <tbody>
          {status.listeners.map((l) => (
            <tr key={l.name}>
              <td>{listenerTitles[l.name] ?? l.name}</td>
              <td>
                <code>{l.url}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Devices</h2>
      <ul className="counters" aria-label="Devices by state">
        <li className="state-pending">
          <strong>{counters.devices.pending}</strong> pending
        </li>
        <li className="state-provisioned">
          <strong>{counters.devices.provisioned}</strong> provisioned
        </li>
        <li className="state-online">
          <strong>{counters.devices.online}</strong> online
        </li>
        <li>
          <strong>{counters.profiles}</strong> profiles
        </li>
        <li>
          <strong>{counters.outbox}</strong> waiting for sync
        </li>
      </ul>
    </section>
  );
}

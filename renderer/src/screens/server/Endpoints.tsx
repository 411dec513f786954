import type { ListenerInfo, ListenerName } from '../../../../shared/station.ts';
import { CopyButton } from '../../components/CopyButton.tsx';

const titles: Record<ListenerName, { title: string; note: string }> = {
  ui: { title: 'Admin UI and API', note: 'This computer only' },
  http: { title: 'HTTP', note: 'Devices' },
  mqtt: { title: 'MQTT broker', note: 'Devices' },
  coap: { title: 'CoAP', note: 'Devices' },
};

const wildcardHosts = new Set(['0.0.0.0', '[::]', '::']);

/** What a device is configured with, per transport (ThingsBoard's endpoints, so stock firmware works unchanged). */
function provisioning(l: ListenerInfo): { url: string; how: string } | null {
  let base: URL;
  try {
    base = new URL(l.url);
  } catch {
    return null;
  }
  switch (l.name) {
    case 'http':
      return { url: new URL('/api/v1/provision', base).href, how: 'POST the JSON request to this URL' };
    case 'coap':
      return { url: `coap://${base.host}/api/v1/provision`, how: 'POST (confirmable) to this URI' };
    case 'mqtt':
      return {
        url: `mqtt://${base.host}`,
        how: 'Connect with user name “provision”, publish to /provision/request; the answer comes on /provision/response',
      };
    default:
      return null;
  }
}

function isWildcard(l: ListenerInfo): boolean {
  try {
    return wildcardHosts.has(new URL(l.url).hostname) || wildcardHosts.has(l.address);
  } catch {
    return wildcardHosts.has(l.address);
  }
}

export function Endpoints({ listeners }: { listeners: readonly ListenerInfo[] }) {
  const deviceListeners = listeners.filter((l) => l.name !== 'ui');
  const anyWildcard = deviceListeners.some(isWildcard);
  return (
    <div className="grid-2">
      <section aria-labelledby="endpoints-title" className="card">
        <div className="card-header">
          <h2 id="endpoints-title">Point devices here</h2>
        </div>
        {deviceListeners.length === 0 ? (
          <p className="empty-inline">
            No device listener is running, so devices cannot provision yet. Start the station with its HTTP, MQTT or CoAP
            port enabled.
          </p>
        ) : (
          <ul className="endpoint-list" aria-label="Provisioning endpoints">
            {deviceListeners.map((l) => {
              const p = provisioning(l);
              if (!p) return null;
              return (
                <li key={l.name} className="endpoint">
                  <span className={`transport transport-${l.name}`}>{l.name.toUpperCase()}</span>
                  <div className="endpoint-body">
                    <div className="copy-field">
                      <code>{p.url}</code>
                      <CopyButton value={p.url} what={`${titles[l.name].title} provisioning URL`} />
                    </div>
                    <span className="endpoint-how">{p.how}</span>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {anyWildcard && (
          <p className="card-footnote">
            The station listens on every network interface of this computer: on the site network, devices use this
            computer’s IP address in place of <code>0.0.0.0</code>.
          </p>
        )}
      </section>
      <section aria-labelledby="listeners-title" className="card">
        <div className="card-header">
          <h2 id="listeners-title">Listeners</h2>
        </div>
        <table className="table compact" aria-labelledby="listeners-title">
          <thead>
            <tr>
              <th scope="col">Listener</th>
              <th scope="col">URL</th>
            </tr>
          </thead>
          <tbody>
            {listeners.map((l) => (
              <tr key={l.name} data-listener={l.name}>
                <th scope="row">
                  <span className="listener-title">{titles[l.name]?.title ?? l.name}</span>
                  <span className="listener-note">{titles[l.name]?.note}</span>
                </th>
                <td>
                  <div className="copy-field">
                    <code className="nowrap">{l.url}</code>
                    <CopyButton value={l.url} what={`${titles[l.name]?.title ?? l.name} URL`} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

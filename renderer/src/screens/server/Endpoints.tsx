import { defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import { useState } from 'react';
import type { ListenerInfo, ListenerName } from '../../../../shared/station.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';
import { Qr } from '../../components/Qr.tsx';
import { Listeners } from './Listeners.tsx';
import { listenerTitle } from './titles.ts';


const wildcardHosts = new Set(['0.0.0.0', '[::]', '::']);
const how = defineMessages({
  http: { id: 'server.endpoints.howHttp', defaultMessage: 'POST the JSON request to this URL' },
  coap: { id: 'server.endpoints.howCoap', defaultMessage: 'POST (confirmable) to this URI' },
  // A device that publishes first can miss its answer and be stuck with a used-up token (issue 15).
  mqtt: {
    id: 'server.endpoints.howMqtt',
    defaultMessage:
      'Connect with user name “provision”, subscribe to /provision/response first, then publish to /provision/request: the answer comes only once',
  },
  https: { id: 'server.endpoints.howHttps', defaultMessage: 'POST the JSON request to this URL; trust the station’s CA certificate (below)' },
  mqtts: {
    id: 'server.endpoints.howMqtts',
    defaultMessage: 'As MQTT, over TLS; a device provisioned with an X.509 certificate connects with it, no user name needed',
  },
} satisfies Record<Exclude<ListenerName, 'ui'>, MessageDescriptor>);

/** The provisioning endpoint of a listener at `url`'s host (ThingsBoard's endpoints, so stock firmware works unchanged). */
export function endpointOf(name: ListenerName, url: string): string | null {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    return null;
  }
  switch (name) {
    case 'http':
      return new URL('/api/v1/provision', base).href;
    case 'coap':
      return `coap://${base.host}/api/v1/provision`;
    case 'https':
      return new URL('/api/v1/provision', base).href;
    case 'mqtt':
      return `mqtt://${base.host}`;
    case 'mqtts':
      return `mqtts://${base.host}`;
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

/** The addresses a device on the site network uses: one per network interface, else the bound one. */
function addressesOf(l: ListenerInfo): string[] {
  const lan = (l.lanUrls ?? []).map((u) => endpointOf(l.name, u)).filter((u): u is string => u !== null);
  if (lan.length) return lan;
  const own = endpointOf(l.name, l.url);
  return own ? [own] : [];
}

export function Endpoints({ listeners }: { listeners: readonly ListenerInfo[] }) {
  const deviceListeners = listeners.filter((l) => l.name !== 'ui' && l.enabled !== false);
  const anyWildcard = deviceListeners.some((l) => isWildcard(l) && (l.lanUrls ?? []).length === 0);
  const [qr, setQr] = useState<{ url: string; what: string } | null>(null);
  const intl = useIntl();
  const urlWhat = (name: ListenerName) =>
    intl.formatMessage({ id: 'server.endpoints.urlWhat', defaultMessage: '{listener} provisioning URL' }, { listener: listenerTitle(name).title });
  return (
    <div className="grid-2">
      <section aria-labelledby="endpoints-title" className="card">
        <div className="card-header">
          <h2 id="endpoints-title">
            <FormattedMessage id="server.endpoints.title" defaultMessage="Point devices here" />
          </h2>
        </div>
        {deviceListeners.length === 0 ? (
          <p className="empty-inline">
            <FormattedMessage
              id="server.endpoints.allOff"
              defaultMessage="Every device listener is off, so devices cannot provision yet. Switch HTTP, MQTT or CoAP on under Listeners."
            />
          </p>
        ) : (
          <ul className="endpoint-list" aria-label={intl.formatMessage({ id: 'server.endpoints.list', defaultMessage: 'Provisioning endpoints' })}>
            {deviceListeners.map((l) => (
              <li key={l.name} className="endpoint" data-endpoint={l.name}>
                <span className={`transport transport-${l.name}`}>{l.name.toUpperCase()}</span>
                <div className="endpoint-body">
                  {addressesOf(l).map((url) => (
                    <div key={url} className="copy-field">
                      <code>{url}</code>
                      <CopyButton value={url} what={`${urlWhat(l.name)} ${url}`} />
                      <button
                        type="button"
                        className="btn btn-icon copy-button"
                        onClick={() => setQr({ url, what: urlWhat(l.name) })}
                        aria-label={intl.formatMessage({ id: 'server.endpoints.showQr', defaultMessage: 'Show {url} as a QR code' }, { url })}
                        title={intl.formatMessage({ id: 'server.endpoints.showQrHint', defaultMessage: 'Show as a QR code for a phone' })}
                      >
                        <Icon name="qr" />
                      </button>
                    </div>
                  ))}
                  <span className="endpoint-how">{intl.formatMessage(how[l.name as keyof typeof how])}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
        {anyWildcard && (
          <p className="card-footnote">
            <FormattedMessage
              id="server.endpoints.wildcard"
              defaultMessage="The station listens on every network interface of this computer: on the site network, devices use this computer’s IP address in place of <code>0.0.0.0</code>."
              values={{ code: (text) => <code>{text}</code> }}
            />
          </p>
        )}
      </section>
      <Listeners listeners={listeners} />
      {qr && (
        <Modal title={qr.what} onClose={() => setQr(null)} className="qr-dialog">
          <div className="qr-big">
            <Qr text={qr.url} sizeCss="260px" label={intl.formatMessage({ id: 'server.endpoints.qrOf', defaultMessage: 'QR code of {url}' }, { url: qr.url })} />
            <code>{qr.url}</code>
          </div>
          <p className="muted">
            <FormattedMessage
              id="server.endpoints.qrHint"
              defaultMessage="Point a phone’s camera at it to copy the address onto the phone, or into a device’s setup app."
            />
          </p>
        </Modal>
      )}
    </div>
  );
}

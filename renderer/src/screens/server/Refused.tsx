import { defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import type { RefusalReason, Refusals } from '../../../../shared/station.ts';
import { formatCount } from '../../components/time.tsx';
import { type NewReason, newReasonMessages } from './refusal-reasons.ts';
import { listenerTitle } from './titles.ts';

const reasonText = defineMessages({
  'address-connections': { id: 'server.refused.addressConnections', defaultMessage: 'too many open connections from one address' },
  'address-rate': { id: 'server.refused.addressRate', defaultMessage: 'connecting (CoAP: sending) too fast from one address' },
  'listener-connections': { id: 'server.refused.listenerFull', defaultMessage: 'listener full' },
  'too-large': { id: 'server.refused.tooLarge', defaultMessage: 'packet or body over the size limit' },
} satisfies Record<Exclude<RefusalReason, NewReason>, MessageDescriptor>);

/**
 * Peers the device listeners turned away since the station started, by listener and reason, and the noisiest
 * addresses: a device in a reconnect loop, a scanner, or a site behind one NAT that needs higher limits.
 */
export function Refused({ refused }: { refused: Refusals }) {
  const { limits } = refused;
  const intl = useIntl();
  const refusedHeader = <FormattedMessage id="server.refused.colRefused" defaultMessage="Refused" />;
  const listenerHeader = <FormattedMessage id="server.refused.colListener" defaultMessage="Listener" />;
  return (
    <section aria-labelledby="refused-title" className="card">
      <div className="card-header">
        <h2 id="refused-title">
          <FormattedMessage id="server.refused.title" defaultMessage="Refused" />
        </h2>
        <span className="muted">
          <FormattedMessage
            id="server.refused.sinceStart"
            defaultMessage="<strong>{count, number}</strong> since start"
            values={{
              count: refused.total,
              strong: (text) => (
                <strong className="num" data-refused-total={refused.total}>
                  {text}
                </strong>
              ),
            }}
          />
        </span>
      </div>
      <p className="muted">
        <FormattedMessage
          id="server.refused.limits"
          defaultMessage="Each address may hold {perAddress, number} connections and open {rate, number} a second on each listener; a listener takes {perListener, number} in all. Raise them with <code>fieldstation serve --max-connections-per-address</code>, <code>--max-connection-rate</code> and <code>--max-connections</code>."
          values={{
            perAddress: limits.connectionsPerAddress,
            rate: limits.connectionRatePerAddress,
            perListener: limits.connectionsPerListener,
            code: (text) => <code>{text}</code>,
          }}
        />
      </p>
      <p className="muted">
        <FormattedMessage
          id="server.refused.protocolLimits"
          defaultMessage="Each protocol has its own bounds too: MQTT keep-alive and packet size, HTTP header and request timeouts, CoAP message size and blockwise transfers per address (see fieldstation serve --help)."
        />
      </p>
      {refused.total > 0 && (
        <>
          <table className="table compact" aria-label={intl.formatMessage({ id: 'server.refused.byReason', defaultMessage: 'Refused by listener and reason' })}
          >
            <thead>
              <tr>
                <th scope="col">{listenerHeader}</th>
                <th scope="col">
                  <FormattedMessage id="server.refused.colReason" defaultMessage="Reason" />
                </th>
                <th scope="col" className="num">
                  {refusedHeader}
                </th>
              </tr>
            </thead>
            <tbody>
              {refused.byReason.map((r) => (
                <tr key={`${r.transport} ${r.reason}`}>
                  <td>{listenerTitle(r.transport).title}</td>
                  <td>
                    {r.reason in newReasonMessages ? (
                      <FormattedMessage {...newReasonMessages[r.reason as NewReason]} />
                    ) : (
                      intl.formatMessage(reasonText[r.reason as Exclude<RefusalReason, NewReason>])
                    )}
                  </td>
                  <td className="num">{formatCount(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="table compact" aria-label={intl.formatMessage({ id: 'server.refused.topAddresses', defaultMessage: 'Most refused addresses' })}>
            <thead>
              <tr>
                <th scope="col">
                  <FormattedMessage id="server.refused.colAddress" defaultMessage="Address" />
                </th>
                <th scope="col" className="num">
                  {refusedHeader}
                </th>
              </tr>
            </thead>
            <tbody>
              {refused.topAddresses.map((a) => (
                <tr key={a.address}>
                  <td>
                    <code>{a.address}</code>
                  </td>
                  <td className="num">{formatCount(a.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

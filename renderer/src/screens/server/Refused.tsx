import { FormattedMessage } from 'react-intl';
import type { RefusalReason, Refusals } from '../../../../shared/station.ts';
import { formatCount } from '../../components/time.tsx';
import { newReasonMessages, type NewReason } from './refusal-reasons.ts';
import { listenerTitles } from './titles.ts';

const reasonText: Record<Exclude<RefusalReason, NewReason>, string> = {
  'address-connections': 'too many open connections from one address',
  'address-rate': 'connecting (CoAP: sending) too fast from one address',
  'listener-connections': 'listener full',
  'too-large': 'packet or body over the size limit',
};

/**
 * Peers the device listeners turned away since the station started, by listener and reason, and the noisiest
 * addresses: a device in a reconnect loop, a scanner, or a site behind one NAT that needs higher limits.
 */
export function Refused({ refused }: { refused: Refusals }) {
  const { limits } = refused;
  return (
    <section aria-labelledby="refused-title" className="card">
      <div className="card-header">
        <h2 id="refused-title">Refused</h2>
        <span className="muted">
          <strong className="num" data-refused-total={refused.total}>
            {formatCount(refused.total)}
          </strong>{' '}
          since start
        </span>
      </div>
      <p className="muted">
        Each address may hold {formatCount(limits.connectionsPerAddress)} connections and open{' '}
        {formatCount(limits.connectionRatePerAddress)} a second on each listener; a listener takes{' '}
        {formatCount(limits.connectionsPerListener)} in all. Raise them with <code>fieldstation serve --max-connections-per-address</code>,{' '}
        <code>--max-connection-rate</code> and <code>--max-connections</code>.
      </p>
      <p className="muted">
        <FormattedMessage
          id="server.refused.protocolLimits"
          defaultMessage="Each protocol has its own bounds too: MQTT keep-alive and packet size, HTTP header and request timeouts, CoAP message size and blockwise transfers per address (see fieldstation serve --help)."
        />
      </p>
      {refused.total > 0 && (
        <>
          <table className="table compact" aria-label="Refused by listener and reason">
            <thead>
              <tr>
                <th scope="col">Listener</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Refused
                </th>
              </tr>
            </thead>
            <tbody>
              {refused.byReason.map((r) => (
                <tr key={`${r.transport} ${r.reason}`}>
                  <td>{listenerTitles[r.transport].title}</td>
                  <td>{r.reason in newReasonMessages ? <FormattedMessage {...newReasonMessages[r.reason as NewReason]} /> : reasonText[r.reason as Exclude<RefusalReason, NewReason>]}</td>
                  <td className="num">{formatCount(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="table compact" aria-label="Most refused addresses">
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col" className="num">
                  Refused
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

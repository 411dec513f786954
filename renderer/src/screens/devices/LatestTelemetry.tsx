import { FormattedMessage } from 'react-intl';
import type { DeviceDetail } from '../../../../shared/devices.ts';
import { RelativeTime } from '../../components/time.tsx';
import { displayValue } from '../attributes/attribute-rows.ts';

/** The latest value of each telemetry key the device sent, and when. */
export function LatestTelemetry({ telemetry: byKey }: { telemetry: DeviceDetail['telemetry'] }) {
  const telemetry = Object.entries(byKey);
  return (
    <section aria-labelledby="tele-title" className="drawer-section">
      <h3 id="tele-title"><FormattedMessage id="telemetry.title" defaultMessage="Latest telemetry" /></h3>
      {telemetry.length === 0 ? (
        <p className="muted"><FormattedMessage id="telemetry.empty" defaultMessage="Nothing received yet. Values show here as soon as the device sends telemetry." /></p>
      ) : (
        <table className="table compact kv" aria-labelledby="tele-title">
          <thead>
            <tr>
              <th scope="col"><FormattedMessage id="telemetry.colKey" defaultMessage="Key" /></th>
              <th scope="col"><FormattedMessage id="telemetry.colValue" defaultMessage="Value" /></th>
              <th scope="col"><FormattedMessage id="telemetry.colWhen" defaultMessage="When" /></th>
            </tr>
          </thead>
          <tbody>
            {telemetry.map(([key, t]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>
                  <code className="wrap">{displayValue(t.value)}</code>
                </td>
                <td>
                  <RelativeTime iso={t.ts} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

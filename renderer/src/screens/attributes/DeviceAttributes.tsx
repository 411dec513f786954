import { defineMessage, defineMessages, FormattedMessage, type MessageDescriptor, useIntl } from 'react-intl';
import type { AttributeLevel, DeviceAttributesView } from '../../../../shared/attributes.ts';
import { useStation } from '../../app/station.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useLiveQuery } from '../../data/use-live-query.ts';
import { displayValue } from './attribute-rows.ts';

const scopeTitles = [
  {
    scope: 'client',
    title: defineMessage({ id: 'attributes.scope.client', defaultMessage: 'Reported by the device' }),
    empty: defineMessage({ id: 'attributes.scope.clientEmpty', defaultMessage: 'The device has reported no client attributes.' }),
  },
  {
    scope: 'shared',
    title: defineMessage({ id: 'attributes.scope.shared', defaultMessage: 'Received by the device' }),
    empty: defineMessage({ id: 'attributes.scope.sharedEmpty', defaultMessage: 'No shared attributes: set some below, on its batch or on its profile.' }),
  },
  { scope: 'server', title: defineMessage({ id: 'attributes.scope.server', defaultMessage: 'Kept by the station' }), empty: defineMessage({ id: 'attributes.scope.serverEmpty', defaultMessage: 'No server attributes.' }) },
] as const;

const levelTitles = defineMessages({
  device: { id: 'attributes.level.device', defaultMessage: 'this device' },
  batch: { id: 'attributes.level.batch', defaultMessage: 'batch' },
  profile: { id: 'attributes.level.profile', defaultMessage: 'profile' },
} satisfies Record<AttributeLevel, MessageDescriptor>);

/**
 * A device's attributes by ThingsBoard scope, live: what it reported, what it receives (and from which level), the
 * server's. One read under the device's name: the levels each value comes from are in the answer (sharedFrom), so a
 * rename of its batch or profile cannot leave a read under the old name in flight.
 */
export function DeviceAttributes({ device }: { device: string }) {
  const { api, hub } = useStation();
  const intl = useIntl();
  const [seen, query] = useLiveQuery<DeviceAttributesView>(
    () => api['attributes.list']({ device }),
    (schedule) => {
      const offs = [
        hub.on('changed', (e) => {
          if (e.entity === 'attributes' || e.entity === 'handovers') schedule();
        }),
        // Client attributes arrive with the device's own messages.
        hub.on('device', (e) => {
          if (e.device.name === device) schedule();
        }),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
    device,
  );

  if (seen.error && !seen.value) return <ErrorNotice error={seen.error} onRetry={() => void query.load()} />;
  if (!seen.value) return <p className="muted"><FormattedMessage id="common.loading" defaultMessage="Loading…" /></p>;
  const scopes = seen.value;

  return (
    <div className="device-attributes">
      {scopeTitles.map(({ scope, title, empty }) => {
        const entries = Object.entries(scopes[scope]).sort(([a], [b]) => a.localeCompare(b));
        const headingId = `attr-${scope}-title`;
        return (
          <div key={scope} className="attribute-scope" data-scope={scope}>
            <h4 id={headingId}>
              {intl.formatMessage(title)} <span className="muted">· {scope}</span>
            </h4>
            {entries.length === 0 ? (
              <p className="muted">{intl.formatMessage(empty)}</p>
            ) : (
              <table className="table compact kv" aria-labelledby={headingId}>
                <thead>
                  <tr>
                    <th scope="col"><FormattedMessage id="telemetry.colKey" defaultMessage="Key" /></th>
                    <th scope="col"><FormattedMessage id="telemetry.colValue" defaultMessage="Value" /></th>
                    {scope === 'shared' && <th scope="col"><FormattedMessage id="attributes.colFrom" defaultMessage="From" /></th>}
                  </tr>
                </thead>
                <tbody>
                  {entries.map(([key, value]) => {
                    const source: AttributeLevel | null = scope === 'shared' ? (scopes.sharedFrom[key] ?? null) : null;
                    return (
                      <tr key={key} data-attribute={key}>
                        <th scope="row">{key}</th>
                        <td>
                          <code className="wrap">{displayValue(value)}</code>
                        </td>
                        {scope === 'shared' && (
                          <td data-source={source ?? 'station'}>
                            <span className={`badge attribute-source-${source ?? 'station'}`}>{source ? intl.formatMessage(levelTitles[source]) : intl.formatMessage({ id: 'attributes.level.station', defaultMessage: 'station' })}</span>
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
      {seen.error && <ErrorNotice error={seen.error} onRetry={() => void query.load()} />}
    </div>
  );
}

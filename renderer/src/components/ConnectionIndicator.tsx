import { defineMessages, type MessageDescriptor, useIntl } from 'react-intl';
import type { Connection } from '../api/live.ts';

const text = {
  connecting: defineMessages({
    label: { id: 'connection.connecting', defaultMessage: 'Connecting…' },
    hint: { id: 'connection.connectingHint', defaultMessage: 'Opening the live connection to the station' },
  }),
  live: defineMessages({
    label: { id: 'connection.live', defaultMessage: 'Live' },
    hint: { id: 'connection.liveHint', defaultMessage: 'Connected: devices and attempts update as they happen' },
  }),
  reconnecting: defineMessages({
    label: { id: 'connection.reconnecting', defaultMessage: 'Reconnecting…' },
    hint: { id: 'connection.reconnectingHint', defaultMessage: 'The connection dropped; reconnecting by itself' },
  }),
  offline: defineMessages({
    label: { id: 'connection.offline', defaultMessage: 'Station offline' },
    hint: { id: 'connection.offlineHint', defaultMessage: 'The station is not answering; retrying in the background' },
  }),
  'signed-out': defineMessages({
    label: { id: 'connection.signedOut', defaultMessage: 'Signed out' },
    hint: { id: 'connection.signedOutHint', defaultMessage: 'The station no longer accepts this window: open the link it printed' },
  }),
} satisfies Record<Connection, { label: MessageDescriptor; hint: MessageDescriptor }>;

export function ConnectionIndicator({ connection }: { connection: Connection }) {
  const intl = useIntl();
  return (
    <output
      className={`connection connection-${connection}`}
      aria-live="polite"
      data-connection={connection}
      title={intl.formatMessage(text[connection].hint)}
    >
      <span className="connection-dot" aria-hidden="true" />
      {intl.formatMessage(text[connection].label)}
    </output>
  );
}

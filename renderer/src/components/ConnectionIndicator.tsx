import type { Connection } from '../api/live.ts';

const text: Record<Connection, { label: string; hint: string }> = {
  connecting: { label: 'Connecting…', hint: 'Opening the live connection to the station' },
  live: { label: 'Live', hint: 'Connected: devices and attempts update as they happen' },
  reconnecting: { label: 'Reconnecting…', hint: 'The connection dropped; reconnecting by itself' },
  offline: { label: 'Station offline', hint: 'The station is not answering; retrying in the background' },
  'signed-out': { label: 'Signed out', hint: 'The station no longer accepts this window: open the link it printed' },
};

export function ConnectionIndicator({ connection }: { connection: Connection }) {
  return (
    <output
      className={`connection connection-${connection}`}
      aria-live="polite"
      data-connection={connection}
      title={text[connection].hint}
    >
      <span className="connection-dot" aria-hidden="true" />
      {text[connection].label}
    </output>
  );
}

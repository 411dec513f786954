import type { Connection } from '../api/live.ts';

const text: Record<Connection, string> = {
  live: 'Live',
  connecting: 'Reconnecting…',
  offline: 'Station offline',
};

export function ConnectionIndicator({ connection }: { connection: Connection }) {
  return (
    <output className={`connection connection-${connection}`} aria-live="polite" data-connection={connection}>
      <span className="dot" aria-hidden="true" />
      {text[connection]}
    </output>
  );
}

import { useEffect, useRef, useState } from 'react';
import { StationEvent } from '../../../shared/events.ts';

export type Connection = 'connecting' | 'live' | 'offline';

/**
 * The live event stream. EventSource reconnects by itself (the station sends `retry: 1000`), so when the engine
 * restarts the indicator goes offline and comes back without a reload.
 */
export function useLiveEvents(onEvent: (event: StationEvent) => void): Connection {
  const [connection, setConnection] = useState<Connection>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const source = new EventSource('/api/events');
    const receive = (message: MessageEvent<string>) => {
      const parsed = StationEvent.safeParse(JSON.parse(message.data));
      if (parsed.success) handler.current(parsed.data);
    };
    for (const type of StationEvent.options.map((o) => o.shape.type.value)) source.addEventListener(type, receive);
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => source.close();
  }, []);
  return connection;
}

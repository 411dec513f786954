import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StationEvent } from '../../../shared/events.ts';
import type { EventBus } from '../event-bus.ts';

/** Server-sent events: the UI's live feed. A comment line every 15 s keeps proxies and idle timers quiet. */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  bus: EventBus,
  hello: () => StationEvent,
): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  const send = (event: StationEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  // The client reconnects by itself (EventSource); tell it how soon after the engine restarts.
  res.write('retry: 1000\n\n');
  send(hello());
  const unsubscribe = bus.subscribe(send);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const close = () => {
    clearInterval(keepAlive);
    unsubscribe();
    res.end();
  };
  req.on('close', close);
  return close;
}

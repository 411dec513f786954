import type { StationEvent } from '../../shared/events.ts';

export type EventListener = (event: StationEvent) => void;

/** In-process fan-out of station events to the live stream(s) of the admin API. */
export interface EventBus {
  publish(event: StationEvent): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<EventListener>();
  return {
    publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

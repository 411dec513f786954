import type { StationEvent, StationEventType } from '../../../shared/events.ts';

type Of<T extends StationEventType> = Extract<StationEvent, { type: T }>;

/** Fan-out of the one live stream to whoever listens (stores, the open drawer), by event type. */
export class EventHub {
  private readonly listeners = new Map<StationEventType, Set<(event: StationEvent) => void>>();

  emit(event: StationEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) listener(event);
  }

  on<T extends StationEventType>(type: T, listener: (event: Of<T>) => void): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    const wrapped = listener as (event: StationEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }
}

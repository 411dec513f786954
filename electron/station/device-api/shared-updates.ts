import { type AttributeMap, type SharedDelta, sharedDelta } from './wire.ts';

// Sessions subscribed to a device's shared-attribute updates (MQTT `v1/devices/me/attributes`, CoAP observe, HTTP
// long poll). ThingsBoard's device actor tells attributeSubscriptions of every shared attribute saved or deleted
// (DeviceActorMessageProcessor.processAttributesUpdate). Here a value can come from the device, its batch or its
// profile, so each subscriber keeps the view it last saw and is told what changed in it: a key that moves from the
// batch's value to the device's own is an update, a key no level defines any more is deleted.

interface Subscriber {
  seen: AttributeMap;
  notify: (delta: SharedDelta) => void;
}

export function createSharedUpdates(effectiveShared: (deviceId: number) => AttributeMap) {
  const subscribers = new Map<number, Set<Subscriber>>();

  return {
    /** From now on `notify` hears every change to what the device receives. */
    subscribe(deviceId: number, notify: (delta: SharedDelta) => void): () => void {
      const subscriber: Subscriber = { seen: effectiveShared(deviceId), notify };
      const set = subscribers.get(deviceId) ?? new Set<Subscriber>();
      subscribers.set(deviceId, set);
      set.add(subscriber);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && subscribers.get(deviceId) === set) subscribers.delete(deviceId);
      };
    },

    /**
     * Re-reads the shared attributes of these devices (all subscribed devices when omitted) and tells each
     * subscriber what changed since it last heard. Call after the change committed, from any writer: the admin
     * API here, or a watcher that noticed another process wrote the database.
     */
    refresh(deviceIds?: Iterable<number>): number {
      let told = 0;
      for (const deviceId of deviceIds ?? [...subscribers.keys()]) {
        const set = subscribers.get(deviceId);
        if (!set || set.size === 0) continue;
        const now = effectiveShared(deviceId);
        for (const subscriber of [...set]) {
          const delta = sharedDelta(subscriber.seen, now);
          subscriber.seen = now;
          if (!delta) continue;
          told++;
          subscriber.notify(delta);
        }
      }
      return told;
    },

    subscribedDevices(): number[] {
      return [...subscribers.keys()];
    },

    close(): void {
      subscribers.clear();
    },
  };
}
export type SharedUpdates = ReturnType<typeof createSharedUpdates>;

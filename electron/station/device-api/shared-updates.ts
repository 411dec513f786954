import { type AttributeMap, type SharedDelta, sharedDelta } from './wire.ts';

// Sessions subscribed to a device's shared-attribute updates (MQTT `v1/devices/me/attributes`, CoAP observe, HTTP
// long poll). ThingsBoard's device actor tells attributeSubscriptions of every shared attribute saved or deleted
// (DeviceActorMessageProcessor.processAttributesUpdate). Here a value can come from the device, its batch or its
// profile, so each subscriber keeps the view it last saw and is told what changed in it: a key that moves from the
// batch's value to the device's own is an update, a key no level defines any more is deleted.
//
// A new subscription starts from what the device was last told (an attributes answer, a CoAP observer's first
// answer, an earlier session's push), not from the current state: firmware that asks for its attributes and then
// subscribes would otherwise miss a change committed in between, for good. What it missed is pushed at once.

interface Subscriber {
  seen: AttributeMap;
  notify: (delta: SharedDelta) => void;
}

export function createSharedUpdates(effectiveShared: (deviceId: number) => AttributeMap) {
  const subscribers = new Map<number, Set<Subscriber>>();
  /** Per device, the shared values it was last told, key by key (only keys it heard about). */
  const told = new Map<number, AttributeMap>();

  function remember(deviceId: number, values: AttributeMap, deleted: readonly string[] = []): void {
    const known = told.get(deviceId) ?? {};
    Object.assign(known, values);
    for (const key of deleted) delete known[key];
    told.set(deviceId, known);
  }

  return {
    /** From now on `notify` hears every change to what the device receives. */
    subscribe(deviceId: number, notify: (delta: SharedDelta) => void): () => void {
      const now = effectiveShared(deviceId);
      const subscriber: Subscriber = {
        seen: now,
        notify: (delta) => {
          remember(deviceId, delta.updated, delta.deleted);
          notify(delta);
        },
      };
      const set = subscribers.get(deviceId) ?? new Set<Subscriber>();
      subscribers.set(deviceId, set);
      set.add(subscriber);
      const missed = sharedDelta({ ...now, ...told.get(deviceId) }, now);
      // After the caller has its unsubscribe handle (and MQTT its SUBACK queued): a PUBLISH may follow a SUBSCRIBE
      // before its SUBACK (MQTT 3.1.1 §3.8.4), but not before the session knows it subscribed.
      if (missed) setImmediate(() => set.has(subscriber) && subscriber.notify(missed));
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && subscribers.get(deviceId) === set) subscribers.delete(deviceId);
      };
    },

    /** The device was just told these shared values: some keys (an attributes answer) or all of them (`complete`). */
    told(deviceId: number, values: AttributeMap, complete = false): void {
      if (complete) told.delete(deviceId);
      remember(deviceId, values);
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
      told.clear();
    },
  };
}
export type SharedUpdates = ReturnType<typeof createSharedUpdates>;

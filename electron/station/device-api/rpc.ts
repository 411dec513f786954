import type { RpcRequest } from './wire.ts';

// Server-side RPC to devices, as ThingsBoard's device actor runs it with its default (non-sequential) submit
// strategy (DeviceActorMessageProcessor.processRpcRequest / sendPendingRequests / processRpcResponses /
// processServerSideRpcTimeout): request ids count up from 0 per device; a request is sent to every session
// subscribed to RPC at once, or kept pending until one subscribes or it times out; the first answer wins.

/** RpcError.TIMEOUT when it was sent and never answered, NO_ACTIVE_CONNECTION when no session ever took it. */
export type RpcOutcome = { ok: true; id: number; payload: string } | { ok: false; id: number; error: 'TIMEOUT' | 'NO_ACTIVE_CONNECTION' };

/** 'session': a lasting subscription (MQTT, CoAP observe); 'once': one HTTP long poll, removed after one request. */
export type RpcSubscriptionMode = 'session' | 'once';

interface Pending {
  request: RpcRequest;
  sent: boolean;
  settle: (outcome: RpcOutcome) => void;
  timer: NodeJS.Timeout;
}

interface Subscriber {
  mode: RpcSubscriptionMode;
  deliver: (request: RpcRequest) => void;
}

export function createRpcDispatcher() {
  const next = new Map<number, number>();
  const pending = new Map<number, Map<number, Pending>>();
  const subscribers = new Map<number, Set<Subscriber>>();

  function deliver(deviceId: number, subscriber: Subscriber, entry: Pending): void {
    entry.sent = true;
    // A sync (HTTP) session takes one request and is gone (rpcSubscriptions.remove for SessionType.SYNC).
    if (subscriber.mode === 'once') subscribers.get(deviceId)?.delete(subscriber);
    subscriber.deliver(entry.request);
  }

  return {
    /** Sends (or queues) a request; resolves with the device's answer or the reason there was none. */
    send(deviceId: number, method: string, params: unknown, timeoutMs: number): Promise<RpcOutcome> {
      const id = next.get(deviceId) ?? 0;
      next.set(deviceId, id + 1);
      return new Promise<RpcOutcome>((resolve) => {
        const mine = pending.get(deviceId) ?? new Map<number, Pending>();
        pending.set(deviceId, mine);
        const entry: Pending = {
          request: { id, method, params },
          sent: false,
          settle: (outcome) => {
            clearTimeout(entry.timer);
            mine.delete(id);
            if (mine.size === 0) pending.delete(deviceId);
            resolve(outcome);
          },
          timer: setTimeout(() => entry.settle({ ok: false, id, error: entry.sent ? 'TIMEOUT' : 'NO_ACTIVE_CONNECTION' }), timeoutMs),
        };
        entry.timer.unref();
        mine.set(id, entry);
        for (const subscriber of [...(subscribers.get(deviceId) ?? [])]) deliver(deviceId, subscriber, entry);
      });
    },

    /**
     * A session subscribed to RPC: it receives what is still pending (every request for a lasting session, the first
     * for a long poll, as sendPendingRequests does), then every new one until it unsubscribes.
     */
    subscribe(deviceId: number, mode: RpcSubscriptionMode, receive: (request: RpcRequest) => void): () => void {
      const subscriber: Subscriber = { mode, deliver: receive };
      const waiting = [...(pending.get(deviceId)?.values() ?? [])];
      if (mode === 'once' && waiting.length > 0) {
        deliver(deviceId, subscriber, waiting[0]!);
        return () => {};
      }
      const set = subscribers.get(deviceId) ?? new Set<Subscriber>();
      subscribers.set(deviceId, set);
      set.add(subscriber);
      for (const entry of waiting) deliver(deviceId, subscriber, entry);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && subscribers.get(deviceId) === set) subscribers.delete(deviceId);
      };
    },

    /** The device's answer; an unknown or already answered id is stale and ignored (processRpcResponses). */
    answer(deviceId: number, requestId: number, payload: string): boolean {
      const entry = pending.get(deviceId)?.get(requestId);
      if (!entry) return false;
      entry.settle({ ok: true, id: requestId, payload });
      return true;
    },

    close(): void {
      for (const mine of pending.values()) {
        for (const entry of [...mine.values()]) entry.settle({ ok: false, id: entry.request.id, error: entry.sent ? 'TIMEOUT' : 'NO_ACTIVE_CONNECTION' });
      }
      subscribers.clear();
    },
  };
}
export type RpcDispatcher = ReturnType<typeof createRpcDispatcher>;

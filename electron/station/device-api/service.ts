import type { DeviceIdentity } from '../provisioning/types.ts';
import type { AttributeStore } from '../store/attributes.ts';
import type { AuditLog } from '../store/audit.ts';
import type { GroupCommitter } from '../store/group-commit.ts';
import { createRpcDispatcher, type RpcOutcome, type RpcSubscriptionMode } from './rpc.ts';
import { createSharedUpdates } from './shared-updates.ts';
import { type AttributeMap, type AttributeQuery, attributesResponse, type RpcRequest, updateNotification } from './wire.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

/**
 * ThingsBoard's device API after first contact, protocol-neutral: what a device reads (attributes request), what it
 * is told (shared-attribute updates, server-side RPC) and its RPC answers. Every transport decodes into this and
 * encodes what it returns; the JSON it returns is already ThingsBoard's (wire.ts).
 */
export interface DeviceApi {
  /** `GET .../attributes?clientKeys=&sharedKeys=`, MQTT attributes/request, CoAP GET: `{"client":{…},"shared":{…}}`. */
  attributes(device: DeviceIdentity, query: AttributeQuery): AttributeMap;
  /** Every shared attribute the device receives, as an update notification (a CoAP observer's first answer). */
  sharedState(device: DeviceIdentity): AttributeMap;
  /** Shared-attribute changes from now on, each as ThingsBoard's update JSON (`{"k":v,…,"deleted":[…]}`). */
  onSharedUpdate(device: DeviceIdentity, notify: (json: AttributeMap) => void): () => void;
  /** Server-side RPC requests for the device; pending ones arrive at once (see rpc.ts). */
  onRpc(device: DeviceIdentity, mode: RpcSubscriptionMode, receive: (request: RpcRequest) => void): () => void;
  /** The device's answer to request `requestId` (its raw payload). False when stale or unknown. */
  answerRpc(device: DeviceIdentity, requestId: number, payload: string): boolean;
  /** Sends a two-way RPC and waits for the answer or the timeout; the outcome is in the audit log. */
  sendRpc(device: DeviceIdentity, method: string, params: unknown, timeoutMs: number): Promise<RpcOutcome>;
  /**
   * Re-evaluates shared attributes of these devices (every subscribed device when omitted) and pushes what changed
   * to their sessions. Call after a committed change from any writer, this process's or another's.
   */
  refreshShared(deviceIds?: Iterable<number>): void;
  /** Resolves once a session of the device listens for shared-attribute updates or RPC (the UI, tests). */
  listening(deviceId: number, kind: 'attributes' | 'rpc'): Promise<void>;
  close(): void;
}

export interface DeviceApiOptions {
  attributes: AttributeStore;
  audit: AuditLog;
  committer: GroupCommitter;
  log?: (line: string) => void;
  /** Shared attributes reached the device: it asked for them, or they were pushed to its session (the hand-over). */
  onSharedDelivered?: (deviceId: number, keys: readonly string[]) => void;
}

export function createDeviceApi(options: DeviceApiOptions): DeviceApi {
  const { attributes, audit, committer } = options;
  const updates = createSharedUpdates((id) => attributes.effectiveShared(id));
  const delivered = (deviceId: number, shared: AttributeMap | undefined) => {
    const keys = shared ? Object.keys(shared) : [];
    if (keys.length > 0) options.onSharedDelivered?.(deviceId, keys);
  };
  const rpc = createRpcDispatcher();
  const listeners = { attributes: new Map<number, number>(), rpc: new Map<number, number>() };
  const waiters = new Set<{ deviceId: number; kind: 'attributes' | 'rpc'; resolve: () => void }>();

  /** Counts a session's subscription while it lasts, and wakes whoever waits for one. */
  function counted(kind: 'attributes' | 'rpc', deviceId: number, unsubscribe: () => void): () => void {
    const counts = listeners[kind];
    counts.set(deviceId, (counts.get(deviceId) ?? 0) + 1);
    for (const w of [...waiters]) {
      if (w.deviceId !== deviceId || w.kind !== kind) continue;
      waiters.delete(w);
      w.resolve();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unsubscribe();
      const left = (counts.get(deviceId) ?? 1) - 1;
      if (left > 0) counts.set(deviceId, left);
      else counts.delete(deviceId);
    };
  }

  return {
    attributes(device, query) {
      const answer = attributesResponse(attributes.effective(device.id), query);
      if (answer.shared) updates.told(device.id, answer.shared as AttributeMap);
      delivered(device.id, answer.shared as AttributeMap | undefined);
      return answer;
    },
    sharedState(device) {
      const state = attributes.effectiveShared(device.id);
      updates.told(device.id, state, true);
      delivered(device.id, state);
      return state;
    },
    onSharedUpdate: (device, notify) =>
      counted(
        'attributes',
        device.id,
        updates.subscribe(device.id, (delta) => {
          const json = updateNotification(delta);
          notify(json);
          delivered(device.id, json);
        }),
      ),
    onRpc: (device, mode, receive) => counted('rpc', device.id, rpc.subscribe(device.id, mode, receive)),
    answerRpc: (device, requestId, payload) => rpc.answer(device.id, requestId, payload),

    async sendRpc(device, method, params, timeoutMs) {
      const outcome = await rpc.send(device.id, method, params, timeoutMs);
      await committer.run(() =>
        audit.append({
          kind: 'rpc',
          deviceId: device.id,
          deviceName: device.name,
          outcome: outcome.ok ? 'SUCCESS' : outcome.error,
          reason: outcome.ok ? null : reasonText(outcome.error === 'TIMEOUT' ? 'rpcTimeout' : 'rpcNoSession'),
          details: { method, id: outcome.id, timeoutMs },
        }),
      );
      return outcome;
    },

    refreshShared: (deviceIds) => void updates.refresh(deviceIds),
    listening(deviceId, kind) {
      if (listeners[kind].has(deviceId)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ deviceId, kind, resolve }));
    },
    close() {
      rpc.close();
      updates.close();
    },
  };
}

export type { RpcOutcome, RpcRequest, RpcSubscriptionMode };

import type { Client, PublishPacket, Subscription } from 'aedes';
import type { DeviceApi } from '../device-api/service.ts';
import { parseKeyList, rpcRequestJson } from '../device-api/wire.ts';
import type { DeviceIdentity } from '../provisioning/types.ts';

// ThingsBoard's MQTT device API after first contact, on a device session: attributes request/response, shared
// attribute updates, server-side RPC. Topics from MqttTopics; behaviour from MqttTransportHandler
// (processDevicePublish, processSubscribe, processUnsubscribe, onGetAttributesResponse, onAttributeUpdate,
// onToDeviceRpcRequest) and payloads from JsonMqttAdaptor.

const attributesTopic = 'v1/devices/me/attributes';
const attributesRequestPrefix = 'v1/devices/me/attributes/request/';
const attributesResponsePrefix = 'v1/devices/me/attributes/response/';
const rpcRequestPrefix = 'v1/devices/me/rpc/request/';
const rpcRequestFilter = 'v1/devices/me/rpc/request/+';
const rpcResponsePrefix = 'v1/devices/me/rpc/response/';

interface SessionState {
  /** Granted QoS per subscribed filter (mqttQoSMap): the QoS of what is published on matching topics. */
  qos: Map<string, 0 | 1>;
  stopAttributes: (() => void) | null;
  stopRpc: (() => void) | null;
}

type Done = (error?: Error | null) => void;

export function createMqttDeviceApi(deviceApi: DeviceApi, log: (line: string) => void) {
  const states = new WeakMap<Client, SessionState>();
  const stateOf = (client: Client): SessionState => {
    let state = states.get(client);
    if (!state) {
      state = { qos: new Map(), stopAttributes: null, stopRpc: null };
      states.set(client, state);
    }
    return state;
  };

  /** DeviceSessionCtx.getQoSForTopic: the granted QoS of a matching subscription, AT_LEAST_ONCE without one. */
  function qosFor(state: SessionState, topic: string): 0 | 1 {
    for (const [filter, qos] of state.qos) if (matches(filter, topic)) return qos;
    return 1;
  }

  /** To this client alone, subscribed or not; never through the broker's routing. */
  function send(client: Client, topic: string, json: unknown): void {
    if (client.closed) return;
    const packet: PublishPacket = {
      cmd: 'publish',
      topic,
      payload: Buffer.from(JSON.stringify(json)),
      qos: qosFor(stateOf(client), topic),
      retain: false,
      dup: false,
    };
    client.publish(packet, (err) => {
      if (err) log(`mqtt: could not send ${topic} to ${client.id}: ${err.message}`);
    });
  }

  return {
    handles: (topic: string) => topic.startsWith(attributesRequestPrefix) || topic.startsWith(rpcResponsePrefix),

    /**
     * A device publish on attributes/request/{id} or rpc/response/{id}. A malformed one closes the session, as
     * ThingsBoard does on MQTT 3.1.1 (AdaptorException → sendResponseForAdaptorErrorOrCloseContext).
     */
    publish(client: Client, device: DeviceIdentity, topic: string, payload: Buffer, done: Done): void {
      if (topic.startsWith(attributesRequestPrefix)) {
        const requestId = javaInt(topic.slice(attributesRequestPrefix.length));
        const query = requestId === null ? null : decodeAttributeRequest(payload);
        if (requestId === null || query === null) {
          done(new Error(`malformed attributes request on ${topic}`));
          return;
        }
        const json = deviceApi.attributes(device, query);
        // PUBACK first (getPubAckCallback), then the answer; JsonMqttAdaptor answers only ids >= 0.
        done(null);
        if (requestId >= 0) send(client, `${attributesResponsePrefix}${requestId}`, json);
        return;
      }
      const requestId = javaInt(topic.slice(rpcResponsePrefix.length));
      if (requestId === null) {
        done(new Error(`malformed RPC response topic ${topic}`));
        return;
      }
      deviceApi.answerRpc(device, requestId, payload.toString('utf8'));
      done(null);
    },

    /** After SUBACK (aedes 'subscribe', raw topics, refused ones granted 128). */
    subscribed(client: Client, device: DeviceIdentity, subs: readonly Subscription[]): void {
      const state = stateOf(client);
      for (const sub of subs) {
        if (sub.qos !== 0 && sub.qos !== 1) continue;
        state.qos.set(sub.topic, sub.qos);
        if (sub.topic === attributesTopic && !state.stopAttributes) {
          // SubscribeToAttributeUpdatesMsg: changes from now on, the keys that changed (and `deleted`).
          state.stopAttributes = deviceApi.onSharedUpdate(device, (json) => send(client, attributesTopic, json));
        } else if (sub.topic === rpcRequestFilter && !state.stopRpc) {
          // SubscribeToRPCMsg: pending requests arrive now, new ones as they are sent; `{"method","params"}`, the id in the topic.
          state.stopRpc = deviceApi.onRpc(device, 'session', (request) => send(client, `${rpcRequestPrefix}${request.id}`, rpcRequestJson(request, false)));
        }
      }
    },

    unsubscribed(client: Client, topics: readonly string[]): void {
      const state = states.get(client);
      if (!state) return;
      for (const topic of topics) {
        state.qos.delete(topic);
        if (topic === attributesTopic) {
          state.stopAttributes?.();
          state.stopAttributes = null;
        } else if (topic === rpcRequestFilter) {
          state.stopRpc?.();
          state.stopRpc = null;
        }
      }
    },

    ended(client: Client): void {
      const state = states.get(client);
      state?.stopAttributes?.();
      state?.stopRpc?.();
      states.delete(client);
    },
  };
}

/** JsonMqttAdaptor.processGetAttributeRequestMsg: a JSON object whose clientKeys/sharedKeys are comma lists. */
function decodeAttributeRequest(payload: Buffer): { clientKeys: string[] | null; sharedKeys: string[] | null } | null {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const keys = (name: string): string[] | null | false => {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined || value === null) return null;
    // Gson's getAsString takes a string, number or boolean primitive; anything else is an error.
    if (typeof value === 'object') return false;
    return parseKeyList(String(value));
  };
  const clientKeys = keys('clientKeys');
  const sharedKeys = keys('sharedKeys');
  if (clientKeys === false || sharedKeys === false) return null;
  return { clientKeys, sharedKeys };
}

/** Integer.parseInt: optional sign, decimal digits, within 32 bits. */
function javaInt(text: string): number | null {
  if (!/^[+-]?\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** MQTT filter matching for the few filters a device session may hold (`+` one level, `#` the rest). */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

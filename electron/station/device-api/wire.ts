// The JSON a device receives for attributes and RPC, identical on HTTP, MQTT and CoAP. Every shape here is
// ThingsBoard's: JsonConverter.toJson(GetAttributeResponseMsg | AttributeUpdateNotificationMsg | ToDeviceRpcRequestMsg)
// in common/proto/.../adaptor/JsonConverter.java.

import type { AttributeMap } from '../store/attributes.ts';

export type { AttributeMap };

/** Which keys a device asked for; null = that list was absent or empty. */
export interface AttributeQuery {
  clientKeys: string[] | null;
  sharedKeys: string[] | null;
}

/**
 * `clientKeys=a,b` → ['a','b']. ThingsBoard splits with Java's String.split(","), which keeps inner empty strings
 * and drops trailing ones, and treats an empty value as absent (DeviceApiController, JsonMqttAdaptor.toStringSet,
 * CoapAdaptorUtils.toKeys).
 */
export function parseKeyList(text: string | null | undefined): string[] | null {
  if (text === null || text === undefined || text === '') return null;
  const keys = text.split(',');
  while (keys.length > 0 && keys[keys.length - 1] === '') keys.pop();
  return keys.length > 0 ? keys : null;
}

/**
 * DeviceActorMessageProcessor.getAttributesKvEntries: no keys at all → every client and every shared attribute;
 * otherwise only the named keys of the named scope(s), a missing key simply left out. JsonConverter.toJson then
 * writes "client" / "shared" only when that list is non-empty, so nothing found is `{}`.
 */
export function attributesResponse(attributes: { client: AttributeMap; shared: AttributeMap }, query: AttributeQuery): AttributeMap {
  const all = query.clientKeys === null && query.sharedKeys === null;
  const client = all ? attributes.client : pick(attributes.client, query.clientKeys);
  const shared = all ? attributes.shared : pick(attributes.shared, query.sharedKeys);
  const result: AttributeMap = {};
  if (Object.keys(client).length > 0) result.client = client;
  if (Object.keys(shared).length > 0) result.shared = shared;
  return result;
}

function pick(from: AttributeMap, keys: string[] | null): AttributeMap {
  const picked: AttributeMap = {};
  for (const key of keys ?? []) if (Object.hasOwn(from, key)) picked[key] = from[key];
  return picked;
}

export interface SharedDelta {
  updated: AttributeMap;
  deleted: string[];
}

/** What changed between two views of a device's shared attributes; null when nothing did. */
export function sharedDelta(before: AttributeMap, after: AttributeMap): SharedDelta | null {
  const updated: AttributeMap = {};
  const deleted: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, key) || JSON.stringify(before[key]) !== JSON.stringify(value)) updated[key] = value;
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) deleted.push(key);
  return Object.keys(updated).length > 0 || deleted.length > 0 ? { updated, deleted } : null;
}

/** JsonConverter.toJson(AttributeUpdateNotificationMsg): the updated keys at top level, then `"deleted": [keys]`. */
export function updateNotification(delta: SharedDelta): AttributeMap {
  const result: AttributeMap = { ...delta.updated };
  if (delta.deleted.length > 0) result.deleted = delta.deleted;
  return result;
}

export interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}

/**
 * JsonConverter.toJson(ToDeviceRpcRequestMsg, includeRequestId): HTTP and CoAP include `id`; MQTT does not (the id
 * is the topic's last level, JsonMqttAdaptor.convertToPublish).
 */
export function rpcRequestJson(request: RpcRequest, includeId: boolean): AttributeMap {
  return includeId ? { id: request.id, method: request.method, params: request.params } : { method: request.method, params: request.params };
}

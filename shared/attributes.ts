import { z } from 'zod';

/** Any JSON value: what an attribute, an RPC's params or a device's RPC answer may be. */
export const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

export const AttributeMap = z.record(z.string(), z.unknown());
export type AttributeMap = z.infer<typeof AttributeMap>;

/** Where shared attributes are authored: a device's own value beats its batch's, which beats its profile's. */
export const AttributeLevel = z.enum(['profile', 'batch', 'device']);
export type AttributeLevel = z.infer<typeof AttributeLevel>;

// ThingsBoard caps attribute keys at 255 characters (AttributeKvEntity key column).
const AttributeKey = z.string().min(1).max(255);

/** Sets shared attributes at one level; a null value deletes the key at that level. */
export const AttributesSet = z.object({
  level: AttributeLevel,
  /** The profile's, batch's or device's name. */
  name: z.string().min(1),
  values: z.record(AttributeKey, z.union([JsonValue, z.null()])).refine((v) => Object.keys(v).length > 0, 'give at least one KEY=VALUE'),
});
export type AttributesSet = z.infer<typeof AttributesSet>;

export const AttributesSetResult = z.object({
  level: AttributeLevel,
  name: z.string(),
  /** What is authored at that level after the change. */
  values: AttributeMap,
  /** How many devices now receive different shared values (each was told, and queued for sync). */
  devicesChanged: z.number().int(),
});
export type AttributesSetResult = z.infer<typeof AttributesSetResult>;

/** One device's attributes by ThingsBoard scope; `shared` is what the device receives (levels merged). */
export const DeviceAttributes = z.object({ client: AttributeMap, shared: AttributeMap, server: AttributeMap });
export type DeviceAttributes = z.infer<typeof DeviceAttributes>;

export const AuthoredAttributes = z.object({ level: AttributeLevel, name: z.string(), values: AttributeMap });
export type AuthoredAttributes = z.infer<typeof AuthoredAttributes>;

// ThingsBoard's HTTP transport allows long polls up to transport.http.max_request_timeout (300 s).
export const rpcMaxTimeoutMs = 300_000;

/** A two-way server-side RPC to one device (ThingsBoard's `POST /api/rpc/twoway/{deviceId}`). */
export const RpcSend = z.object({
  device: z.string().min(1),
  method: z.string().min(1).max(255),
  params: JsonValue.default({}),
  timeoutMs: z.number().int().min(100).max(rpcMaxTimeoutMs).default(10_000),
});
export type RpcSend = z.infer<typeof RpcSend>;

export const RpcResult = z.object({
  /** The request id the device saw (topic suffix, `id` field). */
  id: z.number().int(),
  /** The device's answer: parsed JSON, or the raw text when it was not JSON. */
  response: z.unknown(),
});
export type RpcResult = z.infer<typeof RpcResult>;

/**
 * A value typed by a technician (CLI `KEY=VALUE`, the UI's attribute editor): JSON when it parses (numbers, booleans,
 * objects, null), else the text as a string.
 */
export function parseAttributeValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

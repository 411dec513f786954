import { z } from 'zod';

/**
 * Any JSON value: what an attribute, an RPC's params or a device's RPC answer may be. Checked by one iterative walk,
 * not a recursive zod union: the union took 0.8-2.3 s of blocked event loop for a 1 MB attributes.set (found by
 * `npm run fuzz`), this takes milliseconds.
 */
export const JsonValue: z.ZodType<unknown> = z.custom<unknown>(isJsonValue, {
  message: 'expected a JSON value: text, a finite number, true/false, null, a list or an object',
});

/** Whether `value` is made only of strings, finite numbers, booleans, null, arrays and plain objects. */
export function isJsonValue(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
      continue;
    }
    if (typeof v !== 'object') return false;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in v) pending.push((v as Record<string, unknown>)[key]);
  }
  return true;
}

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
  values: z.record(AttributeKey, JsonValue).refine((v) => Object.keys(v).length > 0, 'give at least one KEY=VALUE'),
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

/**
 * What `attributes.list` answers: the scopes, and for each shared key the level its value comes from. The UI shows
 * that beside each value; reading it here, under the device's name alone, means no second read under its batch's or
 * profile's name, which a rename can make stale between the two reads.
 */
export const DeviceAttributesView = DeviceAttributes.extend({ sharedFrom: z.record(z.string(), AttributeLevel) });
export type DeviceAttributesView = z.infer<typeof DeviceAttributesView>;

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

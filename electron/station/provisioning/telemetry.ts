import { nestsDeeperThan } from '../net/json-depth.ts';

/**
 * Values are stored with JSON.stringify, which is recursive: 64 KB of `[[[…]]]` would overflow its stack inside the
 * commit (an internal error). Refused before parsing, where it is the device's fault, in one pass over the bytes.
 */
const maxDepth = 64;

export class BadPayloadError extends Error {
  override name = 'BadPayloadError';
}

export interface TelemetryEntry {
  key: string;
  value: unknown;
  ts: number;
}

function parseJson(body: unknown): unknown {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (nestsDeeperThan(bytes, maxDepth)) throw new BadPayloadError('the payload is nested too deeply');
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadPayloadError('the payload is not valid JSON');
    }
    return json;
  }
  return body;
}

const maxTime = 8.64e15;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ThingsBoard telemetry: `{k:v}`, `{ts, values:{k:v}}`, or an array of either (JsonConverter.convertToTelemetry). */
export function parseTelemetry(body: unknown, now: number): TelemetryEntry[] {
  const json = parseJson(body);
  const items = Array.isArray(json) ? json : [json];
  const entries: TelemetryEntry[] = [];
  for (const item of items) {
    if (!isObject(item)) throw new BadPayloadError('telemetry must be a JSON object or an array of objects');
    if ('ts' in item && 'values' in item) {
      // ThingsBoard reads ts as a long (JsonConverter, Gson getAsLong): a fraction is cut off. Past what a Date can
      // hold (±8.64e15 ms, ECMA-262 §21.4.1.1; 1e400 is Infinity to JSON.parse) it is no time at all: the INTEGER
      // column would refuse it at commit, and every later read of the device would fail to format it.
      const ts = typeof item.ts === 'number' ? Math.trunc(item.ts) : Number.NaN;
      if (!(Math.abs(ts) <= maxTime) || !isObject(item.values)) {
        throw new BadPayloadError('telemetry with "ts" needs a whole number of milliseconds as ts and an object of "values"');
      }
      for (const [key, value] of Object.entries(item.values)) entries.push({ key, value, ts: ts === 0 ? 0 : ts });
    } else {
      for (const [key, value] of Object.entries(item)) entries.push({ key, value, ts: now });
    }
  }
  return entries;
}

/** Client attributes: a flat JSON object. */
export function parseAttributes(body: unknown): Record<string, unknown> {
  const json = parseJson(body);
  if (!isObject(json)) throw new BadPayloadError('attributes must be a JSON object');
  return json;
}

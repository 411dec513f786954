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
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new BadPayloadError('the payload is not valid JSON');
    }
  }
  return body;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ThingsBoard telemetry: `{k:v}`, `{ts, values:{k:v}}`, or an array of either (JsonConverter.convertToTelemetry). */
export function parseTelemetry(body: unknown, now: number): TelemetryEntry[] {
  const json = parseJson(body);
  const items = Array.isArray(json) ? json : [json];
  const entries: TelemetryEntry[] = [];
  for (const item of items) {
    if (!isObject(item)) throw new BadPayloadError('telemetry must be a JSON object or an array of objects');
    if ('ts' in item && 'values' in item) {
      if (typeof item.ts !== 'number' || !isObject(item.values)) {
        throw new BadPayloadError('telemetry with "ts" needs a numeric ts and an object of "values"');
      }
      for (const [key, value] of Object.entries(item.values)) entries.push({ key, value, ts: item.ts });
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

import { z } from 'zod';

/**
 * The hand-over: the station tells each device, in shared attributes, where it lives from now on (its long-term
 * server, the cloud a sync target points at), after sync has made the device known there with the same credentials,
 * and follows it until it confirms.
 *
 * syncing   the cloud does not hold the device yet; nothing is told before it does
 * waiting   the attributes are set; the device has not received them yet
 * delivered the device received them (pushed to its session, or it asked for its attributes)
 * confirmed the device acknowledged (the profile's confirmation client attribute); it is 'handed-over'
 * failed    it cannot go on (e.g. the target was removed or the device deleted); `reason` says why
 * timed-out no confirmation within the profile's hand-over timeout
 */
export const HandoverState = z.enum(['syncing', 'waiting', 'delivered', 'confirmed', 'failed', 'timed-out']);
export type HandoverState = z.infer<typeof HandoverState>;

/** Attribute names firmware reads; per profile, since firmware differs. Defaults documented in the README. */
export const HandoverAttributeNames = z.object({
  host: z.string().min(1).default('cloudHost'),
  mqttPort: z.string().min(1).default('cloudMqttPort'),
  httpPort: z.string().min(1).default('cloudHttpPort'),
  coapPort: z.string().min(1).default('cloudCoapPort'),
  tls: z.string().min(1).default('cloudTls'),
});

/** A profile's hand-over settings. */
export const HandoverSettings = z.object({
  attributes: HandoverAttributeNames.default(HandoverAttributeNames.parse({})),
  /** More shared attributes sent with the endpoint (e.g. a firmware channel); JSON values. */
  extra: z.record(z.string(), z.unknown()).default({}),
  /**
   * The client attribute a device reports to acknowledge; any value but false/null/"" confirms. The device sends it
   * to the station before it moves (ThingsBoard firmware posts client attributes with one call).
   */
  confirmKey: z.string().min(1).default('cloudAck'),
  /** From the moment the attributes are set; a device that never confirms in time is 'timed-out'. */
  timeoutMs: z.number().int().min(1000).max(30 * 86_400_000).default(86_400_000),
});
export type HandoverSettings = z.infer<typeof HandoverSettings>;

/** Where the device goes. Derived from the target's URL unless given. */
export const HandoverEndpoint = z.object({
  host: z.string().min(1).max(255),
  mqttPort: z.number().int().min(1).max(65535),
  httpPort: z.number().int().min(1).max(65535),
  coapPort: z.number().int().min(1).max(65535),
  tls: z.boolean(),
});
export type HandoverEndpoint = z.infer<typeof HandoverEndpoint>;

export const HandoverStart = z
  .object({
    target: z.string().min(1),
    batch: z.string().min(1).optional(),
    devices: z.array(z.string().min(1)).min(1).max(100_000).optional(),
    /** Overrides of what the target's URL implies (a cloud whose MQTT listens elsewhere, a test cloud). */
    endpoint: HandoverEndpoint.partial().optional(),
  })
  .refine((p) => (p.batch === undefined) !== (p.devices === undefined), { message: 'give either a batch or devices' });
export type HandoverStart = z.input<typeof HandoverStart>;

export const HandoverStartResult = z.object({
  target: z.string(),
  endpoint: HandoverEndpoint,
  started: z.number().int(),
  /** Devices left out, with why (not provisioned yet, already handed over). */
  skipped: z.array(z.object({ device: z.string(), reason: z.string() })),
});

export const HandoverDevice = z.object({
  device: z.string(),
  batch: z.string().nullable(),
  target: z.string(),
  state: HandoverState,
  reason: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type HandoverDevice = z.infer<typeof HandoverDevice>;

export const HandoverStatusQuery = z.object({
  batch: z.string().optional(),
  state: HandoverState.optional(),
  limit: z.number().int().min(1).max(100_000).default(10_000),
});

export const HandoverStatus = z.object({
  counts: z.record(HandoverState, z.number().int()),
  devices: z.array(HandoverDevice),
});
export type HandoverStatus = z.infer<typeof HandoverStatus>;

/**
 * Where a device goes, from the sync target's URL: the cloud's host, TLS when the URL is https, and ThingsBoard's
 * default device ports (MQTT 1883/8883, CoAP 5683/5684; HTTP the URL's own port). Overrides win.
 */
export function endpointFor(targetUrl: string, overrides: Partial<HandoverEndpoint> = {}): HandoverEndpoint {
  const url = new URL(targetUrl);
  const tls = overrides.tls ?? url.protocol === 'https:';
  const urlPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    // URL keeps IPv6 literals bracketed; firmware wants the bare address.
    host: overrides.host ?? url.hostname.replace(/^\[(.*)\]$/, '$1'),
    httpPort: overrides.httpPort ?? urlPort,
    mqttPort: overrides.mqttPort ?? (tls ? 8883 : 1883),
    coapPort: overrides.coapPort ?? (tls ? 5684 : 5683),
    tls,
  };
}

/** The shared attributes that tell the device: the profile's names for each part of the endpoint, plus its extras. */
export function handoverAttributes(settings: HandoverSettings, endpoint: HandoverEndpoint): Record<string, unknown> {
  const names = settings.attributes;
  return {
    ...settings.extra,
    [names.host]: endpoint.host,
    [names.mqttPort]: endpoint.mqttPort,
    [names.httpPort]: endpoint.httpPort,
    [names.coapPort]: endpoint.coapPort,
    [names.tls]: endpoint.tls,
  };
}

/** ThingsBoard firmware reports booleans and strings alike; a confirmation is anything but an explicit "no". */
export function confirms(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== '' && value !== 0 && value !== 'false';
}

import { z } from 'zod';

/** What the station is and what it listens on; the status view and `GET /api/status` show this. */
export const ListenerName = z.enum(['ui', 'http', 'mqtt', 'coap', 'https', 'mqtts']);
/** The listeners devices use, which the Server screen switches off and on. */
export const DeviceListenerName = z.enum(['http', 'mqtt', 'coap', 'https', 'mqtts']);
export type DeviceListenerName = z.infer<typeof DeviceListenerName>;
export type ListenerName = z.infer<typeof ListenerName>;

export const ListenerInfo = z.object({
  name: ListenerName,
  address: z.string(),
  port: z.number().int(),
  url: z.string(),
  /** Switched on (the technician can switch device listeners off and on from the Server screen). */
  enabled: z.boolean(),
  /** The URLs a device on the LAN uses: one per network interface when bound to all of them. */
  lanUrls: z.array(z.string()),
});
export type ListenerInfo = z.infer<typeof ListenerInfo>;

export const StationCa = z.object({
  /** The CA certificate, PEM. */
  pem: z.string(),
  /** SHA-256 of the certificate (DER), `AB:CD:…` as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: z.string(),
});
export type StationCa = z.infer<typeof StationCa>;

export const LanInterface = z.object({ name: z.string(), address: z.string() });

/**
 * pending → provisioned → online ⇄ offline → handed-over. CLI.md: states are added, never renamed.
 * offline: it was online and went silent; handed-over: it confirmed it moved to its long-term server.
 */
export const DeviceState = z.enum(['pending', 'provisioned', 'online', 'offline', 'handed-over']);
export type DeviceState = z.infer<typeof DeviceState>;

/**
 * Why a device listener turned a peer away before it was heard (net/source-limits.ts): one address holding too many
 * connections, opening them (CoAP: sending datagrams) too fast, the listener full, or a packet/body over its size limit;
 * `idle`: an MQTT session silent past 1.5 × its keep-alive, or a socket that never sent CONNECT; `slow-request`: an HTTP
 * request whose headers or body did not arrive in time (slowloris); `blockwise`: a CoAP peer over its share of
 * blockwise transfers in progress.
 */
export const RefusalReason = z.enum([
  'address-connections',
  'address-rate',
  'listener-connections',
  'too-large',
  'idle',
  'slow-request',
  'blockwise',
]);
export type RefusalReason = z.infer<typeof RefusalReason>;

export const Refusals = z.object({
  total: z.number().int(),
  byReason: z.array(z.object({ transport: DeviceListenerName, reason: RefusalReason, count: z.number().int() })),
  /** The addresses refused most often (the noisy ones), most first. */
  topAddresses: z.array(z.object({ address: z.string(), count: z.number().int() })),
  /** The limits in force (`fieldstation serve --max-connections-per-address` etc.). */
  limits: z.object({
    connectionsPerAddress: z.number().int(),
    connectionRatePerAddress: z.number(),
    connectionsPerListener: z.number().int(),
  }),
});
export type Refusals = z.infer<typeof Refusals>;

export const StationStatus = z.object({
  version: z.string(),
  startedAt: z.string().nullable(),
  dataDir: z.string(),
  listeners: z.array(ListenerInfo),
  counters: z.object({
    profiles: z.number().int(),
    batches: z.number().int(),
    devices: z.record(DeviceState, z.number().int()),
    events: z.number().int(),
    outbox: z.number().int(),
  }),
  /** Peers the device listeners turned away since the station started; null when not serving. */
  refused: Refusals.nullable(),
});
export type StationStatus = z.infer<typeof StationStatus>;

import { z } from 'zod';

/** Sync: the admin API's view of targets, per-device delivery state and runs. Never carries a target's secret. */

export const SyncTargetType = z.enum(['thingsboard', 'webhook']);
export type SyncTargetType = z.infer<typeof SyncTargetType>;

/** Per device and target: synced; pending (waiting or retrying by itself); conflict or error (a person decides). */
export const SyncState = z.enum(['synced', 'pending', 'conflict', 'error']);
export type SyncState = z.infer<typeof SyncState>;

export const SyncCounts = z.object({
  synced: z.number().int(),
  pending: z.number().int(),
  conflict: z.number().int(),
  error: z.number().int(),
});
export type SyncCounts = z.infer<typeof SyncCounts>;

/** What a target is doing: `stopped` needs a person (credentials refused); `offline` resumes by itself. */
export const SyncTargetStatus = z.enum(['idle', 'syncing', 'offline', 'stopped']);
export type SyncTargetStatus = z.infer<typeof SyncTargetStatus>;

// Half of a UTF-16 surrogate pair: SQLite stores text as UTF-8 and turns it into U+FFFD, so the name read back is not
// the name given, and credentials sealed to the given name (sync/sealed.ts binds them to it) never open again.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wholeCharacters = (s: string) => !loneSurrogate.test(s);
const brokenCharacter = 'the name contains a broken character (half of a UTF-16 surrogate pair)';

export const SyncTargetInput = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(100).refine(wholeCharacters, brokenCharacter),
    type: SyncTargetType,
    url: z.url({ protocol: /^https?$/, error: 'the URL must start with http:// or https://' }),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    secret: z.string().min(16, 'a webhook secret needs at least 16 characters').optional(),
    /** ThingsBoard: create device profiles the tenant lacks (else such devices wait in `error`). */
    allowCreateProfiles: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    const problem = credentialProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type SyncTargetInput = z.infer<typeof SyncTargetInput>;

function credentialProblem(t: { type: SyncTargetType; username?: string; password?: string; apiKey?: string; secret?: string }) {
  if (t.type === 'webhook') {
    if (!t.secret) return 'a webhook target needs --secret (the HMAC key the receiver checks signatures with)';
    if (t.username || t.password || t.apiKey) return 'a webhook target takes --secret only';
    return null;
  }
  if (t.secret) return 'a ThingsBoard target takes --username and --password, or --api-key, not --secret';
  const login = t.username !== undefined || t.password !== undefined;
  if (login && t.apiKey) return 'give --username and --password, or --api-key, not both';
  if (login && !(t.username && t.password)) return 'give both --username and --password';
  if (!login && !t.apiKey) return 'a ThingsBoard target needs --username and --password, or --api-key';
  return null;
}

/**
 * What a person changes on a stored target (`sync.targets.update`), or tries before saving (`sync.targets.test`).
 * A credential left out keeps the stored one, so editing the URL needs no password typed again.
 */
export const SyncTargetChanges = z.object({
  name: z.string().trim().min(1).max(100).refine(wholeCharacters, brokenCharacter),
  /** Only for a target not stored yet (a test before adding it). */
  type: SyncTargetType.optional(),
  url: z.url({ protocol: /^https?$/, error: 'the URL must start with http:// or https://' }).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  secret: z.string().min(16, 'a webhook secret needs at least 16 characters').optional(),
  allowCreateProfiles: z.boolean().optional(),
});
export type SyncTargetChanges = z.infer<typeof SyncTargetChanges>;

export const SyncTargetTestResult = z.object({
  ok: z.boolean(),
  message: z.string(),
  /** True when what was tested is not what is stored (a draft before saving). */
  draft: z.boolean(),
});
export type SyncTargetTestResult = z.infer<typeof SyncTargetTestResult>;

export const SyncTarget = z.object({
  name: z.string(),
  type: SyncTargetType,
  url: z.string(),
  auth: z.enum(['password', 'api-key', 'hmac']),
  /** The login name for password auth; null otherwise. */
  username: z.string().nullable(),
  allowCreateProfiles: z.boolean(),
  status: SyncTargetStatus,
  /** Why the target is stopped or offline, in plain words. */
  message: z.string().nullable(),
  /** Its stored credentials cannot be read on this station (another station key, or damaged): enter them again. */
  credentialsUnreadable: z.boolean().optional(),
  counts: SyncCounts,
  lastSyncedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type SyncTarget = z.infer<typeof SyncTarget>;

/**
 * Devices in conflict or error for one reason on one target, stated once: thirty devices refused because the cloud
 * lacks their profile are one problem with count 30, not thirty identical lines.
 */
export const SyncProblem = z.object({
  /**
   * Stable key of the cause, `code` or `code:detail` (e.g. `missing-profile:meters`, `refused:400`); give it to
   * `sync.devices` / `sync.retry` as `problem` for the devices. Unique per target, not across targets.
   */
  id: z.string(),
  /** The part of `id` before the first colon: missing-profile, no-credentials, different-credentials,
   * credentials-in-use, refused, conflict, unexpected, unknown (more may be added). */
  code: z.string(),
  target: z.string(),
  state: z.enum(['conflict', 'error']),
  /** The problem in plain words, once for all its devices. */
  message: z.string(),
  /** What a person does about it, in plain words. */
  fix: z.string(),
  count: z.number().int(),
  /** For causes that differ in detail per device (e.g. a 400's reason): one device's message, as an example. */
  example: z.string().nullable(),
});
export type SyncProblem = z.infer<typeof SyncProblem>;

export const SyncStatus = z.object({
  /** Device deliveries not yet confirmed, over all targets. */
  queue: z.number().int(),
  /** Changes recorded for the cloud since the station was set up (the outbox is append-only). */
  outbox: z.number().int(),
  running: z.boolean(),
  targets: z.array(SyncTarget),
  /** Conflicts and errors grouped by cause, largest first. */
  problems: z.array(SyncProblem),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncDeviceQuery = z.object({
  target: z.string().optional(),
  state: SyncState.optional(),
  device: z.string().optional(),
  /** Only the devices of one grouped problem (its `id`). */
  problem: z.string().optional(),
  limit: z.number().int().min(1).max(100_000).default(1000),
  offset: z.number().int().min(0).default(0),
});

export const SyncDevice = z.object({
  device: z.string(),
  target: z.string(),
  state: SyncState,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  /** The target's own words for the last failure or conflict. */
  message: z.string().nullable(),
  /** For conflicts: a summary of each side (fingerprints, never secrets). */
  detail: z.unknown().nullable(),
  cloudId: z.string().nullable(),
  updatedAt: z.string(),
  /** For conflicts and errors: the `id` of the grouped problem this device belongs to. */
  problem: z.string().nullable(),
});
export type SyncDevice = z.infer<typeof SyncDevice>;

export const SyncTargetRun = z.object({
  target: z.string(),
  /** Devices confirmed by the target during this run. */
  synced: z.number().int(),
  /** After the run, for this target. */
  counts: SyncCounts,
  status: SyncTargetStatus,
  message: z.string().nullable(),
});

export const SyncRunSummary = z.object({
  targets: z.array(SyncTargetRun),
  synced: z.number().int(),
  conflicts: z.number().int(),
  errors: z.number().int(),
  pending: z.number().int(),
  /** True when every device reached every target it should (no conflict, error, waiting work or stopped target). */
  ok: z.boolean(),
});
export type SyncRunSummary = z.infer<typeof SyncRunSummary>;

export const SyncRetry = z.object({
  target: z.string().optional(),
  device: z.string().optional(),
  /** Only the devices of one grouped problem (its `id`), e.g. after creating the missing profile. */
  problem: z.string().optional(),
  /** Which states to put back in the queue; default both. */
  states: z.array(z.enum(['conflict', 'error'])).optional(),
});

/** The live `sync` event: one target's progress, sent while it syncs (throttled) and when its status changes. */
export const SyncProgress = z.object({
  target: z.string(),
  status: SyncTargetStatus,
  counts: SyncCounts,
  /** Confirmed so far in the current run. */
  synced: z.number().int(),
  message: z.string().nullable(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

/** Whom a bundle is encrypted to: a passphrase (scrypt) or an X25519 public key, PEM or base64 (sync/bundle-seal.ts). */
export const BundleEncryption = z.union([
  z.object({ passphrase: z.string().min(1) }).strict(),
  z.object({ recipient: z.string().min(1) }).strict(),
]);

export const BundleExportParams = z.object({
  batch: z.string().optional(),
  /** Absent: the signed bundle in clear (it holds every device's credentials). */
  encryptTo: BundleEncryption.optional(),
});

/** A signed file bundle of devices with credentials, for sites that never get online (see sync/bundle.ts). */
export const BundleExport = z.object({
  /** The bundle file's text (JSON): encrypted when asked, else it holds device credentials in clear. */
  text: z.string(),
  devices: z.number().int(),
  /** Of the station's bundle-signing key: give it to whoever imports the bundle, to check it. */
  fingerprint: z.string(),
  encryption: z.enum(['none', 'passphrase', 'recipient']),
});

export const BundleImportParams = z.object({
  text: z.string().min(1),
  /** Refuse the bundle unless it is signed by the key with this fingerprint. */
  fingerprint: z.string().optional(),
  /** For a bundle encrypted with a passphrase. */
  passphrase: z.string().optional(),
  /** For a bundle encrypted to a recipient key: that key's X25519 private key, PEM or base64. */
  identity: z.string().optional(),
});

export const BundleImportResult = z.object({
  fingerprint: z.string(),
  /** How the file was protected at rest. */
  encryption: z.enum(['none', 'passphrase', 'recipient']),
  createdAt: z.string(),
  imported: z.number().int(),
  present: z.number().int(),
  conflicts: z.array(z.object({ device: z.string(), message: z.string() })),
  profilesCreated: z.array(z.string()),
  batchesCreated: z.array(z.string()),
  /** Telemetry values added: readings this station did not have yet. */
  telemetry: z.number().int(),
});

// --- Webhook batches -------------------------------------------------------------------------------------------
// The JSON body Fieldstation POSTs to a webhook target (signed, see electron/station/sync/webhook.ts). Receivers
// should ignore fields they do not know: new ones are only ever added.

const JsonObject = z.record(z.string(), z.unknown());

export const WebhookCredentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ACCESS_TOKEN'), token: z.string() }),
  z.object({ type: z.literal('MQTT_BASIC'), clientId: z.string().nullable(), userName: z.string().nullable(), password: z.string().nullable() }),
  z.object({ type: z.literal('X509_CERTIFICATE'), certificate: z.string() }),
]);

/** A device's state when the batch was formed; receivers upsert by `name`. */
export const WebhookDevice = z.object({
  name: z.string(),
  profile: z.string(),
  batch: z.string().nullable(),
  label: z.string().nullable(),
  serial: z.string().nullable(),
  mac: z.string().nullable(),
  gateway: z.boolean(),
  provisionedAt: z.string().nullable(),
  provisionedVia: z.string().nullable(),
  credentials: WebhookCredentials.nullable(),
  /** ThingsBoard's SERVER_SCOPE: set by the station (provisionState, assignments). */
  serverAttributes: JsonObject,
  /** ThingsBoard's SHARED_SCOPE as the device receives it: its own values over its batch's over its profile's. */
  sharedAttributes: JsonObject.optional(),
  /** ThingsBoard's CLIENT_SCOPE: what the device reported about itself at the site. */
  clientAttributes: JsonObject.optional(),
});

export const WebhookEvent = z.object({
  /** Outbox id: unique per station and increasing; receivers may deduplicate on (station, id). */
  id: z.number().int(),
  kind: z.string(),
  at: z.string(),
  device: WebhookDevice,
});

/** ThingsBoard's timeseries item: every value shares the timestamp (ms) the device recorded it at. */
export const TelemetryPoint = z.object({ ts: z.number().int(), values: JsonObject });

/**
 * Site telemetry of one device: the station's telemetry rows with ids in (after, through], in recording order.
 * A long history arrives over several batches, each continuing where the previous one ended. Storing a point by
 * (device, key, ts), as ThingsBoard does, makes a repeated delivery harmless.
 */
export const WebhookTelemetry = z.object({
  device: z.string(),
  after: z.number().int(),
  through: z.number().int(),
  points: z.array(TelemetryPoint),
});

export const WebhookBatch = z.object({
  type: z.literal('fieldstation.sync'),
  /** Equals the Idempotency-Key header: every retry of a batch carries the same key and bytes. */
  batch: z.string(),
  events: z.array(WebhookEvent),
  /** Absent in batches formed before Fieldstation sent telemetry. */
  telemetry: z.array(WebhookTelemetry).optional(),
});
export type WebhookBatch = z.infer<typeof WebhookBatch>;

/**
 * "Test connection": signed and sent like a batch, with its own type and no events, so a receiver can prove its
 * signature check and answer 2xx without storing anything.
 */
export const WebhookPing = z.object({ type: z.literal('fieldstation.test'), batch: z.string(), events: z.array(z.never()).max(0) });
export type WebhookPing = z.infer<typeof WebhookPing>;

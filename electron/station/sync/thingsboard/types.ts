// The ThingsBoard target's public shapes: what the sync worker passes in and gets back.

export type ThingsBoardAuth =
  | { kind: 'password'; username: string; password: string }
  /** ThingsBoard 4.3+ API key, sent as `X-Authorization: ApiKey <key>`. */
  | { kind: 'apiKey'; key: string };

export interface ThingsBoardTargetOptions {
  /** Base URL of the ThingsBoard server, e.g. https://thingsboard.cloud */
  url: string;
  auth: ThingsBoardAuth;
  /** Defaults to Node's global fetch. */
  fetch?: typeof fetch;
  /** Clock in ms (token refresh, Retry-After dates). Defaults to Date.now. */
  now?: () => number;
  /** Create device profiles that do not exist yet (as an empty DEFAULT profile). Default false. */
  allowCreateProfiles?: boolean;
  /** Per-request limit, so a hung cloud cannot hang the sync. Default 20 s. */
  timeoutMs?: number;
}

/** Credentials as the station issued them to the device. */
export type LocalCredentials =
  | { type: 'ACCESS_TOKEN'; token: string }
  | { type: 'MQTT_BASIC'; clientId?: string; userName?: string; password?: string }
  /** PEM, with or without BEGIN/END lines. */
  | { type: 'X509_CERTIFICATE'; pem: string };

export interface DeviceToSync {
  /** Unique per tenant in ThingsBoard; the identity used to find the device again. */
  name: string;
  profileName: string;
  label?: string;
  gateway?: boolean;
  credentials: LocalCredentials;
  /** Imported SERVER_SCOPE attributes; `provisionState: "provisioned"` is added (and wins). Nulls are dropped by ThingsBoard. */
  serverAttributes: Record<string, unknown>;
  /** SHARED_SCOPE attributes, pushed to the device by ThingsBoard once it connects there. */
  sharedAttributes?: Record<string, unknown>;
}

/** ThingsBoard's attribute scopes a tenant may write over REST (TelemetryController.saveAttributes). */
export type WritableScope = 'SERVER_SCOPE' | 'SHARED_SCOPE';

/** Enough to tell two sets of credentials apart in the UI and the audit log, without the secrets. */
export type CredentialsSummary =
  | { type: 'ACCESS_TOKEN'; tokenHint: string; fingerprint: string }
  | { type: 'MQTT_BASIC'; clientId: string | null; userName: string | null; hasPassword: boolean; fingerprint: string }
  /** `certificateSha3` is ThingsBoard's credentialsId for the certificate. */
  | { type: 'X509_CERTIFICATE'; certificateSha3: string; fingerprint: string }
  | { type: 'OTHER'; cloudType: string; fingerprint: string };

export type UpsertResult =
  | { outcome: 'created'; cloudId: string }
  /** The device was already there with the same credentials (an earlier attempt got through); attributes re-applied. */
  | { outcome: 'already-synced'; cloudId: string }
  /** Same name, different credentials: nothing was changed on either side. */
  | {
      outcome: 'conflict';
      reason: 'different-credentials';
      cloudId: string;
      cloud: CredentialsSummary;
      local: CredentialsSummary;
      message: string;
    }
  /** ThingsBoard has these credentials on another device, so this one could not be created. */
  | {
      outcome: 'conflict';
      reason: 'credentials-in-use';
      cloudId: null;
      cloud: null;
      local: CredentialsSummary;
      message: string;
    };

export interface CloudDevice {
  cloudId: string;
  name: string;
  /** ThingsBoard keeps the profile's name in `type`. */
  profileName: string | null;
  label: string | null;
}

export interface CallOptions {
  /** Cancels the call (e.g. the worker is stopping); the request timeout applies regardless. */
  signal?: AbortSignal;
}

/**
 * One ThingsBoard tenant as a sync target. Methods throw `TargetError` (see ../http-errors.ts) with a
 * `TargetFailure` the worker can store and act on; conflicts are results, not errors.
 */
export interface ThingsBoardTarget {
  readonly kind: 'thingsboard';
  /** Checks the credentials now (logs in, or tries the API key); otherwise login happens lazily. */
  login(options?: CallOptions): Promise<void>;
  /** The profile's id, creating the profile if allowed; else a `missing-profile` failure. */
  ensureProfile(name: string, options?: CallOptions): Promise<string>;
  findDevice(name: string, options?: CallOptions): Promise<CloudDevice | null>;
  /** Idempotent: looks up by name first, so a retry after a lost answer never creates a second device. */
  upsertDevice(device: DeviceToSync, options?: CallOptions): Promise<UpsertResult>;
  setServerAttributes(cloudId: string, attributes: Record<string, unknown>, options?: CallOptions): Promise<void>;
  setAttributes(cloudId: string, scope: WritableScope, attributes: Record<string, unknown>, options?: CallOptions): Promise<void>;
  /**
   * Saves timeseries points with their own timestamps. `device-missing`: ThingsBoard has no device with this id
   * (deleted there since it was synced). Idempotent: ThingsBoard keeps one value per device, key and ts.
   */
  saveTelemetry(cloudId: string, points: TelemetryPointJson[], options?: CallOptions): Promise<'saved' | 'device-missing'>;
  /** A new drain round begins: forget which profiles were missing, so a retry asks the cloud again. */
  startRound(): void;
}

/** One item of ThingsBoard's timeseries JSON: `{"ts": 1700000000000, "values": {"temperature": 21.5}}`. */
export interface TelemetryPointJson {
  ts: number;
  values: Record<string, unknown>;
}

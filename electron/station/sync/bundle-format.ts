import type { DeviceRecord } from './device-records.ts';
import type { TelemetryPoint } from './telemetry.ts';

// The signed file bundle's format: what sites that never get online carry to the cloud (bundle.ts signs and
// verifies it, bundle-csv.ts adds the CSV view, bundle-import.ts reads it into a station).

export const BUNDLE_FORMAT = 'fieldstation-bundle/1';

/**
 * A device as stored, without the station's own row id: credentials as stored, its own attributes by scope (shared
 * ones set on its profile or batch travel with those), and the telemetry it recorded at the site as ThingsBoard
 * timeseries items in recording order (absent in bundles written before telemetry was kept).
 */
export type BundleDevice = Omit<DeviceRecord, 'id'> & { telemetry?: TelemetryPoint[] };

export interface BundleProfile {
  name: string;
  provisionDeviceKey: string;
  provisionDeviceSecret: string;
  strategy: string;
  defaultCredentialsType: string;
  reprovision: string;
  /** Shared attributes authored for the whole profile. */
  attributes?: Record<string, unknown>;
}

export interface BundlePayload {
  createdAt: string;
  /** The batch exported, or null for every device. */
  batch: string | null;
  profiles: BundleProfile[];
  /** `attributes`: shared attributes authored for the whole batch; `language`: its labels' (absent before issue 12). */
  batches: Array<{ name: string; site: string; notes: string; profile: string | null; language?: string; attributes?: Record<string, unknown> }>;
  devices: BundleDevice[];
  /** The devices as CSV (one row per device), for tools that take CSV, e.g. ThingsBoard's bulk import. */
  csv: string;
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  payload: BundlePayload;
  signature: { alg: 'Ed25519'; publicKey: string; fingerprint: string; value: string };
}


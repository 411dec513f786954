import type { MqttBasicValue } from '../../../shared/provisioning.ts';

export const simProtocols = ['http', 'mqtt', 'coap'] as const;
export type SimProtocol = (typeof simProtocols)[number];

export const simCredentials = ['access-token', 'mqtt-basic', 'x509'] as const;
export type SimCredentials = (typeof simCredentials)[number];

/** The default device-facing ports of a station (fieldstation serve). */
export const defaultSimPorts: Record<SimProtocol, number> = { http: 8080, mqtt: 1883, coap: 5683 };

/** Where the simulated devices connect to. */
export interface SimTarget {
  host: string;
  port: number;
}

/** The request body a simulated device sends (ThingsBoard's field names). */
export interface ProvisionBody {
  provisionDeviceKey: string;
  provisionDeviceSecret: string;
  deviceName: string;
  credentialsType?: 'ACCESS_TOKEN' | 'MQTT_BASIC' | 'X509_CERTIFICATE';
  clientId?: string;
  username?: string;
  password?: string;
  hash?: string;
}

/** What a device holds after SUCCESS: enough to make first contact. */
export type DeviceCredentials =
  | { type: 'ACCESS_TOKEN'; value: string }
  | { type: 'MQTT_BASIC'; value: MqttBasicValue }
  | { type: 'X509_CERTIFICATE'; value: string };

export type ProvisionStatus = 'SUCCESS' | 'NOT_FOUND' | 'FAILURE';

/** A provisioning answer the station gave (any status); a transport error is thrown instead. */
export interface ProvisionAnswer {
  status: ProvisionStatus;
  credentials: DeviceCredentials | null;
}

/** One protocol's device behaviour. Each call is one device's own connection (or socket), as in the field. */
export interface ProtocolClient {
  provision(body: ProvisionBody, timeoutMs: number): Promise<ProvisionAnswer>;
  /** Resolves once the station acknowledged the message (HTTP 200, MQTT PUBACK, CoAP 2.01). */
  telemetry(credentials: DeviceCredentials, payload: string, timeoutMs: number): Promise<void>;
}

/** One simulated device's provisioning, as the station answered it. */
export interface DeviceResult {
  index: number;
  name: string;
  /** A provisioning status, or 'error' when no answer came (refused, reset, timeout, malformed reply). */
  outcome: ProvisionStatus | 'error';
  credentials: DeviceCredentials | null;
  latencyMs: number;
  error?: string;
}

export interface SimulationProgress {
  phase: 'provision' | 'telemetry' | 'handover';
  done: number;
  total: number;
}

export interface SimulationOptions {
  protocol: SimProtocol;
  devices: number;
  /** Devices in flight at once; `devices` means all at once (a site powering on). Default 32. */
  concurrency?: number;
  key: string;
  secret: string;
  host?: string;
  port?: number;
  credentials?: SimCredentials;
  /** Send one telemetry message per provisioned device afterwards, over the same protocol. */
  telemetry?: boolean;
  /** Device names are `${namePrefix}-${i}`; default `sim-<random run id>`, so runs never collide. */
  namePrefix?: string;
  /** Per-device limit on one exchange. Default 15 s. */
  timeoutMs?: number;
  /** After provisioning, follow a hand-over: wait for the cloud endpoint, acknowledge it, report to the cloud. */
  followHandover?: { names: FollowNames; timeoutMs: number };
  onProgress?: (progress: SimulationProgress) => void;
  onResult?: (result: DeviceResult) => void;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface ErrorCount {
  message: string;
  count: number;
}

export interface TelemetrySummary {
  sent: number;
  acknowledged: number;
  failed: number;
  durationMs: number;
  rate: number;
  latencyMs: LatencySummary;
  errors: ErrorCount[];
}

/** The shared attribute names a following device reads, and the client attribute it acknowledges with. */
export interface FollowNames {
  host: string;
  mqttPort: string;
  httpPort: string;
  confirmKey: string;
}

export interface HandoverFollowSummary {
  /** Provisioned devices that followed. */
  followed: number;
  /** Received an endpoint and acknowledged it to the station. */
  moved: number;
  /** Accepted by the cloud with the same credentials. */
  accepted: number;
  durationMs: number;
  errors: ErrorCount[];
}

export interface SimulationSummary {
  protocol: SimProtocol;
  host: string;
  port: number;
  devices: number;
  concurrency: number;
  credentials: SimCredentials;
  namePrefix: string;
  /** Devices answered SUCCESS. */
  succeeded: number;
  /** Devices that got anything else, errors included. */
  failed: number;
  outcomes: Record<ProvisionStatus, number> & { errors: number };
  /** Wall time of the provisioning phase. */
  durationMs: number;
  /** Answered devices (any outcome) per second of the provisioning phase. */
  rate: number;
  latencyMs: LatencySummary;
  errors: ErrorCount[];
  telemetry: TelemetrySummary | null;
  handover: HandoverFollowSummary | null;
  /** Every device SUCCESS, and every telemetry message acknowledged when telemetry was asked for. */
  ok: boolean;
}

import type { Server as TlsServer } from 'node:tls';
import type { ProvisionResponse, Transport } from '../../../shared/provisioning.ts';
import type { RevokedLogins } from './revoked-logins.ts';

/** Where a request came from; recorded in the audit log, never used for a decision except throttling. */
export interface RequestOrigin {
  transport: Transport;
  remoteAddress: string | null;
}

/** A provisioning request that passed decoding: fields have the right types; values are not checked yet. */
export interface ProvisionRequest {
  provisionDeviceKey: string;
  provisionDeviceSecret: string;
  deviceName?: string;
  credentialsType?: 'ACCESS_TOKEN' | 'MQTT_BASIC' | 'X509_CERTIFICATE';
  token?: string;
  clientId?: string;
  username?: string;
  password?: string;
  hash?: string;
  gateway?: boolean;
}

export type DecodeResult = { ok: true; request: ProvisionRequest } | { ok: false; message: string };

/** A device authenticated by its credentials for first contact (telemetry, attributes, MQTT session). */
export interface DeviceIdentity {
  id: number;
  name: string;
}

export interface ProvisioningService {
  /** Devices whose login was taken back after commit: session transports close their sessions (revoked-logins.ts). */
  logins: RevokedLogins;
  /**
   * Validates the shape of a decoded JSON body. `ok:false` is a malformed request (HTTP 400, CoAP 4.00 without
   * body, MQTT disconnect), not a provisioning outcome.
   */
  decode(body: unknown): DecodeResult;
  /** Decides, commits, then resolves: a SUCCESS is only ever resolved after its transaction committed. */
  provision(request: ProvisionRequest, origin: RequestOrigin): Promise<ProvisionResponse>;
  /** Audits a request that could not be decoded (every attempt is in the audit log). */
  rejectMalformed(message: string, origin: RequestOrigin): void;

  authenticateToken(token: string): DeviceIdentity | null;
  authenticateMqttBasic(clientId: string, username: string | null, password: string | null): DeviceIdentity | null;
  /** A TLS client certificate (DER) of a device provisioned with X509_CERTIFICATE; null if unknown or out of date. */
  authenticateCertificate(der: Buffer): DeviceIdentity | null;
  /** First contact: stores latest values, marks the device online. Resolves after commit. */
  recordTelemetry(device: DeviceIdentity, body: unknown, origin: RequestOrigin): Promise<void>;
  recordAttributes(device: DeviceIdentity, body: unknown, origin: RequestOrigin): Promise<void>;
  /** An authenticated device session opened (MQTT CONNECT accepted): online. Resolves after commit. */
  sessionOpened(device: DeviceIdentity, origin: RequestOrigin): Promise<void>;
  /** That session ended, however it ended: offline once the device has no session left (presence.ts). */
  sessionClosed(device: DeviceIdentity, origin: RequestOrigin): Promise<void>;
  /** What a label's `url` payload shows a phone: the state of the device (or group) behind an onboarding key. */
  onboardingStatus(key: string): OnboardingStatus | null;
}

/** Never a secret: anyone holding the label can open this page on the LAN. */
export interface OnboardingStatus {
  key: string;
  device: { name: string; state: string; lastSeenAt: string | null } | null;
  batch: string | null;
  site: string | null;
  token: { state: string; uses: number; maxUses: number; expiresAt: string | null };
}

/** What every transport is: a library that listens and closes, bound to the service. */
export interface TransportServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

export interface TransportOptions {
  host: string;
  port: number;
  service: ProvisioningService;
  log?: (line: string) => void;
  /** Present for a TLS listener (HTTPS, MQTTS): gives its server the station's certificate (tls/station-tls.ts). */
  tls?: TlsCertificates;
}

export interface TlsCertificates {
  /** Sets the server's certificate before it listens, and every renewed one until it closes. */
  attach(server: TlsServer, host: string): Promise<void>;
}

export type { ProvisionResponse };

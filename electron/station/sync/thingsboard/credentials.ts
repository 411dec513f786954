import { createHash } from 'node:crypto';
import type { TbDeviceCredentials } from './schemas.ts';
import type { CredentialsSummary, LocalCredentials } from './types.ts';

// Local credentials <-> ThingsBoard's DeviceCredentials, compared the way ThingsBoard stores them
// (dao/.../device/DeviceCredentialsServiceImpl.formatCredentials, common/message/.../EncryptionUtil).

/** The `credentials` object of POST /api/device-with-credentials. */
export function toTbCredentials(c: LocalCredentials): Record<string, string> {
  switch (c.type) {
    case 'ACCESS_TOKEN':
      return { credentialsType: 'ACCESS_TOKEN', credentialsId: c.token };
    case 'MQTT_BASIC':
      // credentialsValue is a JSON *string* of BasicMqttCredentials {clientId, userName, password}.
      return {
        credentialsType: 'MQTT_BASIC',
        credentialsValue: JSON.stringify({
          clientId: c.clientId ?? null,
          userName: c.userName ?? null,
          password: c.password ?? null,
        }),
      };
    case 'X509_CERTIFICATE':
      return { credentialsType: 'X509_CERTIFICATE', credentialsValue: c.pem };
  }
}

/** EncryptionUtil.certTrimNewLines: ThingsBoard stores the certificate without BEGIN/END lines or line breaks. */
export function certTrimNewLines(pem: string): string {
  return pem
    .replaceAll('-----BEGIN CERTIFICATE-----', '')
    .replaceAll('\n', '')
    .replaceAll('\r', '')
    .replaceAll('-----END CERTIFICATE-----', '');
}

/** ThingsBoard treats empty and missing alike (StringUtils.isEmpty). */
const orNull = (s: unknown): string | null => (typeof s === 'string' && s !== '' ? s : null);

type Canonical =
  | { type: 'ACCESS_TOKEN'; token: string }
  | { type: 'MQTT_BASIC'; clientId: string | null; userName: string | null; password: string | null }
  | { type: 'X509_CERTIFICATE'; cert: string }
  | { type: 'OTHER'; cloudType: string; raw: string };

function fromLocal(c: LocalCredentials): Canonical {
  switch (c.type) {
    case 'ACCESS_TOKEN':
      return { type: 'ACCESS_TOKEN', token: c.token };
    case 'MQTT_BASIC':
      return { type: 'MQTT_BASIC', clientId: orNull(c.clientId), userName: orNull(c.userName), password: orNull(c.password) };
    case 'X509_CERTIFICATE':
      return { type: 'X509_CERTIFICATE', cert: certTrimNewLines(c.pem) };
  }
}

function fromCloud(c: TbDeviceCredentials): Canonical {
  switch (c.credentialsType) {
    case 'ACCESS_TOKEN':
      return { type: 'ACCESS_TOKEN', token: c.credentialsId ?? '' };
    case 'MQTT_BASIC': {
      let v: Record<string, unknown> = {};
      try {
        v = JSON.parse(c.credentialsValue ?? '{}') ?? {};
      } catch {
        // Unreadable: compare as OTHER below so it can never look equal.
        return { type: 'OTHER', cloudType: c.credentialsType, raw: c.credentialsValue ?? '' };
      }
      return { type: 'MQTT_BASIC', clientId: orNull(v.clientId), userName: orNull(v.userName), password: orNull(v.password) };
    }
    case 'X509_CERTIFICATE':
      return { type: 'X509_CERTIFICATE', cert: certTrimNewLines(c.credentialsValue ?? '') };
    default:
      // LWM2M_CREDENTIALS etc.: never what the station issues.
      return { type: 'OTHER', cloudType: c.credentialsType, raw: `${c.credentialsId}\u0000${c.credentialsValue}` };
  }
}

/** One string per distinct set of credentials. */
function material(c: Canonical): string {
  switch (c.type) {
    case 'ACCESS_TOKEN':
      return `ACCESS_TOKEN\u0000${c.token}`;
    case 'MQTT_BASIC':
      return `MQTT_BASIC\u0000${c.clientId ?? ''}\u0000${c.userName ?? ''}\u0000${c.password ?? ''}`;
    case 'X509_CERTIFICATE':
      return `X509_CERTIFICATE\u0000${c.cert}`;
    case 'OTHER':
      return `OTHER\u0000${c.cloudType}\u0000${c.raw}`;
  }
}

export function sameCredentials(local: LocalCredentials, cloud: TbDeviceCredentials): boolean {
  return material(fromLocal(local)) === material(fromCloud(cloud));
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function summarize(c: Canonical): CredentialsSummary {
  // Equal credentials give equal fingerprints on both sides; the secret itself never leaves this function.
  const fingerprint = sha256(material(c)).slice(0, 12);
  switch (c.type) {
    case 'ACCESS_TOKEN':
      return { type: 'ACCESS_TOKEN', tokenHint: c.token.length > 8 ? `${c.token.slice(0, 4)}…` : '…', fingerprint };
    case 'MQTT_BASIC':
      return { type: 'MQTT_BASIC', clientId: c.clientId, userName: c.userName, hasPassword: c.password !== null, fingerprint };
    case 'X509_CERTIFICATE':
      // EncryptionUtil.getSha3Hash: ThingsBoard's credentialsId for a certificate.
      return { type: 'X509_CERTIFICATE', certificateSha3: createHash('sha3-256').update(c.cert).digest('hex'), fingerprint };
    case 'OTHER':
      return { type: 'OTHER', cloudType: c.cloudType, fingerprint };
  }
}

export const summarizeLocal = (c: LocalCredentials) => summarize(fromLocal(c));
export const summarizeCloud = (c: TbDeviceCredentials) => summarize(fromCloud(c));

/** For messages, e.g. "access token abcd… (fingerprint 1a2b3c4d5e6f)". */
export function describe(s: CredentialsSummary): string {
  switch (s.type) {
    case 'ACCESS_TOKEN':
      return `access token ${s.tokenHint} (fingerprint ${s.fingerprint})`;
    case 'MQTT_BASIC':
      return `MQTT client id ${s.clientId ?? '-'}, user ${s.userName ?? '-'} (fingerprint ${s.fingerprint})`;
    case 'X509_CERTIFICATE':
      return `X.509 certificate ${s.certificateSha3.slice(0, 12)}…`;
    case 'OTHER':
      return `${s.cloudType} credentials`;
  }
}

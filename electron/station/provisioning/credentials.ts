import { createHash, randomInt } from 'node:crypto';
import type { CredentialsInput } from '../../../shared/devices.ts';
import type { CredentialsType, MqttBasicAnswer, MqttBasicValue } from '../../../shared/provisioning.ts';
import type { ProvisionRequest } from './types.ts';

/** Credentials as stored: `credentialsId` is the unique lookup key, `value` what the device is given. */
export interface StoredCredentials {
  type: CredentialsType;
  credentialsId: string;
  value: string;
}

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** ThingsBoard generates access tokens and device names as 20 random alphanumerics (StringUtils.randomAlphanumeric). */
export function randomAlphanumeric(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphanumerics[randomInt(alphanumerics.length)];
  return out;
}

/** The same 62 characters in byte order (SQLite's BINARY collation), so counting up sorts up. */
const inByteOrder = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^4: the values of an access token's first four characters. */
const orderedSpan = 62 ** 4;
// Starts anywhere, so a token says nothing of when it was made or how many came before it.
let nextOrdered = randomInt(orderedSpan);

/**
 * An access token the station makes up (a device that asked for ACCESS_TOKEN without one, a device added or imported
 * without credentials): 20 alphanumerics as ThingsBoard's (StringUtils.randomAlphanumeric(20)), of which the first 4
 * count up and the other 16 are random. The token is the key of the credentials' unique index. Random keys put each
 * new device on another leaf page of it, so each provision of a commit rewrote a page of that index alone (~12 µs of
 * the writer's CPU a page; at HTTP c=32 a commit holds ~17); tokens made one after another share a page, as
 * time-ordered UUIDs do for the same reason (RFC 9562, 6.2, "improved database index locality"). HTTP c=32, station
 * only, 8 alternating pairs: the writer side's CPU a device 76-87 → 59-73 µs. The secret is the random part: 16 of 62
 * characters from the CSPRNG, 95 bits (NIST SP 800-63B asks 64 of a session secret); the counting part starts at a
 * random value in each process.
 */
export function madeUpAccessToken(): string {
  let n = nextOrdered;
  nextOrdered = (nextOrdered + 1) % orderedSpan;
  let head = '';
  for (let i = 0; i < 4; i++) {
    head = inByteOrder[n % 62] + head;
    n = Math.floor(n / 62);
  }
  return head + randomAlphanumeric(16);
}

const sha3 = (text: string) => createHash('sha3-256').update(text).digest('hex');

/** Trimmed form ThingsBoard stores: PEM armour and all whitespace removed. */
export function trimCertificate(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

export function accessToken(token: string): StoredCredentials {
  return { type: 'ACCESS_TOKEN', credentialsId: token, value: token };
}

/**
 * The lookup id of MQTT_BASIC credentials, as ThingsBoard derives it: SHA3 of `clientId|userName`, or of whichever
 * of the two is set (DeviceCredentialsServiceImpl).
 */
export function mqttBasicId(clientId: string | null, userName: string | null): string | null {
  if (clientId && userName) return sha3(`${clientId}|${userName}`);
  if (clientId) return sha3(clientId);
  if (userName) return sha3(userName);
  return null;
}

/** Returns null when neither clientId nor userName is given (ThingsBoard: FAILURE). */
export function mqttBasic(value: MqttBasicValue): StoredCredentials | null {
  const id = mqttBasicId(value.clientId, value.userName);
  return id === null ? null : { type: 'MQTT_BASIC', credentialsId: id, value: JSON.stringify(value) };
}

export function x509(certificate: string): StoredCredentials {
  const trimmed = trimCertificate(certificate);
  return { type: 'X509_CERTIFICATE', credentialsId: sha3(trimmed), value: trimmed };
}

const orNull = (s: string | undefined) => (s === undefined || s === '' ? null : s);

/** Why a request's credentials cannot be used (a FAILURE), as the station's reason (shared/event-reasons.ts). */
export type CredentialsRefusal = { refused: 'credentialsIncomplete' | 'passwordWithClientIdOnly' };

/** Credentials a provisioning request asks for, or why they are unusable (FAILURE). */
export function credentialsFromRequest(request: ProvisionRequest): StoredCredentials | CredentialsRefusal {
  const incomplete: CredentialsRefusal = { refused: 'credentialsIncomplete' };
  switch (request.credentialsType ?? 'ACCESS_TOKEN') {
    case 'ACCESS_TOKEN':
      return accessToken(request.token ? request.token : madeUpAccessToken());
    case 'MQTT_BASIC': {
      const value = { clientId: orNull(request.clientId), userName: orNull(request.username), password: orNull(request.password) };
      // ThingsBoard refuses a password beside a client id alone ("Password cannot be specified along with client id",
      // DeviceCredentialsServiceImpl.formatSimpleMqttCredentials), which its provisioning answers as FAILURE.
      if (value.clientId && value.password && !value.userName) return { refused: 'passwordWithClientIdOnly' };
      return mqttBasic(value) ?? incomplete;
    }
    case 'X509_CERTIFICATE':
      return request.hash ? x509(request.hash) : incomplete;
  }
}

/** Credentials a technician assigns (device add, import), or fresh ones of the profile's default type. */
export function credentialsFromInput(input: CredentialsInput | undefined, defaultType: CredentialsType): StoredCredentials | null {
  if (!input) {
    if (defaultType === 'MQTT_BASIC') {
      return mqttBasic({ clientId: randomAlphanumeric(), userName: randomAlphanumeric(), password: randomAlphanumeric() });
    }
    // A certificate cannot be invented for the device: it must bring its own through provisioning.
    return defaultType === 'ACCESS_TOKEN' ? accessToken(madeUpAccessToken()) : null;
  }
  switch (input.type) {
    case 'ACCESS_TOKEN':
      return accessToken(input.token);
    case 'MQTT_BASIC':
      return mqttBasic({ clientId: orNull(input.clientId), userName: orNull(input.username), password: orNull(input.password) });
    case 'X509_CERTIFICATE':
      return x509(input.certificate);
  }
}

/** What the SUCCESS reply carries: a string, or for MQTT_BASIC an object. */
export function responseValue(stored: { type: CredentialsType; value: string }): string | MqttBasicAnswer {
  if (stored.type !== 'MQTT_BASIC') return stored.value;
  const v = JSON.parse(stored.value) as MqttBasicValue;
  return { clientId: v.clientId ?? '', userName: v.userName ?? '', password: v.password ?? '' };
}

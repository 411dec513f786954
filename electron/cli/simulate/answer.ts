import { randomBytes } from 'node:crypto';
import type { MqttBasicValue } from '../../../shared/provisioning.ts';
import type { DeviceCredentials, ProvisionAnswer, ProvisionBody, SimCredentials } from './types.ts';

/** The request a simulated device sends, with credentials of the kind asked for (ThingsBoard's field names). */
export function provisionBody(key: string, secret: string, deviceName: string, kind: SimCredentials): ProvisionBody {
  const base = { provisionDeviceKey: key, provisionDeviceSecret: secret, deviceName };
  switch (kind) {
    // No token in the request: the station generates one, as for most real firmware.
    case 'access-token':
      return base;
    case 'mqtt-basic':
      return { ...base, credentialsType: 'MQTT_BASIC', clientId: deviceName, username: deviceName, password: randomBytes(9).toString('base64url') };
    case 'x509':
      // A stand-in certificate: the station stores it and never parses it (PROVISIONING.md, `hash`).
      return { ...base, credentialsType: 'X509_CERTIFICATE', hash: fakeCertificate() };
  }
}

function fakeCertificate(): string {
  const body = randomBytes(96).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

/** Thrown when the station's reply is not a ThingsBoard provisioning answer. */
export class BadAnswerError extends Error {
  override name = 'BadAnswerError';
}

/** Reads a provisioning answer (the same JSON on every transport). */
export function parseAnswer(text: string): ProvisionAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadAnswerError(`reply is not JSON: ${clip(text)}`);
  }
  const reply = (json ?? {}) as { status?: unknown; credentialsType?: unknown; credentialsValue?: unknown };
  if (reply.status === 'NOT_FOUND' || reply.status === 'FAILURE') return { status: reply.status, credentials: null };
  if (reply.status !== 'SUCCESS') throw new BadAnswerError(`reply has no provisioning status: ${clip(text)}`);
  const value = reply.credentialsValue;
  if (reply.credentialsType === 'MQTT_BASIC' && typeof value === 'object' && value !== null) {
    return { status: 'SUCCESS', credentials: { type: 'MQTT_BASIC', value: value as MqttBasicValue } };
  }
  if ((reply.credentialsType === 'ACCESS_TOKEN' || reply.credentialsType === 'X509_CERTIFICATE') && typeof value === 'string') {
    return { status: 'SUCCESS', credentials: { type: reply.credentialsType, value } };
  }
  throw new BadAnswerError(`SUCCESS without usable credentials: ${clip(text)}`);
}

/** The access token of plain-token credentials (HTTP and CoAP first contact take nothing else). */
export function accessTokenOf(credentials: DeviceCredentials): string {
  if (credentials.type !== 'ACCESS_TOKEN') throw new Error(`${credentials.type} credentials cannot authenticate here`);
  return credentials.value;
}

export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export interface Exchange<T> {
  ok(value: T): void;
  fail(err: unknown): void;
}

/**
 * One bounded exchange: `start` opens its connection and returns how to release it; the release runs exactly once,
 * whether the exchange answered, failed or ran out of time.
 */
export function exchange<T>(what: string, timeoutMs: number, start: (x: Exchange<T>) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let release: (() => void) | null = null;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      release?.();
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`))), timeoutMs);
    const x: Exchange<T> = {
      ok: (value) => settle(() => resolve(value)),
      fail: (err) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))),
    };
    try {
      const r = start(x);
      if (settled) r();
      else release = r;
    } catch (err) {
      x.fail(err);
    }
  });
}

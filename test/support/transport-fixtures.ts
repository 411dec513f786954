import { createRevokedLogins } from '../../electron/station/provisioning/revoked-logins.ts';
import type { ProvisioningService, ProvisionRequest } from '../../electron/station/provisioning/types.ts';
import type { ProvisionStrategy } from '../../shared/provisioning.ts';
import type { TestEngine } from './engine.ts';

// The fixtures of ThingsBoard's provisioning acceptance cases (PROVISIONING.md), shared by the HTTP and CoAP transport
// tests so both check the same profile, request and answers.

export const key = 'testProvisionKey';
export const secret = 'testProvisionSecret';
export const name = 'Test Provision device';
export const notFound = '{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}';
export const failure = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';
export const generatedToken = /^\{"credentialsValue":"([A-Za-z0-9]{20})","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"\}$/;

/** The acceptance cases' profile ('Test Profile', key and secret above) with the given strategy. */
export async function addProfile(t: TestEngine, strategy: ProvisionStrategy): Promise<void> {
  await t.call('profiles.add', { name: 'Test Profile', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy });
}

/** A provisioning request for the device above, as JSON text; `fields` add to or override its members. */
export const provisionBody = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ deviceName: name, provisionDeviceKey: key, provisionDeviceSecret: secret, ...fields });

/** A stand-in service for what the real one cannot be made to do on cue: fail, or take its time. */
export function stubService(overrides: Partial<ProvisioningService>): ProvisioningService {
  return {
    decode: (body) => ({ ok: true, request: body as ProvisionRequest }),
    provision: async () => ({ credentialsValue: 'stub_token', credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' }),
    rejectMalformed: () => {},
    authenticateToken: () => ({ id: 1, name }),
    authenticateMqttBasic: () => null,
    authenticateCertificate: () => null,
    recordTelemetry: async () => {},
    recordAttributes: async () => {},
    sessionOpened: async () => {},
    sessionClosed: async () => {},
    onboardingStatus: () => null,
    logins: createRevokedLogins(),
    ...overrides,
  };
}

/** A provision() that waits until released, and says when it has been entered. */
export function heldProvision() {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const provision = async () => {
    entered();
    await gate;
    return { credentialsValue: 'held_token', credentialsType: 'ACCESS_TOKEN' as const, status: 'SUCCESS' as const };
  };
  return { provision, inside, release };
}

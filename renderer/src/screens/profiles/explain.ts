import type { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from '../../../../shared/provisioning.ts';

/** The profile options in the technician's words; the form and the list both show them. */
export const strategies: { value: ProvisionStrategy; title: string; short: string; text: string }[] = [
  {
    value: 'allow-create',
    title: 'Devices create themselves',
    short: 'Allow create',
    text: 'Any device that knows this key and secret creates itself on first contact. Suits a fleet flashed with the same key and secret.',
  },
  {
    value: 'check-pre-provisioned',
    title: 'Only devices added beforehand',
    short: 'Pre-provisioned only',
    text: 'A device provisions only if a device of that name was added to this profile first (typed in or imported from a list). Anything else is refused.',
  },
  {
    value: 'disabled',
    title: 'Disabled',
    short: 'Disabled',
    text: 'Nobody provisions with this key: every attempt is answered NOT_FOUND. Devices already provisioned keep working.',
  },
];

export const credentialTypes: { value: CredentialsType; title: string; text: string }[] = [
  { value: 'ACCESS_TOKEN', title: 'Access token', text: 'A random 20-character token. Works over HTTP, MQTT and CoAP.' },
  { value: 'MQTT_BASIC', title: 'MQTT basic', text: 'A random client ID, user name and password, for MQTT devices.' },
  {
    value: 'X509_CERTIFICATE',
    title: 'X.509 certificate',
    text: 'Nothing is generated: each device brings its own certificate when it provisions.',
  },
];

export const reprovisionPolicies: { value: ReprovisionPolicy; title: string; text: string }[] = [
  {
    value: 'deny',
    title: 'Refuse',
    text: 'A device that is already provisioned and asks again is told FAILURE, as ThingsBoard does. The safe choice.',
  },
  {
    value: 'reissue-same',
    title: 'Give the same credentials again',
    text: 'For devices that forget their credentials after a factory reset or a firmware update: they get the very same ones back.',
  },
];

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 20 random alphanumerics, like ThingsBoard's generated keys; rejection sampling keeps every character equally likely. */
export function randomToken(length = 20): string {
  let out = '';
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

import { defineMessage, type IntlShape, type MessageDescriptor } from 'react-intl';
import type { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from '../../../../shared/provisioning.ts';

interface Option<T extends string> {
  value: T;
  title: MessageDescriptor;
  text: MessageDescriptor;
}

/** The profile options in the technician's words; the form and the list both show them. */
export const strategies: (Option<ProvisionStrategy> & { short: MessageDescriptor })[] = [
  {
    value: 'allow-create',
    title: defineMessage({ id: 'profiles.strategy.allowCreate', defaultMessage: 'Devices create themselves' }),
    short: defineMessage({ id: 'profiles.strategy.allowCreateShort', defaultMessage: 'Allow create' }),
    text: defineMessage({ id: 'profiles.strategy.allowCreateText', defaultMessage: 'Any device that knows this key and secret creates itself on first contact. Suits a fleet flashed with the same key and secret.' }),
  },
  {
    value: 'check-pre-provisioned',
    title: defineMessage({ id: 'profiles.strategy.preProvisioned', defaultMessage: 'Only devices added beforehand' }),
    short: defineMessage({ id: 'profiles.strategy.preProvisionedShort', defaultMessage: 'Pre-provisioned only' }),
    text: defineMessage({ id: 'profiles.strategy.preProvisionedText', defaultMessage: 'A device provisions only if a device of that name was added to this profile first (typed in or imported from a list). Anything else is refused.' }),
  },
  {
    value: 'disabled',
    title: defineMessage({ id: 'profiles.strategy.disabled', defaultMessage: 'Disabled' }),
    short: defineMessage({ id: 'profiles.strategy.disabledShort', defaultMessage: 'Disabled' }),
    text: defineMessage({ id: 'profiles.strategy.disabledText', defaultMessage: 'Nobody provisions with this key: every attempt is answered NOT_FOUND. Devices already provisioned keep working.' }),
  },
];

export const credentialTypes: Option<CredentialsType>[] = [
  {
    value: 'ACCESS_TOKEN',
    title: defineMessage({ id: 'devices.credentials.accessToken', defaultMessage: 'Access token' }),
    text: defineMessage({ id: 'profiles.credentials.accessTokenText', defaultMessage: 'A random 20-character token. Works over HTTP, MQTT and CoAP.' }),
  },
  {
    value: 'MQTT_BASIC',
    title: defineMessage({ id: 'devices.credentials.mqttBasic', defaultMessage: 'MQTT basic' }),
    text: defineMessage({ id: 'profiles.credentials.mqttBasicText', defaultMessage: 'A random client ID, user name and password, for MQTT devices.' }),
  },
  {
    value: 'X509_CERTIFICATE',
    title: defineMessage({ id: 'devices.credentials.x509', defaultMessage: 'X.509 certificate' }),
    text: defineMessage({ id: 'profiles.credentials.x509Text', defaultMessage: 'Nothing is generated: each device brings its own certificate when it provisions.' }),
  },
];

export const reprovisionPolicies: Option<ReprovisionPolicy>[] = [
  {
    value: 'deny',
    title: defineMessage({ id: 'profiles.reprovision.deny', defaultMessage: 'Refuse' }),
    text: defineMessage({ id: 'profiles.reprovision.denyText', defaultMessage: 'A device that is already provisioned and asks again is told FAILURE, as ThingsBoard does. The safe choice.' }),
  },
  {
    value: 'reissue-same',
    title: defineMessage({ id: 'profiles.reprovision.same', defaultMessage: 'Give the same credentials again' }),
    text: defineMessage({ id: 'profiles.reprovision.sameText', defaultMessage: 'For devices that forget their credentials after a factory reset or a firmware update: they get the very same ones back.' }),
  },
];

/** Options with their words in the chosen language, as `ChoiceGroup` shows them. */
export function inWords<T extends string>(options: readonly Option<T>[], intl: IntlShape): { value: T; title: string; text: string }[] {
  return options.map((o) => ({ value: o.value, title: intl.formatMessage(o.title), text: intl.formatMessage(o.text) }));
}

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

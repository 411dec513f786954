/**
 * Why an attempt or a change came out as it did, as the station writes it on a provisioning attempt or a device's
 * history line: English words that the API, the CLI and exports carry unchanged (scripts match them), and the UI
 * reads back (readReason) to show them in the technician's language. `{name}` marks a value.
 * One list for both sides, so a reason the station writes is one the UI knows.
 */
export const eventReasons = {
  // The provisioning decision (ThingsBoard's DeviceProvisionServiceImpl order; provisioning/provision.ts).
  blankName: 'device name is blank',
  emptyKeyOrSecret: 'key or secret is empty',
  unknownKey: 'no profile or onboarding token has this key',
  profileDisabled: 'provisioning is disabled on profile {profile}',
  wrongSecret: 'wrong provision secret',
  notPreProvisioned: 'no pre-provisioned device of this name',
  otherProfile: 'the device belongs to another profile',
  reissued: 'already provisioned: same credentials reissued',
  alreadyProvisioned: 'device already provisioned',
  noCredentials: 'the device has no credentials',
  nameTaken: 'a device of this name already exists',
  credentialsIncomplete: 'credentials are incomplete',
  credentialsTaken: 'these credentials belong to another device',
  passwordWithClientIdOnly: 'a password needs a user name, not only a client id',
  // Onboarding tokens (provisioning/redeem.ts, service.ts).
  tokenLocked: 'onboarding token locked after wrong secrets',
  wrongTokenSecret: 'wrong onboarding secret',
  tokenRevoked: 'onboarding token revoked',
  tokenExpired: 'onboarding token expired',
  tokenDeviceRemoved: 'the device of this token was removed',
  tokenUsedUp: 'onboarding token used up',
  alreadyOnboarded: 'device already onboarded',
  tokenRedeemed: 'onboarding token redeemed',
  tokenRedeemedAgain: 'onboarding token redeemed again: same credentials',
  throttled: 'too many wrong onboarding secrets from this address',
  // Requests that could not be read (provisioning/decode.ts, transports/*).
  bodyNotJson: 'the request body is not valid JSON',
  requestNotJson: 'the request is not valid JSON',
  notObject: 'the request must be a JSON object',
  fieldMissing: '{field} is missing',
  fieldNotString: '{field} must be a string',
  badCredentialsType: 'credentialsType must be one of {types}',
  badGateway: 'gateway must be true or false',
  bodyTooLarge: 'request body larger than {bytes} bytes',
  requestTooLarge: 'the request is larger than {bytes} bytes',
  mqttBadLength: 'an MQTT packet with a malformed length',
  mqttTooLarge: 'an MQTT packet of {bytes} bytes, over the {limit} allowed',
  // A device's history: what people did to it, and commands (provisioning/recovery.ts, removal.ts, device-profile.ts,
  // device-api/service.ts).
  resetKept: 'reset to pending; credentials kept',
  resetDropped: 'reset to pending; credentials dropped',
  unlockedPin: 'unlocked with its PIN',
  unlockedPassword: 'unlocked with its password',
  unlockedSecret: 'unlocked with its secret',
  stillLockedPin: 'wrong PIN; still locked',
  stillLockedPassword: 'wrong password; still locked',
  stillLockedSecret: 'wrong secret; still locked',
  oneMoreRedemption: '1 more redemption allowed',
  moreRedemptions: '{count} more redemptions allowed',
  profileChanged: 'profile {from} → {to}; credentials kept',
  removedWas: 'removed (was {state})',
  rpcTimeout: 'the device took the request but did not answer in time',
  rpcNoSession: 'no session of the device was listening for RPC',
  // Devices left out of a token issue (provisioning/token-issue.ts).
  hasActiveToken: 'device already has an active token',
  // A device's hand-over (handover/handovers.ts); a sync problem's own words come from sync or the cloud.
  notProvisionedYet: 'not provisioned yet',
  alreadyHandedOver: 'already handed over',
  handoverTargetRemoved: 'its sync target was removed',
  handoverTimedOut: 'no confirmation from the device in time',
  syncProblem: 'sync: {problem}',
} as const;

export type EventReason = keyof typeof eventReasons;

/** The value names of a template: 'profile {from} → {to}' → 'from' | 'to'. */
type ValueNames<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | ValueNames<Rest> : never;
export type ReasonValues<K extends EventReason> = Record<ValueNames<(typeof eventReasons)[K]>, string | number>;

/** The station's words for `key`, its values filled in. */
export function reasonText<K extends EventReason>(key: K, ...values: ValueNames<(typeof eventReasons)[K]> extends never ? [] : [ReasonValues<K>]): string {
  const given = values[0] as Record<string, string | number> | undefined;
  if (!given) return eventReasons[key];
  return eventReasons[key].replace(/\{(\w+)\}/g, (_, name: string) => String(given[name]));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Each template as a whole-text pattern. A value matches as little as it can; no template has two values side by side,
// so each is read whole.
const patterns = (Object.keys(eventReasons) as EventReason[]).map((key) => {
  const names: string[] = [];
  const source = eventReasons[key]
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part);
      names.push(name);
      return '(.+?)';
    })
    .join('');
  return { key, names, pattern: new RegExp(`^${source}$`, 's') };
});

/** Which reason `text` is, with its values; null for words the station does not write from this list (older rows). */
export function readReason(text: string): { key: EventReason; values: Record<string, string> } | null {
  for (const { key, names, pattern } of patterns) {
    const m = pattern.exec(text);
    if (m) return { key, values: Object.fromEntries(names.map((name, i) => [name, m[i + 1]!])) };
  }
  return null;
}

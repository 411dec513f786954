import { defineMessages, type MessageDescriptor, useIntl } from 'react-intl';
import { type EventReason, readReason } from '../../../shared/event-reasons.ts';
import type { DeviceState } from '../../../shared/station.ts';
import { stateLabel } from './Badges.tsx';

// The station's reasons (shared/event-reasons.ts) in the chosen language; the English here reads as the station writes.
const reasonMessages: Record<EventReason, MessageDescriptor> = defineMessages({
  blankName: { id: 'reason.blankName', defaultMessage: 'device name is blank' },
  emptyKeyOrSecret: { id: 'reason.emptyKeyOrSecret', defaultMessage: 'key or secret is empty' },
  unknownKey: { id: 'reason.unknownKey', defaultMessage: 'no profile or onboarding token has this key' },
  profileDisabled: { id: 'reason.profileDisabled', defaultMessage: 'provisioning is disabled on profile {profile}' },
  wrongSecret: { id: 'reason.wrongSecret', defaultMessage: 'wrong provision secret' },
  notPreProvisioned: { id: 'reason.notPreProvisioned', defaultMessage: 'no pre-provisioned device of this name' },
  otherProfile: { id: 'reason.otherProfile', defaultMessage: 'the device belongs to another profile' },
  reissued: { id: 'reason.reissued', defaultMessage: 'already provisioned: same credentials reissued' },
  alreadyProvisioned: { id: 'reason.alreadyProvisioned', defaultMessage: 'device already provisioned' },
  noCredentials: { id: 'reason.noCredentials', defaultMessage: 'the device has no credentials' },
  nameTaken: { id: 'reason.nameTaken', defaultMessage: 'a device of this name already exists' },
  credentialsIncomplete: { id: 'reason.credentialsIncomplete', defaultMessage: 'credentials are incomplete' },
  credentialsTaken: { id: 'reason.credentialsTaken', defaultMessage: 'these credentials belong to another device' },
  passwordWithClientIdOnly: { id: 'reason.passwordWithClientIdOnly', defaultMessage: 'a password needs a user name, not only a client id' },
  tokenLocked: { id: 'reason.tokenLocked', defaultMessage: 'onboarding token locked after wrong secrets' },
  wrongTokenSecret: { id: 'reason.wrongTokenSecret', defaultMessage: 'wrong onboarding secret' },
  tokenRevoked: { id: 'reason.tokenRevoked', defaultMessage: 'onboarding token revoked' },
  tokenExpired: { id: 'reason.tokenExpired', defaultMessage: 'onboarding token expired' },
  tokenDeviceRemoved: { id: 'reason.tokenDeviceRemoved', defaultMessage: 'the device of this token was removed' },
  tokenUsedUp: { id: 'reason.tokenUsedUp', defaultMessage: 'onboarding token used up' },
  alreadyOnboarded: { id: 'reason.alreadyOnboarded', defaultMessage: 'device already onboarded' },
  tokenRedeemed: { id: 'reason.tokenRedeemed', defaultMessage: 'onboarding token redeemed' },
  tokenRedeemedAgain: { id: 'reason.tokenRedeemedAgain', defaultMessage: 'onboarding token redeemed again: same credentials' },
  throttled: { id: 'reason.throttled', defaultMessage: 'too many wrong onboarding secrets from this address' },
  bodyNotJson: { id: 'reason.bodyNotJson', defaultMessage: 'the request body is not valid JSON' },
  requestNotJson: { id: 'reason.requestNotJson', defaultMessage: 'the request is not valid JSON' },
  notObject: { id: 'reason.notObject', defaultMessage: 'the request must be a JSON object' },
  fieldMissing: { id: 'reason.fieldMissing', defaultMessage: '{field} is missing' },
  fieldNotString: { id: 'reason.fieldNotString', defaultMessage: '{field} must be a string' },
  badCredentialsType: { id: 'reason.badCredentialsType', defaultMessage: 'credentialsType must be one of {types}' },
  badGateway: { id: 'reason.badGateway', defaultMessage: 'gateway must be true or false' },
  bodyTooLarge: { id: 'reason.bodyTooLarge', defaultMessage: 'request body larger than {bytes, number} bytes' },
  requestTooLarge: { id: 'reason.requestTooLarge', defaultMessage: 'the request is larger than {bytes, number} bytes' },
  mqttBadLength: { id: 'reason.mqttBadLength', defaultMessage: 'an MQTT packet with a malformed length' },
  mqttTooLarge: { id: 'reason.mqttTooLarge', defaultMessage: 'an MQTT packet of {bytes, number} bytes, over the {limit, number} allowed' },
  resetKept: { id: 'reason.resetKept', defaultMessage: 'reset to pending; credentials kept' },
  resetDropped: { id: 'reason.resetDropped', defaultMessage: 'reset to pending; credentials dropped' },
  unlockedPin: { id: 'reason.unlockedPin', defaultMessage: 'unlocked with its PIN' },
  unlockedPassword: { id: 'reason.unlockedPassword', defaultMessage: 'unlocked with its password' },
  unlockedSecret: { id: 'reason.unlockedSecret', defaultMessage: 'unlocked with its secret' },
  stillLockedPin: { id: 'reason.stillLockedPin', defaultMessage: 'wrong PIN; still locked' },
  stillLockedPassword: { id: 'reason.stillLockedPassword', defaultMessage: 'wrong password; still locked' },
  stillLockedSecret: { id: 'reason.stillLockedSecret', defaultMessage: 'wrong secret; still locked' },
  oneMoreRedemption: { id: 'reason.oneMoreRedemption', defaultMessage: '1 more redemption allowed' },
  moreRedemptions: { id: 'reason.moreRedemptions', defaultMessage: '{count, number} more redemptions allowed' },
  profileChanged: { id: 'reason.profileChanged', defaultMessage: 'profile {from} → {to}; credentials kept' },
  removedWas: { id: 'reason.removedWas', defaultMessage: 'removed (was {state})' },
  rpcTimeout: { id: 'reason.rpcTimeout', defaultMessage: 'the device took the request but did not answer in time' },
  rpcNoSession: { id: 'reason.rpcNoSession', defaultMessage: 'no session of the device was listening for RPC' },
  hasActiveToken: { id: 'reason.hasActiveToken', defaultMessage: 'device already has an active token' },
  notProvisionedYet: { id: 'reason.notProvisionedYet', defaultMessage: 'not provisioned yet' },
  alreadyHandedOver: { id: 'reason.alreadyHandedOver', defaultMessage: 'already handed over' },
  handoverTargetRemoved: { id: 'reason.handoverTargetRemoved', defaultMessage: 'its sync target was removed' },
  handoverTimedOut: { id: 'reason.handoverTimedOut', defaultMessage: 'no confirmation from the device in time' },
  syncProblem: { id: 'reason.syncProblem', defaultMessage: 'sync: {problem}' },
});

const numberValues = new Set(['bytes', 'limit', 'count']);
const deviceStates: readonly string[] = ['pending', 'provisioned', 'online', 'offline', 'handed-over'] satisfies DeviceState[];

/**
 * Why an attempt or a change came out as it did, in the chosen language when the station wrote it from its list of
 * reasons; other words (rows older than that list) are shown as the station wrote them, marked as its own words.
 * The station's English stays in `data-station-reason` (what the API, the CLI and an export say).
 */
export function StationReason({ text, className, empty = '—' }: { text: string | null; className?: string; empty?: string }) {
  const intl = useIntl();
  if (text === null) return <span className={className}>{empty}</span>;
  const known = readReason(text);
  if (!known) {
    return (
      <span className={className} title={text} data-station-words>
        {text}
      </span>
    );
  }
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(known.values)) {
    if (numberValues.has(name) && /^\d+$/.test(value)) values[name] = Number(value);
    else if (name === 'state' && deviceStates.includes(value)) values[name] = stateLabel(value as DeviceState).toLocaleLowerCase(intl.locale);
    else values[name] = value;
  }
  const shown = intl.formatMessage(reasonMessages[known.key], values);
  return (
    <span className={className} title={shown} data-station-reason={text}>
      {shown}
    </span>
  );
}

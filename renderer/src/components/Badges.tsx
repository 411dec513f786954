import { defineMessages, type MessageDescriptor, useIntl } from 'react-intl';
import type { ProvisionAttempt } from '../../../shared/devices.ts';
import type { DeviceState } from '../../../shared/station.ts';
import type { TokenState } from '../../../shared/tokens.ts';
import { getIntl } from '../i18n/intl.ts';

const stateMessages = defineMessages({
  pending: { id: 'state.pending', defaultMessage: 'Pending' },
  provisioned: { id: 'state.provisioned', defaultMessage: 'Provisioned' },
  online: { id: 'state.online', defaultMessage: 'Online' },
  offline: { id: 'state.offline', defaultMessage: 'Offline' },
  'handed-over': { id: 'state.handedOver', defaultMessage: 'Handed over' },
} satisfies Record<DeviceState, MessageDescriptor>);

/** A device state in the chosen language. */
export const stateLabel = (state: DeviceState): string => getIntl().formatMessage(stateMessages[state]);

export function StateBadge({ state }: { state: DeviceState }) {
  const intl = useIntl();
  return (
    <span className={`badge badge-${state}`}>
      <span className="badge-dot" aria-hidden="true" />
      {intl.formatMessage(stateMessages[state])}
    </span>
  );
}

const outcomeTone: Record<ProvisionAttempt['outcome'], string> = {
  SUCCESS: 'success',
  NOT_FOUND: 'warning',
  FAILURE: 'danger',
  BAD_REQUEST: 'danger',
};

const outcomeMessages = defineMessages({
  SUCCESS: { id: 'outcome.success', defaultMessage: 'Success' },
  NOT_FOUND: { id: 'outcome.notFound', defaultMessage: 'Not found' },
  FAILURE: { id: 'outcome.failure', defaultMessage: 'Failure' },
  BAD_REQUEST: { id: 'outcome.badRequest', defaultMessage: 'Bad request' },
} satisfies Record<ProvisionAttempt['outcome'], MessageDescriptor>);

/** A provisioning outcome in the chosen language (ThingsBoard's code stays in the badge's title). */
export const outcomeLabel = (outcome: ProvisionAttempt['outcome']): string => getIntl().formatMessage(outcomeMessages[outcome]);

export function OutcomeBadge({ outcome }: { outcome: ProvisionAttempt['outcome'] }) {
  const intl = useIntl();
  return (
    <span className={`badge badge-${outcomeTone[outcome]}`} title={outcome}>
      {intl.formatMessage(outcomeMessages[outcome])}
    </span>
  );
}

const tokenStateMessages = defineMessages({
  active: { id: 'tokenState.active', defaultMessage: 'Active' },
  used: { id: 'tokenState.used', defaultMessage: 'Used' },
  expired: { id: 'tokenState.expired', defaultMessage: 'Expired' },
  revoked: { id: 'tokenState.revoked', defaultMessage: 'Revoked' },
  locked: { id: 'tokenState.locked', defaultMessage: 'Locked' },
} satisfies Record<TokenState, MessageDescriptor>);

export const tokenStateLabel = (state: TokenState): string => getIntl().formatMessage(tokenStateMessages[state]);

const tokenTone: Record<TokenState, string> = {
  active: 'info',
  used: 'success',
  expired: 'neutral',
  revoked: 'neutral',
  locked: 'danger',
};

/** active: can still be redeemed; used: its device provisioned with it; locked: wrong secrets, waits before trying again. */
export function TokenStateBadge({ state }: { state: TokenState }) {
  const intl = useIntl();
  return <span className={`badge badge-${tokenTone[state]} token-${state}`}>{intl.formatMessage(tokenStateMessages[state])}</span>;
}

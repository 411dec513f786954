import type { ProvisionAttempt } from '../../../shared/devices.ts';
import type { DeviceState } from '../../../shared/station.ts';
import type { TokenState } from '../../../shared/tokens.ts';

export const stateLabel: Record<DeviceState, string> = {
  pending: 'Pending',
  provisioned: 'Provisioned',
  online: 'Online',
  offline: 'Offline',
  'handed-over': 'Handed over',
};

export function StateBadge({ state }: { state: DeviceState }) {
  return (
    <span className={`badge badge-${state}`}>
      <span className="badge-dot" aria-hidden="true" />
      {stateLabel[state]}
    </span>
  );
}

const outcomeTone: Record<ProvisionAttempt['outcome'], string> = {
  SUCCESS: 'success',
  NOT_FOUND: 'warning',
  FAILURE: 'danger',
  BAD_REQUEST: 'danger',
};

export const outcomeLabel: Record<ProvisionAttempt['outcome'], string> = {
  SUCCESS: 'Success',
  NOT_FOUND: 'Not found',
  FAILURE: 'Failure',
  BAD_REQUEST: 'Bad request',
};

export function OutcomeBadge({ outcome }: { outcome: ProvisionAttempt['outcome'] }) {
  return (
    <span className={`badge badge-${outcomeTone[outcome]}`} title={outcome}>
      {outcomeLabel[outcome]}
    </span>
  );
}

export const tokenStateLabel: Record<TokenState, string> = {
  active: 'Active',
  used: 'Used',
  expired: 'Expired',
  revoked: 'Revoked',
  locked: 'Locked',
};

const tokenTone: Record<TokenState, string> = {
  active: 'info',
  used: 'success',
  expired: 'neutral',
  revoked: 'neutral',
  locked: 'danger',
};

/** active: can still be redeemed; used: its device provisioned with it; locked: wrong secrets, waits before trying again. */
export function TokenStateBadge({ state }: { state: TokenState }) {
  return <span className={`badge badge-${tokenTone[state]} token-${state}`}>{tokenStateLabel[state]}</span>;
}

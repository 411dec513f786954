import type { ProvisionAttempt } from '../../../shared/devices.ts';
import type { DeviceState } from '../../../shared/station.ts';

export const stateLabel: Record<DeviceState, string> = {
  pending: 'Pending',
  provisioned: 'Provisioned',
  online: 'Online',
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

import { FormattedMessage, useIntl } from 'react-intl';
import type { ProfileUsage } from '../../../../shared/profiles.ts';
import { Modal } from '../../components/Modal.tsx';

/**
 * Before a profile's provision key or secret changes while devices use it: the cost in numbers. Devices carry the
 * pair in their firmware; the station accepts only the new one once saved (ThingsBoard's DeviceProvisionServiceImpl
 * matches both exactly), so every device not provisioned yet needs firmware with the new value.
 */
export function SecretChangeDialog({
  usage,
  what,
  onCancel,
  onConfirm,
}: {
  usage: ProfileUsage;
  what: 'key' | 'secret' | 'both';
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const intl = useIntl();
  const thing = intl.formatMessage(
    { id: 'profiles.secretChange.thing', defaultMessage: '{what, select, key {provision key} secret {provision secret} other {provision key and secret}}' },
    { what },
  );
  return (
    <Modal
      title={intl.formatMessage({ id: 'profiles.secretChange.title', defaultMessage: 'Change the {thing} of “{profile}”?' }, { thing, profile: usage.profile })}
      onClose={onCancel}
    >
      <div className="form-stack" data-testid="secret-change">
        <p>
          <FormattedMessage
            id="profiles.secretChange.consequence"
            defaultMessage="{devices, plural, one {# device uses} other {# devices use}} this profile. Firmware with the old {thing} will stop provisioning: {pending, plural, =0 {none of them is pending} one {# is still pending} other {# are still pending}} and will provision only with firmware that has the new one."
            values={{ devices: usage.devices, pending: usage.pending, thing }}
          />
        </p>
        <p className="muted">
          <FormattedMessage
            id="profiles.secretChange.provisioned"
            defaultMessage="Devices already provisioned keep working; they need the new {thing} only to provision again. Onboarding tokens are not affected."
            values={{ thing }}
          />
        </p>
        <div className="form-actions">
          <button type="button" className="btn" onClick={onCancel}>
            <FormattedMessage id="profiles.secretChange.cancel" defaultMessage="Keep the old {thing}" values={{ thing }} />
          </button>
          <button type="button" className="btn btn-danger" onClick={onConfirm}>
            <FormattedMessage
              id="profiles.secretChange.confirm"
              defaultMessage="Change it for {devices, plural, one {# device} other {# devices}}"
              values={{ devices: usage.devices }}
            />
          </button>
        </div>
      </div>
    </Modal>
  );
}

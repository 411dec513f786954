import { FormattedMessage, useIntl } from 'react-intl';
import type { Profile } from '../../../../shared/profiles.ts';
import { useStation } from '../../app/station.tsx';
import { ConfirmRemoveDialog } from '../../components/ConfirmRemoveDialog.tsx';

export function RemoveProfileDialog({ profile, onClose, onRemoved }: { profile: Profile; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  const intl = useIntl();
  return (
    <ConfirmRemoveDialog
      title={intl.formatMessage({ id: 'profiles.removeTitle', defaultMessage: 'Remove profile “{name}”?' }, { name: profile.name })}
      confirmLabel={intl.formatMessage({ id: 'profiles.removeConfirm', defaultMessage: 'Remove profile' })}
      remove={() => api['profiles.remove']({ profile: profile.name })}
      onClose={onClose}
      onRemoved={onRemoved}
    >
<FormattedMessage id="profiles.removeText" defaultMessage="Devices can no longer provision with its key <code>{key}</code>. A profile that still has devices cannot be removed. This cannot be undone." values={{ key: profile.provisionDeviceKey, code: (text) => <code>{text}</code> }} />
    </ConfirmRemoveDialog>
  );
}

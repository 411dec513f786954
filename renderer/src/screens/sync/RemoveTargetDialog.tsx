import { FormattedMessage, useIntl } from 'react-intl';
import type { SyncTarget } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { ConfirmRemoveDialog } from '../../components/ConfirmRemoveDialog.tsx';

export function RemoveTargetDialog({ target, onClose, onRemoved }: { target: SyncTarget; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  const intl = useIntl();
  return (
    <ConfirmRemoveDialog
      title={intl.formatMessage({ id: 'sync.remove.title', defaultMessage: 'Remove sync target “{name}”?' }, { name: target.name })}
      confirmLabel={intl.formatMessage({ id: 'sync.remove.confirm', defaultMessage: 'Remove target' })}
      remove={() => api['sync.targets.remove']({ name: target.name })}
      onClose={onClose}
      onRemoved={onRemoved}
    >
<FormattedMessage id="sync.remove.text" defaultMessage="Devices stop going to <code>{url}</code>. What it already received stays there. Its stored credentials are deleted from this station." values={{ url: target.url, code: (text) => <code>{text}</code> }} />
    </ConfirmRemoveDialog>
  );
}

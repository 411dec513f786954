import type { SyncTarget } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { ConfirmRemoveDialog } from '../../components/ConfirmRemoveDialog.tsx';

export function RemoveTargetDialog({ target, onClose, onRemoved }: { target: SyncTarget; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  return (
    <ConfirmRemoveDialog
      title={`Remove sync target “${target.name}”?`}
      confirmLabel="Remove target"
      remove={() => api['sync.targets.remove']({ name: target.name })}
      onClose={onClose}
      onRemoved={onRemoved}
    >
      Devices stop going to <code>{target.url}</code>. What it already received stays there. Its stored credentials are
      deleted from this station.
    </ConfirmRemoveDialog>
  );
}

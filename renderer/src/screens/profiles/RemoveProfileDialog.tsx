import type { Profile } from '../../../../shared/profiles.ts';
import { useStation } from '../../app/station.tsx';
import { ConfirmRemoveDialog } from '../../components/ConfirmRemoveDialog.tsx';

export function RemoveProfileDialog({ profile, onClose, onRemoved }: { profile: Profile; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  return (
    <ConfirmRemoveDialog
      title={`Remove profile “${profile.name}”?`}
      confirmLabel="Remove profile"
      remove={() => api['profiles.remove']({ profile: profile.name })}
      onClose={onClose}
      onRemoved={onRemoved}
    >
      Devices can no longer provision with its key <code>{profile.provisionDeviceKey}</code>. A profile that still has
      devices cannot be removed. This cannot be undone.
    </ConfirmRemoveDialog>
  );
}

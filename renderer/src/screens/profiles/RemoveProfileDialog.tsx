import { useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../../shared/profiles.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

export function RemoveProfileDialog({ profile, onClose, onRemoved }: { profile: Profile; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  // A destructive question starts on the safe answer (the dialog itself opened in the child's effect, just before).
  useEffect(() => keep.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    try {
      await api['profiles.remove']({ profile: profile.name });
      onRemoved();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Remove profile “${profile.name}”?`} onClose={onClose} describedBy="remove-profile-text">
      <p id="remove-profile-text">
        Devices can no longer provision with its key <code>{profile.provisionDeviceKey}</code>. A profile that still has
        devices cannot be removed. This cannot be undone.
      </p>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose} ref={keep}>
          Keep it
        </button>
        <button type="button" className="btn btn-danger" onClick={remove} disabled={busy}>
          {busy ? 'Removing…' : 'Remove profile'}
        </button>
      </div>
    </Modal>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { SyncTarget } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

export function RemoveTargetDialog({ target, onClose, onRemoved }: { target: SyncTarget; onClose: () => void; onRemoved: () => void }) {
  const { api } = useStation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    try {
      await api['sync.targets.remove']({ name: target.name });
      onRemoved();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Remove sync target “${target.name}”?`} onClose={onClose} describedBy="remove-target-text">
      <p id="remove-target-text">
        Devices stop going to <code>{target.url}</code>. What it already received stays there. Its stored credentials are
        deleted from this station.
      </p>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" ref={keep} onClick={onClose}>
          Keep it
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy}>
          {busy ? 'Removing…' : 'Remove target'}
        </button>
      </div>
    </Modal>
  );
}

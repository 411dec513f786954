import { useEffect, useRef, useState } from 'react';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatCount } from '../../components/time.tsx';

/** Revokes tokens (the selected devices' current ones, or every token of the batch) after saying what that means. */
export function RevokeTokensDialog({
  batch,
  tokens,
  wholeBatch,
  onClose,
}: {
  batch: string;
  tokens: readonly TokenView[];
  wholeBatch: boolean;
  onClose: () => void;
}) {
  const { api } = useStation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  const n = tokens.length;

  const revoke = async () => {
    setBusy(true);
    try {
      let revoked = 0;
      if (wholeBatch) revoked = (await api['tokens.revoke']({ batch })).revoked;
      else for (const t of tokens) revoked += (await api['tokens.revoke']({ id: t.id })).revoked;
      announce(`Revoked ${revoked} tokens`);
      onClose();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={wholeBatch ? `Revoke every token of “${batch}”?` : `Revoke ${formatCount(n)} ${n === 1 ? 'token' : 'tokens'}?`} onClose={onClose} describedBy="revoke-text">
      <p id="revoke-text">
        Their labels stop provisioning at once. Devices that already provisioned keep their credentials. To replace a lost or
        damaged label, use Reissue on the token instead: it revokes the old label and gives the device a new one.
      </p>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose} ref={keep}>
          Keep them
        </button>
        <button type="button" className="btn btn-danger" onClick={revoke} disabled={busy}>
          {busy ? 'Revoking…' : wholeBatch ? 'Revoke all' : `Revoke ${formatCount(n)}`}
        </button>
      </div>
    </Modal>
  );
}

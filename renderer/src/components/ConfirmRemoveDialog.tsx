import { FormattedMessage } from 'react-intl';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { type Explained, explain } from '../api/errors.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Modal } from './Modal.tsx';

/**
 * Asks before removing something for good: `children` says what removing it means, `remove` does it. A refusal stays
 * in the dialog as an error notice; success calls `onRemoved`.
 */
export function ConfirmRemoveDialog({
  title,
  confirmLabel,
  remove,
  onClose,
  onRemoved,
  children,
}: {
  title: string;
  /** The destructive button, e.g. “Remove profile”. */
  confirmLabel: string;
  remove: () => Promise<unknown>;
  onClose: () => void;
  onRemoved: () => void;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const textId = useId();
  const keep = useRef<HTMLButtonElement>(null);
  // A destructive question starts on the safe answer (the dialog itself opened in the child's effect, just before).
  useEffect(() => keep.current?.focus(), []);
  const confirm = async () => {
    setBusy(true);
    try {
      await remove();
      onRemoved();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose} describedBy={textId}>
      <p id={textId}>{children}</p>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose} ref={keep}>
          <FormattedMessage id="common.keepIt" defaultMessage="Keep it" />
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
          {busy ? <FormattedMessage id="common.removing" defaultMessage="Removing…" /> : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

/** A new name for a batch: its devices, tokens and printed labels stay with it (labels carry tokens, not the name). */
export function RenameBatchDialog({ batch, onClose, onRenamed }: { batch: string; onClose: () => void; onRenamed: (name: string) => void }) {
  const { api, batches, devices } = useStation();
  const intl = useIntl();
  const id = useId();
  const [name, setName] = useState(batch);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.select(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const renamed = await api['batches.update']({ batch, name: name.trim() });
      await batches.load();
      devices.reload(null);
      announce(intl.formatMessage({ id: 'renameBatch.done', defaultMessage: 'Batch renamed to {name}' }, { name: renamed.name }));
      onRenamed(renamed.name);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={intl.formatMessage({ id: 'renameBatch.title', defaultMessage: 'Rename batch “{batch}”' }, { batch })} onClose={onClose}>
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'renameBatch.form', defaultMessage: 'Rename batch' })}>
        <div className="field">
          <label htmlFor={`${id}-name`}>
            <FormattedMessage id="renameBatch.name" defaultMessage="New name" />
          </label>
          <input id={`${id}-name`} ref={ref} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          <p className="field-hint">
            <FormattedMessage id="renameBatch.hint" defaultMessage="Devices, tokens and labels already printed stay valid." />
          </p>
        </div>
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="renameBatch.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || name.trim() === batch}>
            <FormattedMessage id="renameBatch.submit" defaultMessage="Rename" />
          </button>
        </div>
      </form>
    </Modal>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useRef, useState } from 'react';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

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
  const intl = useIntl();

  const revoke = async () => {
    setBusy(true);
    try {
      let revoked = 0;
      if (wholeBatch) revoked = (await api['tokens.revoke']({ batch })).revoked;
      else for (const t of tokens) revoked += (await api['tokens.revoke']({ id: t.id })).revoked;
      announce(intl.formatMessage({ id: 'tokens.revoke.done', defaultMessage: 'Revoked {count, plural, one {# token} other {# tokens}}' }, { count: revoked }));
      onClose();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={
        wholeBatch
          ? intl.formatMessage({ id: 'tokens.revoke.titleAll', defaultMessage: 'Revoke every token of “{batch}”?' }, { batch })
          : intl.formatMessage({ id: 'tokens.revoke.title', defaultMessage: 'Revoke {count, plural, one {# token} other {# tokens}}?' }, { count: n })
      }
      onClose={onClose}
      describedBy="revoke-text"
    >
      <p id="revoke-text">
<FormattedMessage id="tokens.revoke.text" defaultMessage="Their labels stop provisioning at once. Devices that already provisioned keep their credentials. To replace a lost or damaged label, use Reissue on the token instead: it revokes the old label and gives the device a new one." />
      </p>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose} ref={keep}>
          <FormattedMessage id="tokens.revoke.keep" defaultMessage="Keep them" />
        </button>
        <button type="button" className="btn btn-danger" onClick={revoke} disabled={busy}>
          {busy
            ? intl.formatMessage({ id: 'tokens.revoke.revoking', defaultMessage: 'Revoking…' })
            : wholeBatch
              ? intl.formatMessage({ id: 'tokens.revoke.all', defaultMessage: 'Revoke all' })
              : intl.formatMessage({ id: 'tokens.revoke.count', defaultMessage: 'Revoke {count, number}' }, { count: n })}
        </button>
      </div>
    </Modal>
  );
}

import { useEffect, useState } from 'react';
import { UnlockToken } from './UnlockToken.tsx';
import type { IssuedToken, TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { TokenStateBadge } from '../../components/Badges.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';
import { Qr } from '../../components/Qr.tsx';
import { formatDateTime } from '../../components/time.tsx';

/**
 * One token: its QR code and what it carries (for typing into a device by hand, or a test from a laptop), and what
 * can be done with it: print its label, reissue it (a lost or damaged label), revoke it.
 */
export function TokenDialog({
  id,
  view,
  onClose,
  onReissued,
  onPrint,
}: {
  id: number;
  view: TokenView | null;
  onClose: () => void;
  onReissued: (id: number) => void;
  onPrint: (device: string | null) => void;
}) {
  const { api } = useStation();
  const [token, setToken] = useState<IssuedToken | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [confirm, setConfirm] = useState<'reissue' | 'revoke' | 'allow-more' | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setToken(null);
    setRevealed(false);
    api['tokens.printable']({ id }).then(setToken, (err: unknown) => setError(explain(err)));
  }, [api, id]);

  const usable = view?.state === 'active' || view?.state === 'locked';
  // A used token is where a device that missed its answer gets stuck: it can be revoked, reissued or used once more.
  const used = view?.state === 'used';
  const act = async (what: 'reissue' | 'revoke' | 'allow-more') => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'reissue') {
        const next = await api['tokens.reissue']({ id });
        announce(`Reissued: new code ${next.shortCode}`);
        setConfirm(null);
        onReissued(next.id);
      } else if (what === 'allow-more') {
        await api['tokens.allowMore']({ id, uses: 1 });
        announce('The token can be redeemed once more');
        setConfirm(null);
      } else {
        await api['tokens.revoke']({ id });
        announce('Token revoked');
        onClose();
      }
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  const title = view?.device ? `Token for ${view.device}` : 'Group token';
  return (
    <Modal title={title} onClose={onClose} className="modal-wide token-dialog">
      {view && (
        <p className="token-facts">
          <TokenStateBadge state={view.state} />
          <span>
            used {view.uses} of {view.maxUses} · {view.expiresAt ? `expires ${formatDateTime(view.expiresAt)}` : 'never expires'}
            {view.lockedUntil ? ` · locked until ${formatDateTime(view.lockedUntil)}` : ''}
          </span>
        </p>
      )}
      {view?.state === 'locked' && <UnlockToken token={view} />}
      {error && <ErrorNotice error={error} />}
      {!token && !error && <p className="muted">Loading…</p>}
      {token && (
        <div className="token-code">
          <Qr text={token.payload} sizeCss="168px" label={`QR code of token ${token.shortCode}`} />
          <dl className="facts">
            <dt>Short code</dt>
            <dd className="copy-field">
              <code className="strong" data-short-code>
                {token.shortCode}
              </code>
              <CopyButton value={token.shortCode} what="short code" />
            </dd>
            <dt>Provision key</dt>
            <dd className="copy-field">
              <code data-token-key>{token.key}</code>
              <CopyButton value={token.key} what="token key" />
            </dd>
            <dt>Provision secret</dt>
            <dd className="copy-field">
              {token.secret === undefined ? (
                <span className="muted">the {token.protection === 'pin' ? 'PIN' : 'password'} chosen when it was issued</span>
              ) : revealed ? (
                <>
                  <code className="secret" data-token-secret>
                    {token.secret}
                  </code>
                  <CopyButton value={token.secret} what="token secret" />
                </>
              ) : (
                <span className="masked" role="img" aria-label="hidden">
                  ••••••••••••••••
                </span>
              )}
              {token.secret !== undefined && (
                <button type="button" className="btn btn-small btn-ghost" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
                  <Icon name={revealed ? 'eyeOff' : 'eye'} size={14} />
                  {revealed ? 'Hide' : 'Reveal'}
                </button>
              )}
            </dd>
            <dt>QR payload</dt>
            <dd className="copy-field">
              <code className="wrap payload">{revealed || token.secret === undefined ? token.payload : token.payload.replace(token.secret, '•'.repeat(16))}</code>
              <CopyButton value={token.payload} what="label payload" />
            </dd>
          </dl>
        </div>
      )}
      <p className="field-hint">
        A device provisions with the key as its <code>provisionDeviceKey</code> and the secret as its <code>provisionDeviceSecret</code>
        , over HTTP, MQTT or CoAP, exactly as with a profile.
      </p>
      {confirm && (
        <div className="confirm-inline" role="alert">
          <p>
            {confirm === 'reissue'
              ? used && view?.device
                ? `Reissue: this label stops working and ${view.device} gets a new token good for one redemption. It must be pending (reset it in its device panel first); print the new label and stick it over the old one.`
                : 'Reissue: this label stops working and the device gets a new token with the same settings. Print the new label and stick it over the old one.'
              : confirm === 'allow-more'
                ? `Allow one more redemption: this label works once more. ${view?.device ? `${view.device}'s next provisioning gets the same credentials it was given.` : 'One more device can provision with it.'}`
                : 'Revoke: this label stops working at once. A device that already provisioned keeps its credentials.'}
          </p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              Cancel
            </button>
            <button type="button" className={confirm === 'revoke' ? 'btn btn-danger' : 'btn btn-primary'} onClick={() => void act(confirm)} disabled={busy}>
              {confirm === 'reissue' ? 'Reissue token' : confirm === 'allow-more' ? 'Allow one more' : 'Revoke token'}
            </button>
          </div>
        </div>
      )}
      {!confirm && (
        <div className="form-actions">
          {(usable || used) && (
            <button type="button" className="btn btn-ghost btn-danger-text push-start" onClick={() => setConfirm('revoke')}>
              <Icon name="ban" />
              Revoke…
            </button>
          )}
          {used && (
            <button type="button" className="btn" onClick={() => setConfirm('allow-more')}>
              <Icon name="ticket" />
              Allow one more…
            </button>
          )}
          {view && (used || view.uses < view.maxUses) && (
            <button type="button" className="btn" onClick={() => setConfirm('reissue')}>
              <Icon name="refresh" />
              Reissue…
            </button>
          )}
          {usable && (
            <button type="button" className="btn btn-primary" onClick={() => onPrint(view?.device ?? null)}>
              <Icon name="printer" />
              Print label
            </button>
          )}
        </div>
      )}
    </Modal>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
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
  const intl = useIntl();

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
        announce(intl.formatMessage({ id: 'token.reissued', defaultMessage: 'Reissued: new code {code}' }, { code: next.shortCode }));
        setConfirm(null);
        onReissued(next.id);
      } else if (what === 'allow-more') {
        await api['tokens.allowMore']({ id, uses: 1 });
        announce(intl.formatMessage({ id: 'token.allowedMore', defaultMessage: 'The token can be redeemed once more' }));
        setConfirm(null);
      } else {
        await api['tokens.revoke']({ id });
        announce(intl.formatMessage({ id: 'token.revoked', defaultMessage: 'Token revoked' }));
        onClose();
      }
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  const title = view?.device ? intl.formatMessage({ id: 'token.titleDevice', defaultMessage: 'Token for {device}' }, { device: view.device }) : intl.formatMessage({ id: 'tokens.group', defaultMessage: 'Group token' });
  return (
    <Modal title={title} onClose={onClose} className="modal-wide token-dialog">
      {view && (
        <p className="token-facts">
          <TokenStateBadge state={view.state} />
          <span>
            <FormattedMessage id="token.used" defaultMessage="used {uses, number} of {maxUses, number}" values={{ uses: view.uses, maxUses: view.maxUses }} />
            {' · '}
            {view.expiresAt
              ? <FormattedMessage id="token.expires" defaultMessage="expires {time}" values={{ time: formatDateTime(view.expiresAt) }} />
              : <FormattedMessage id="token.neverExpires" defaultMessage="never expires" />}
            {view.lockedUntil ? (
              <>
                {' · '}
                <FormattedMessage id="token.lockedUntil" defaultMessage="locked until {time}" values={{ time: formatDateTime(view.lockedUntil) }} />
              </>
            ) : null}
          </span>
        </p>
      )}
      {view?.state === 'locked' && <UnlockToken token={view} />}
      {error && <ErrorNotice error={error} />}
      {!token && !error && <p className="muted"><FormattedMessage id="common.loading" defaultMessage="Loading…" /></p>}
      {token && (
        <div className="token-code">
          <Qr text={token.payload} sizeCss="168px" label={intl.formatMessage({ id: 'token.qrLabel', defaultMessage: 'QR code of token {code}' }, { code: token.shortCode })} />
          <dl className="facts">
            <dt><FormattedMessage id="token.shortCode" defaultMessage="Short code" /></dt>
            <dd className="copy-field">
              <code className="strong" data-short-code>
                {token.shortCode}
              </code>
              <CopyButton value={token.shortCode} what={intl.formatMessage({ id: 'token.shortCodeWhat', defaultMessage: 'short code' })} />
            </dd>
            <dt><FormattedMessage id="token.key" defaultMessage="Provision key" /></dt>
            <dd className="copy-field">
              <code data-token-key>{token.key}</code>
              <CopyButton value={token.key} what={intl.formatMessage({ id: 'token.keyWhat', defaultMessage: 'token key' })} />
            </dd>
            <dt><FormattedMessage id="token.secret" defaultMessage="Provision secret" /></dt>
            <dd className="copy-field">
              {token.secret === undefined ? (
                <span className="muted">
                  {token.protection === 'pin'
                    ? <FormattedMessage id="token.pinChosen" defaultMessage="the PIN chosen when it was issued" />
                    : <FormattedMessage id="token.passwordChosen" defaultMessage="the password chosen when it was issued" />}
                </span>
              ) : revealed ? (
                <>
                  <code className="secret" data-token-secret>
                    {token.secret}
                  </code>
                  <CopyButton value={token.secret} what={intl.formatMessage({ id: 'token.secretWhat', defaultMessage: 'token secret' })} />
                </>
              ) : (
                <span className="masked" role="img" aria-label={intl.formatMessage({ id: 'token.hidden', defaultMessage: 'hidden' })}>
                  ••••••••••••••••
                </span>
              )}
              {token.secret !== undefined && (
                <button type="button" className="btn btn-small btn-ghost" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
                  <Icon name={revealed ? 'eyeOff' : 'eye'} size={14} />
                  {revealed ? <FormattedMessage id="common.hide" defaultMessage="Hide" /> : <FormattedMessage id="common.reveal" defaultMessage="Reveal" />}
                </button>
              )}
            </dd>
            <dt><FormattedMessage id="token.payload" defaultMessage="QR payload" /></dt>
            <dd className="copy-field">
              <code className="wrap payload">{revealed || token.secret === undefined ? token.payload : token.payload.replace(token.secret, '•'.repeat(16))}</code>
              <CopyButton value={token.payload} what={intl.formatMessage({ id: 'token.payloadWhat', defaultMessage: 'label payload' })} />
            </dd>
          </dl>
        </div>
      )}
      <p className="field-hint">
<FormattedMessage id="token.howTo" defaultMessage="A device provisions with the key as its <code>provisionDeviceKey</code> and the secret as its <code>provisionDeviceSecret</code>, over HTTP, MQTT or CoAP, exactly as with a profile." values={{ code: (text) => <code>{text}</code> }} />
      </p>
      {confirm && (
        <div className="confirm-inline" role="alert">
          <p>
            {confirm === 'reissue'
              ? used && view?.device
                ? intl.formatMessage({ id: 'token.confirmReissueUsed', defaultMessage: 'Reissue: this label stops working and {device} gets a new token good for one redemption. It must be pending (reset it in its device panel first); print the new label and stick it over the old one.' }, { device: view.device })
                : intl.formatMessage({ id: 'token.confirmReissue', defaultMessage: 'Reissue: this label stops working and the device gets a new token with the same settings. Print the new label and stick it over the old one.' })
              : confirm === 'allow-more'
                ? view?.device
                  ? intl.formatMessage({ id: 'token.confirmMoreDevice', defaultMessage: 'Allow one more redemption: this label works once more. {device}\'\'s next provisioning gets the same credentials it was given.' }, { device: view.device })
                  : intl.formatMessage({ id: 'token.confirmMoreGroup', defaultMessage: 'Allow one more redemption: this label works once more. One more device can provision with it.' })
                : intl.formatMessage({ id: 'token.confirmRevoke', defaultMessage: 'Revoke: this label stops working at once. A device that already provisioned keeps its credentials.' })}
          </p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
            </button>
            <button type="button" className={confirm === 'revoke' ? 'btn btn-danger' : 'btn btn-primary'} onClick={() => void act(confirm)} disabled={busy}>
              {confirm === 'reissue'
                ? <FormattedMessage id="token.reissue" defaultMessage="Reissue token" />
                : confirm === 'allow-more'
                  ? <FormattedMessage id="token.allowMore" defaultMessage="Allow one more" />
                  : <FormattedMessage id="token.revoke" defaultMessage="Revoke token" />}
            </button>
          </div>
        </div>
      )}
      {!confirm && (
        <div className="form-actions">
          {(usable || used) && (
            <button type="button" className="btn btn-ghost btn-danger-text push-start" onClick={() => setConfirm('revoke')}>
              <Icon name="ban" />
              <FormattedMessage id="token.revokeAsk" defaultMessage="Revoke…" />
            </button>
          )}
          {used && (
            <button type="button" className="btn" onClick={() => setConfirm('allow-more')}>
              <Icon name="ticket" />
              <FormattedMessage id="token.allowMoreAsk" defaultMessage="Allow one more…" />
            </button>
          )}
          {view && (used || view.uses < view.maxUses) && (
            <button type="button" className="btn" onClick={() => setConfirm('reissue')}>
              <Icon name="refresh" />
              <FormattedMessage id="token.reissueAsk" defaultMessage="Reissue…" />
            </button>
          )}
          {usable && (
            <button type="button" className="btn btn-primary" onClick={() => onPrint(view?.device ?? null)}>
              <Icon name="printer" />
              <FormattedMessage id="token.print" defaultMessage="Print label" />
            </button>
          )}
        </div>
      )}
    </Modal>
  );
}

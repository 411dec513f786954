import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useState } from 'react';
import type { DeviceDetail } from '../../../../shared/devices.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';

type Action = 'reset' | 'allow-more';

/**
 * The way back for a stuck device: it provisioned, but its answer was lost (it published before subscribing to
 * /provision/response, or its Wi-Fi dropped), and its retry is refused. Reset it to pending, or let its used-up label
 * token be redeemed once more; both are in the station's audit log.
 */
export function RecoverActions({ device, onChanged }: { device: DeviceDetail; onChanged: () => void }) {
  const { api } = useStation();
  const [token, setToken] = useState<TokenView | null>(null);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [dropCredentials, setDropCredentials] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const intl = useIntl();

  const { name, batch, state } = device;
  const loadToken = useCallback(() => {
    if (batch === null) return;
    api['tokens.list']({ batch }).then(
      (list) => setToken(list.filter((t) => t.device === name).sort((a, b) => b.id - a.id)[0] ?? null),
      () => setToken(null),
    );
  }, [api, batch, name]);
  useEffect(loadToken, [loadToken]);

  const canReset = state !== 'pending' && state !== 'handed-over';
  const canAllowMore = token?.state === 'used';
  if (!canReset && !canAllowMore) return null;

  const act = async (what: Action) => {
    setBusy(true);
    setError(null);
    try {
      if (what === 'reset') {
        const { tokensFreed } = await api['devices.reset']({ name, keepCredentials: !dropCredentials });
        announce(
          tokensFreed.length
            ? intl.formatMessage({ id: 'recover.pendingAgainToken', defaultMessage: '{name} is pending again; its token can be redeemed again' }, { name })
            : intl.formatMessage({ id: 'recover.pendingAgain', defaultMessage: '{name} is pending again' }, { name }),
        );
      } else if (token) {
        await api['tokens.allowMore']({ id: token.id, uses: 1 });
        announce(intl.formatMessage({ id: 'recover.allowedMore', defaultMessage: '{name}’s token can be redeemed once more' }, { name }));
      }
      setConfirm(null);
      setDropCredentials(false);
      loadToken();
      onChanged();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="recover-title" className="drawer-section" data-recover-actions>
      <h3 id="recover-title"><FormattedMessage id="recover.title" defaultMessage="Stuck?" /></h3>
      <p className="field-hint">
<FormattedMessage id="recover.hint" defaultMessage="If the device missed its answer (the feed says Success but it keeps asking and is refused), bring it back here." />
      </p>
      {error && <ErrorNotice error={error} />}
      {confirm ? (
        <div className="confirm-inline" role="alert">
          {confirm === 'reset' ? (
            <>
              <p>
                <FormattedMessage id="recover.resetText" defaultMessage="Reset to pending: the station forgets that {name} provisioned and its label token can be redeemed again." values={{ name }} />{' '}
                {dropCredentials
                  ? intl.formatMessage({ id: 'recover.dropText', defaultMessage: 'Its credentials are deleted: it must send new ones when it provisions, and credentials it already uses stop working.' })
                  : intl.formatMessage({ id: 'recover.keepText', defaultMessage: 'It keeps its credentials: its next provisioning answers the same ones, so a device that did get them keeps working.' })}
              </p>
              <label className="check">
                <input type="checkbox" checked={dropCredentials} onChange={(e) => setDropCredentials(e.target.checked)} />{' '}
                <FormattedMessage id="recover.drop" defaultMessage="Also drop its credentials" />
              </label>
            </>
          ) : (
            <p>
<FormattedMessage id="recover.moreText" defaultMessage="Allow one more redemption: the label’s used-up token works once more, and {name}’s next provisioning gets the same credentials it was given." values={{ name }} />
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void act(confirm)} disabled={busy}>
              {confirm === 'reset' ? <FormattedMessage id="recover.reset" defaultMessage="Reset to pending" /> : <FormattedMessage id="token.allowMore" defaultMessage="Allow one more" />}
            </button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          {canAllowMore && (
            <button type="button" className="btn" onClick={() => setConfirm('allow-more')}>
              <Icon name="ticket" />
              <FormattedMessage id="recover.moreAsk" defaultMessage="Allow one more redemption…" />
            </button>
          )}
          {canReset && (
            <button type="button" className="btn" onClick={() => setConfirm('reset')}>
              <Icon name="refresh" />
              <FormattedMessage id="recover.resetAsk" defaultMessage="Reset to pending…" />
            </button>
          )}
        </div>
      )}
    </section>
  );
}

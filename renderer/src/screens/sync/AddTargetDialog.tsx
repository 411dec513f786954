import { FormattedMessage, useIntl } from 'react-intl';
import { type FormEvent, useId, useState } from 'react';
import type { SyncTargetType } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

type Auth = 'password' | 'api-key';

/** A ThingsBoard (user name and password, or an API key) or a webhook (a signing secret) to send devices to. */
export function AddTargetDialog({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const { api } = useStation();
  const id = useId();
  const [type, setType] = useState<SyncTargetType>('thingsboard');
  const [auth, setAuth] = useState<Auth>('password');
  const [v, setV] = useState({ name: '', url: '', username: '', password: '', apiKey: '', secret: '' });
  const [allowCreateProfiles, setAllowCreateProfiles] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const intl = useIntl();
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((x) => ({ ...x, [k]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const input =
        type === 'webhook'
          ? { name: v.name.trim(), type, url: v.url.trim(), secret: v.secret }
          : auth === 'password'
            ? { name: v.name.trim(), type, url: v.url.trim(), username: v.username, password: v.password, allowCreateProfiles }
            : { name: v.name.trim(), type, url: v.url.trim(), apiKey: v.apiKey, allowCreateProfiles };
      const added = await api['sync.targets.add'](input);
      announce(intl.formatMessage({ id: 'sync.add.added', defaultMessage: 'Added sync target {name}' }, { name: added.name }));
      onAdded();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={intl.formatMessage({ id: 'sync.add.title', defaultMessage: 'Add a sync target' })} onClose={onClose} className="modal-wide">
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'sync.add.title', defaultMessage: 'Add a sync target' })}>
        <fieldset className="field choice-group inline-choices">
          <legend><FormattedMessage id="sync.add.kind" defaultMessage="Kind" /></legend>
          <label className={`choice${type === 'thingsboard' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-type`} checked={type === 'thingsboard'} onChange={() => setType('thingsboard')} />
            <span className="choice-text">
              <span className="choice-title"><FormattedMessage id="sync.add.thingsboard" defaultMessage="ThingsBoard" /></span>
              <span className="choice-description"><FormattedMessage id="sync.add.thingsboardText" defaultMessage="Creates each device with its credentials and attributes." /></span>
            </span>
          </label>
          <label className={`choice${type === 'webhook' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-type`} checked={type === 'webhook'} onChange={() => setType('webhook')} />
            <span className="choice-text">
              <span className="choice-title"><FormattedMessage id="sync.add.webhook" defaultMessage="Webhook" /></span>
              <span className="choice-description"><FormattedMessage id="sync.add.webhookText" defaultMessage="Signed JSON batches to your own service." /></span>
            </span>
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-name`}>{intl.formatMessage({ id: 'sync.add.name', defaultMessage: 'Name' })}</label>
          <input id={`${id}-name`} value={v.name} onChange={set('name')} autoComplete="off" placeholder={intl.formatMessage({ id: 'sync.add.namePlaceholder', defaultMessage: 'cloud' })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-url`}>{intl.formatMessage({ id: 'sync.add.url', defaultMessage: 'URL' })}</label>
          <input id={`${id}-url`} value={v.url} onChange={set('url')} autoComplete="off" placeholder={type === 'thingsboard' ? 'https://thingsboard.example.com' : 'https://hooks.example.com/fieldstation'} />
        </div>
        {type === 'thingsboard' ? (
          <>
            <fieldset className="field segmented-field">
              <legend><FormattedMessage id="sync.add.signIn" defaultMessage="Sign in with" /></legend>
              <div className="segmented">
                <button type="button" aria-pressed={auth === 'password'} onClick={() => setAuth('password')}>
                  <FormattedMessage id="sync.add.password" defaultMessage="User name and password" />
                </button>
                <button type="button" aria-pressed={auth === 'api-key'} onClick={() => setAuth('api-key')}>
                  <FormattedMessage id="sync.add.apiKey" defaultMessage="API key" />
                </button>
              </div>
            </fieldset>
            {auth === 'password' ? (
              <div className="field-pair">
                <div className="field">
                  <label htmlFor={`${id}-user`}>{intl.formatMessage({ id: 'sync.add.user', defaultMessage: 'User name' })}</label>
                  <input id={`${id}-user`} value={v.username} onChange={set('username')} autoComplete="off" />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-password`}>{intl.formatMessage({ id: 'sync.add.passwordField', defaultMessage: 'Password' })}</label>
                  <input id={`${id}-password`} type="password" value={v.password} onChange={set('password')} autoComplete="off" />
                </div>
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-key`}>{intl.formatMessage({ id: 'sync.add.apiKey', defaultMessage: 'API key' })}</label>
                <input id={`${id}-key`} className="mono" value={v.apiKey} onChange={set('apiKey')} autoComplete="off" />
              </div>
            )}
            <label className="check">
              <input type="checkbox" checked={allowCreateProfiles} onChange={(e) => setAllowCreateProfiles(e.target.checked)} />
<FormattedMessage id="sync.add.createProfiles" defaultMessage="Create device profiles that ThingsBoard does not have yet (otherwise such devices wait with an error)" />
            </label>
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-secret`}>{intl.formatMessage({ id: 'sync.add.secret', defaultMessage: 'Signing secret' })}</label>
            <input id={`${id}-secret`} className="mono" value={v.secret} onChange={set('secret')} autoComplete="off" aria-describedby={`${id}-secret-hint`} />
            <p className="field-hint" id={`${id}-secret-hint`}>
<FormattedMessage id="sync.add.secretHint" defaultMessage="At least 16 characters; your service checks each batch’s signature with it." />
            </p>
          </div>
        )}
        <p className="field-hint"><FormattedMessage id="sync.add.keeps" defaultMessage="The station keeps the credentials; this window never shows them again." /></p>
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? <FormattedMessage id="sync.add.adding" defaultMessage="Adding…" /> : <FormattedMessage id="sync.addTarget" defaultMessage="Add target" />}
          </button>
        </div>
      </form>
    </Modal>
  );
}

import { type FormEvent, useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { SyncTarget, SyncTargetChanges, SyncTargetInput, SyncTargetTestResult, SyncTargetType } from '../../../../shared/sync.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';

type Auth = 'password' | 'api-key';

/**
 * Adds a sync target, or edits one (`existing`): URL, credentials, options. Credentials left empty while editing
 * stay as stored. "Test connection" tries what is typed (a ThingsBoard login, a signed webhook ping) before saving.
 */
export function TargetDialog({ existing, onClose, onSaved }: { existing?: SyncTarget; onClose: () => void; onSaved: () => void }) {
  const { api } = useStation();
  const intl = useIntl();
  const id = useId();
  const editing = existing !== undefined;
  const [type, setType] = useState<SyncTargetType>(existing?.type ?? 'thingsboard');
  const [auth, setAuth] = useState<Auth>(existing?.auth === 'api-key' ? 'api-key' : 'password');
  const [v, setV] = useState({
    name: existing?.name ?? '',
    url: existing?.url ?? '',
    username: existing?.username ?? '',
    password: '',
    apiKey: '',
    secret: '',
  });
  const [allowCreateProfiles, setAllowCreateProfiles] = useState(existing?.allowCreateProfiles ?? false);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [tested, setTested] = useState<SyncTargetTestResult | null>(null);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => {
    setV((x) => ({ ...x, [k]: e.target.value }));
    setTested(null);
  };

  /** What is typed, as changes over the stored target (editing) or as a whole new one (adding). */
  const changes = (): SyncTargetChanges => {
    const typed = (value: string) => (value === '' ? undefined : value);
    const c: SyncTargetChanges = { name: v.name.trim(), url: v.url.trim() };
    if (!editing) c.type = type;
    if (type === 'webhook') c.secret = typed(v.secret);
    else {
      c.allowCreateProfiles = allowCreateProfiles;
      if (auth === 'api-key') c.apiKey = typed(v.apiKey);
      else {
        // A changed user name alone keeps the stored password (the station merges what is left out).
        if (!editing || v.username !== existing?.username || v.password) c.username = typed(v.username);
        c.password = typed(v.password);
      }
    }
    return Object.fromEntries(Object.entries(c).filter(([, value]) => value !== undefined)) as SyncTargetChanges;
  };

  const test = async () => {
    setError(null);
    setTested(null);
    setBusy('test');
    try {
      const r = await api['sync.targets.test'](changes());
      setTested(r);
      announce(r.message);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(null);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy('save');
    try {
      const saved = editing ? await api['sync.targets.update'](changes()) : await api['sync.targets.add'](changes() as SyncTargetInput);
      announce(
        // One literal descriptor per call, so FormatJS's extractor (and the pseudo-locale) sees both.
        editing
          ? intl.formatMessage({ id: 'sync.target.saved', defaultMessage: 'Saved sync target {name}' }, { name: saved.name })
          : intl.formatMessage({ id: 'sync.target.added', defaultMessage: 'Added sync target {name}' }, { name: saved.name }),
      );
      onSaved();
    } catch (err) {
      setError(explain(err));
      setBusy(null);
    }
  };

  const title = editing
    ? intl.formatMessage({ id: 'sync.target.editTitle', defaultMessage: 'Edit sync target {name}' }, { name: existing.name })
    : intl.formatMessage({ id: 'sync.target.addTitle', defaultMessage: 'Add a sync target' });
  const keepHint = editing ? intl.formatMessage({ id: 'sync.target.keepHint', defaultMessage: 'Leave empty to keep the stored one' }) : undefined;

  return (
    <Modal title={title} onClose={onClose} className="modal-wide">
      <form className="form-stack" onSubmit={submit} noValidate aria-label={title}>
        {!editing && (
          <fieldset className="field choice-group inline-choices">
            <legend>
              <FormattedMessage id="sync.target.kind" defaultMessage="Kind" />
            </legend>
            <label className={`choice${type === 'thingsboard' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-type`} checked={type === 'thingsboard'} onChange={() => setType('thingsboard')} />
              <span className="choice-text">
                <span className="choice-title">
                  <FormattedMessage id="sync.add.thingsboard" defaultMessage="ThingsBoard" />
                </span>
                <span className="choice-description">
                  <FormattedMessage id="sync.target.thingsboardHint" defaultMessage="Creates each device with its credentials and attributes." />
                </span>
              </span>
            </label>
            <label className={`choice${type === 'webhook' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-type`} checked={type === 'webhook'} onChange={() => setType('webhook')} />
              <span className="choice-text">
                <span className="choice-title">
                  <FormattedMessage id="sync.add.webhook" defaultMessage="Webhook" />
                </span>
                <span className="choice-description">
                  <FormattedMessage id="sync.target.webhookHint" defaultMessage="Signed JSON batches to your own service." />
                </span>
              </span>
            </label>
          </fieldset>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>
            <FormattedMessage id="sync.target.name" defaultMessage="Name" />
          </label>
          <input id={`${id}-name`} value={v.name} onChange={set('name')} autoComplete="off" placeholder={intl.formatMessage({ id: 'sync.add.namePlaceholder', defaultMessage: 'cloud' })} readOnly={editing} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-url`}>{intl.formatMessage({ id: 'sync.add.url', defaultMessage: 'URL' })}</label>
          <input
            id={`${id}-url`}
            value={v.url}
            onChange={set('url')}
            autoComplete="off"
            placeholder={type === 'thingsboard' ? 'https://thingsboard.example.com' : 'https://hooks.example.com/fieldstation'}
          />
          {editing && (
            <p className="field-hint">
              <FormattedMessage
                id="sync.target.urlHint"
                defaultMessage="For the same cloud at a new address. Devices already synced are not sent again; for another cloud, add a new target."
              />
            </p>
          )}
        </div>
        {type === 'thingsboard' ? (
          <>
            <fieldset className="field segmented-field">
              <legend>
                <FormattedMessage id="sync.target.signInWith" defaultMessage="Sign in with" />
              </legend>
              <div className="segmented">
                <button type="button" aria-pressed={auth === 'password'} onClick={() => setAuth('password')}>
                  <FormattedMessage id="sync.target.userAndPassword" defaultMessage="User name and password" />
                </button>
                <button type="button" aria-pressed={auth === 'api-key'} onClick={() => setAuth('api-key')}>
                  <FormattedMessage id="sync.target.apiKey" defaultMessage="API key" />
                </button>
              </div>
            </fieldset>
            {auth === 'password' ? (
              <div className="field-pair">
                <div className="field">
                  <label htmlFor={`${id}-user`}>
                    <FormattedMessage id="sync.target.username" defaultMessage="User name" />
                  </label>
                  <input id={`${id}-user`} value={v.username} onChange={set('username')} autoComplete="off" />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-password`}>
                    <FormattedMessage id="sync.target.password" defaultMessage="Password" />
                  </label>
                  <input id={`${id}-password`} type="password" value={v.password} onChange={set('password')} autoComplete="off" placeholder={existing?.auth === 'password' ? keepHint : undefined} />
                </div>
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-key`}>
                  <FormattedMessage id="sync.target.apiKey" defaultMessage="API key" />
                </label>
                <input id={`${id}-key`} className="mono" value={v.apiKey} onChange={set('apiKey')} autoComplete="off" placeholder={existing?.auth === 'api-key' ? keepHint : undefined} />
              </div>
            )}
            <label className="check">
              <input type="checkbox" checked={allowCreateProfiles} onChange={(e) => setAllowCreateProfiles(e.target.checked)} />
              <FormattedMessage
                id="sync.target.createProfiles"
                defaultMessage="Create device profiles that ThingsBoard does not have yet (otherwise such devices wait with an error)"
              />
            </label>
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-secret`}>
              <FormattedMessage id="sync.target.secret" defaultMessage="Signing secret" />
            </label>
            <input id={`${id}-secret`} className="mono" value={v.secret} onChange={set('secret')} autoComplete="off" aria-describedby={`${id}-secret-hint`} placeholder={keepHint} />
            <p className="field-hint" id={`${id}-secret-hint`}>
              <FormattedMessage id="sync.target.secretHint" defaultMessage="At least 16 characters; your service checks each batch’s signature with it." />
            </p>
          </div>
        )}
        <p className="field-hint">
          <FormattedMessage id="sync.target.keptHint" defaultMessage="The station keeps the credentials; this window never shows them again." />
        </p>
        {tested && (
          <p className={tested.ok ? 'check-status is-good' : 'field-error'} role="status">
            <Icon name={tested.ok ? 'check' : 'alert'} />
            {tested.message}
          </p>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn push-start" onClick={() => void test()} disabled={busy !== null || !v.name.trim() || !v.url.trim()}>
            <Icon name="plug" size={14} />
            {busy === 'test' ? (
              <FormattedMessage id="sync.target.testing" defaultMessage="Testing…" />
            ) : (
              <FormattedMessage id="sync.target.test" defaultMessage="Test connection" />
            )}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="sync.target.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== null}>
            {busy === 'save' ? (
              <FormattedMessage id="sync.target.saving" defaultMessage="Saving…" />
            ) : editing ? (
              <FormattedMessage id="sync.target.save" defaultMessage="Save changes" />
            ) : (
              <FormattedMessage id="sync.target.add" defaultMessage="Add target" />
            )}
          </button>
        </div>
      </form>
    </Modal>
  );
}

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
      announce(`Added sync target ${added.name}`);
      onAdded();
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  return (
    <Modal title="Add a sync target" onClose={onClose} className="modal-wide">
      <form className="form-stack" onSubmit={submit} noValidate aria-label="Add a sync target">
        <fieldset className="field choice-group inline-choices">
          <legend>Kind</legend>
          <label className={`choice${type === 'thingsboard' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-type`} checked={type === 'thingsboard'} onChange={() => setType('thingsboard')} />
            <span className="choice-text">
              <span className="choice-title">ThingsBoard</span>
              <span className="choice-description">Creates each device with its credentials and attributes.</span>
            </span>
          </label>
          <label className={`choice${type === 'webhook' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-type`} checked={type === 'webhook'} onChange={() => setType('webhook')} />
            <span className="choice-text">
              <span className="choice-title">Webhook</span>
              <span className="choice-description">Signed JSON batches to your own service.</span>
            </span>
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={v.name} onChange={set('name')} autoComplete="off" placeholder="cloud" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input id={`${id}-url`} value={v.url} onChange={set('url')} autoComplete="off" placeholder={type === 'thingsboard' ? 'https://thingsboard.example.com' : 'https://hooks.example.com/fieldstation'} />
        </div>
        {type === 'thingsboard' ? (
          <>
            <fieldset className="field segmented-field">
              <legend>Sign in with</legend>
              <div className="segmented">
                <button type="button" aria-pressed={auth === 'password'} onClick={() => setAuth('password')}>
                  User name and password
                </button>
                <button type="button" aria-pressed={auth === 'api-key'} onClick={() => setAuth('api-key')}>
                  API key
                </button>
              </div>
            </fieldset>
            {auth === 'password' ? (
              <div className="field-pair">
                <div className="field">
                  <label htmlFor={`${id}-user`}>User name</label>
                  <input id={`${id}-user`} value={v.username} onChange={set('username')} autoComplete="off" />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-password`}>Password</label>
                  <input id={`${id}-password`} type="password" value={v.password} onChange={set('password')} autoComplete="off" />
                </div>
              </div>
            ) : (
              <div className="field">
                <label htmlFor={`${id}-key`}>API key</label>
                <input id={`${id}-key`} className="mono" value={v.apiKey} onChange={set('apiKey')} autoComplete="off" />
              </div>
            )}
            <label className="check">
              <input type="checkbox" checked={allowCreateProfiles} onChange={(e) => setAllowCreateProfiles(e.target.checked)} />
              Create device profiles that ThingsBoard does not have yet (otherwise such devices wait with an error)
            </label>
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-secret`}>Signing secret</label>
            <input id={`${id}-secret`} className="mono" value={v.secret} onChange={set('secret')} autoComplete="off" aria-describedby={`${id}-secret-hint`} />
            <p className="field-hint" id={`${id}-secret-hint`}>
              At least 16 characters; your service checks each batch’s signature with it.
            </p>
          </div>
        )}
        <p className="field-hint">The station keeps the credentials; this window never shows them again.</p>
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add target'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_LABEL_LANGUAGE, type LabelLanguage } from '../../../../shared/label-words.ts';
import type { Profile } from '../../../../shared/profiles.ts';
import { routeHref } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';
import { LabelLanguageField } from './LabelLanguageField.tsx';

/** Name, site, profile, label language, notes: a batch before its devices arrive. */
export function NewBatchDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const { api } = useStation();
  const id = useId();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [values, setValues] = useState({ name: '', site: '', profile: '', notes: '', language: DEFAULT_LABEL_LANGUAGE as LabelLanguage });
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const intl = useIntl();

  useEffect(() => {
    api['profiles.list']({}).then(
      (list) => {
        setProfiles(list);
        setValues((v) => (v.profile ? v : { ...v, profile: list[0]?.name ?? '' }));
      },
      (err: unknown) => setError(explain(err)),
    );
    nameRef.current?.focus();
  }, [api]);

  const set = (field: Exclude<keyof typeof values, 'language'>, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (field === 'name') setNameError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!values.name.trim()) {
      setNameError(intl.formatMessage({ id: 'batch.new.nameMissing', defaultMessage: 'Give the batch a name, e.g. the site and the delivery: “plant-room-2”.' }));
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const batch = await api['batches.create']({ ...values, name: values.name.trim() });
      announce(intl.formatMessage({ id: 'batch.new.created', defaultMessage: 'Created batch {name}' }, { name: batch.name }));
      onCreated(batch.name);
    } catch (err) {
      const explained = explain(err);
      if (explained.code === 'conflict') {
        setNameError(explained.message);
        nameRef.current?.focus();
      } else setError(explained);
      setBusy(false);
    }
  };

  return (
    <Modal title={intl.formatMessage({ id: 'batch.new.title', defaultMessage: 'New batch' })} onClose={onClose} className="modal-wide">
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'batch.new.title', defaultMessage: 'New batch' })}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{intl.formatMessage({ id: 'batch.new.name', defaultMessage: 'Name' })}</label>
          <input
            id={`${id}-name`}
            ref={nameRef}
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name-error` : `${id}-name-hint`}
          />
          <p className="field-hint" id={`${id}-name-hint`}>
<FormattedMessage id="batch.new.nameHint" defaultMessage="Printed on every label of the batch. Short and unique: “plant-room-2”." />
          </p>
          {nameError && (
            <p className="field-error" id={`${id}-name-error`}>
              <Icon name="alert" size={14} />
              {nameError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-site`}>{intl.formatMessage({ id: 'batch.new.site', defaultMessage: 'Site' })}</label>
          <input id={`${id}-site`} value={values.site} onChange={(e) => set('site', e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-profile`}>{intl.formatMessage({ id: 'batch.new.profile', defaultMessage: 'Profile' })}</label>
          {profiles && profiles.length === 0 ? (
            <p className="field-error">
              <Icon name="alert" size={14} />
<FormattedMessage id="batch.new.noProfile" defaultMessage="There is no profile yet. <a>Create a profile</a> first: it holds the key and secret the devices provision with." values={{ a: (text) => <a href={routeHref({ screen: 'profiles', device: null })}>{text}</a> }} />
            </p>
          ) : (
            <select
              id={`${id}-profile`}
              value={values.profile}
              onChange={(e) => set('profile', e.target.value)}
              aria-describedby={`${id}-profile-hint`}
            >
              {(profiles ?? []).map((p) => (
                <option key={p.id} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
          <p className="field-hint" id={`${id}-profile-hint`}>
<FormattedMessage id="batch.new.profileHint" defaultMessage="The devices of this batch provision with this profile’s rules." />
          </p>
        </div>
        <LabelLanguageField id={`${id}-language`} value={values.language} onChange={(language) => setValues((v) => ({ ...v, language }))} />
        <div className="field">
          <label htmlFor={`${id}-notes`}>{intl.formatMessage({ id: 'batch.new.notes', defaultMessage: 'Notes' })}</label>
          <textarea id={`${id}-notes`} rows={3} value={values.notes} onChange={(e) => set('notes', e.target.value)} />
        </div>
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !values.profile}>
            {busy ? <FormattedMessage id="batch.new.creating" defaultMessage="Creating…" /> : <FormattedMessage id="batch.new.create" defaultMessage="Create batch" />}
          </button>
        </div>
      </form>
    </Modal>
  );
}

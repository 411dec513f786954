import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

/** One device into the batch by hand (the one that was missing from the list), as `device add` does. */
export function AddDeviceDialog({ batch, profile, onClose, onAdded }: { batch: string; profile: string | null; onClose: () => void; onAdded: (name: string) => void }) {
  const { api, devices } = useStation();
  const intl = useIntl();
  const id = useId();
  const [values, setValues] = useState({ name: '', serial: '', mac: '' });
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!profile) return;
    setBusy(true);
    setError(null);
    try {
      const device = await api['devices.add']({
        profile,
        batch,
        name: values.name,
        ...(values.serial.trim() ? { serial: values.serial.trim() } : {}),
        ...(values.mac.trim() ? { mac: values.mac.trim() } : {}),
      });
      devices.reload(null);
      announce(intl.formatMessage({ id: 'addDevice.done', defaultMessage: 'Added {name}' }, { name: device.name }));
      onAdded(device.name);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
      nameRef.current?.focus();
    }
  };

  const field = (key: keyof typeof values, label: string, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        ref={key === 'name' ? nameRef : undefined}
        value={values[key]}
        onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hint ? `${id}-${key}-hint` : undefined}
      />
      {hint && (
        <p className="field-hint" id={`${id}-${key}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );

  return (
    <Modal title={intl.formatMessage({ id: 'addDevice.title', defaultMessage: 'Add a device to “{batch}”' }, { batch })} onClose={onClose}>
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'addDevice.form', defaultMessage: 'Add device' })}>
        {field('name', intl.formatMessage({ id: 'addDevice.name', defaultMessage: 'Name' }), intl.formatMessage({ id: 'addDevice.name.hint', defaultMessage: 'Unique in the station, as the device list would name it.' }))}
        {field('serial', intl.formatMessage({ id: 'addDevice.serial', defaultMessage: 'Serial number (optional)' }))}
        {field('mac', intl.formatMessage({ id: 'addDevice.mac', defaultMessage: 'MAC address (optional)' }))}
        <p className="muted">
          {profile ? (
            <FormattedMessage
              id="addDevice.profile"
              defaultMessage="It provisions with the batch’s profile {profile} and gets that profile’s kind of credentials."
              values={{ profile }}
            />
          ) : (
            <FormattedMessage id="addDevice.noProfile" defaultMessage="This batch has no profile; set one before adding devices." />
          )}
        </p>
        {error && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="addDevice.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !profile || !values.name.trim()}>
            <FormattedMessage id="addDevice.submit" defaultMessage="Add device" />
          </button>
        </div>
      </form>
    </Modal>
  );
}

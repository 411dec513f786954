import { useEffect, useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { DeviceDetail } from '../../../../shared/devices.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { RemoveDevicesDialog } from '../batches/RemoveDevicesDialog.tsx';

/**
 * Changing a device's profile (before it provisioned: its credentials and label go with it) and removing it. A
 * provisioned device keeps its profile: it got its credentials under that profile's rules, and the cloud may hold
 * it as that type; resetting it to pending first is the way to move it.
 */
export function DeviceManage({ device, onChanged, onRemoved }: { device: DeviceDetail; onChanged: () => void; onRemoved: () => void }) {
  const { api, devices } = useStation();
  const intl = useIntl();
  const selectId = useId();
  const [profiles, setProfiles] = useState<string[] | null>(null);
  const [profile, setProfile] = useState(device.profile);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [removing, setRemoving] = useState(false);
  const pending = device.state === 'pending';

  useEffect(() => {
    let live = true;
    api['profiles.list']({}).then(
      (list) => live && setProfiles(list.map((p) => p.name)),
      () => live && setProfiles(null),
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEffect(() => setProfile(device.profile), [device.profile]);

  const move = async () => {
    setBusy(true);
    setError(null);
    try {
      await api['devices.setProfile']({ names: [device.name], profile });
      announce(intl.formatMessage({ id: 'device.profile.moved', defaultMessage: '{name} now provisions with profile {profile}' }, { name: device.name, profile }));
      onChanged();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="manage-title" className="drawer-section">
      <h3 id="manage-title">
        <FormattedMessage id="device.manage.title" defaultMessage="Profile and removal" />
      </h3>
      <div className="field-row">
        <label htmlFor={selectId}>
          <FormattedMessage id="device.profile.label" defaultMessage="Profile" />
        </label>
        <select id={selectId} value={profile} onChange={(e) => setProfile(e.target.value)} disabled={!pending || profiles === null}>
          {(profiles ?? [device.profile]).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-small" onClick={() => void move()} disabled={!pending || busy || profile === device.profile}>
          <FormattedMessage id="device.profile.change" defaultMessage="Change profile" />
        </button>
      </div>
      <p className="muted field-help">
        {pending ? (
          <FormattedMessage
            id="device.profile.help"
            defaultMessage="Its credentials and its label stay the same; it provisions by the new profile’s rules."
          />
        ) : (
          <FormattedMessage
            id="device.profile.locked"
            defaultMessage="It provisioned with this profile. Reset it to pending first to move it to another one."
          />
        )}
      </p>
      {error && <ErrorNotice error={error} />}
      <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(true)}>
        <FormattedMessage id="device.remove" defaultMessage="Remove device…" />
      </button>
      {removing && (
        <RemoveDevicesDialog
          target={{ names: [device.name] }}
          onClose={() => setRemoving(false)}
          onRemoved={() => {
            setRemoving(false);
            devices.reload(null);
            onRemoved();
          }}
        />
      )}
    </section>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useState } from 'react';
import type { Profile } from '../../../shared/profiles.ts';
import { useStation } from '../app/station.tsx';
import { type Explained, explain } from '../api/errors.ts';
import { announce } from '../components/Announcer.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { SharedAttributesEditor } from './attributes/SharedAttributesEditor.tsx';
import { HandoverSettingsForm } from './profiles/HandoverSettingsForm.tsx';
import { ProfileForm } from './profiles/ProfileForm.tsx';
import { ProfileList } from './profiles/ProfileList.tsx';
import { RemoveProfileDialog } from './profiles/RemoveProfileDialog.tsx';

type Editing = { mode: 'new' } | { mode: 'edit'; name: string };

/** Provisioning profiles: the key and secret devices present, and the rules they are provisioned by. */
export function ProfilesScreen() {
  const { api, hub, devices, retryStatus: refreshStatus } = useStation();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [removing, setRemoving] = useState<Profile | null>(null);
  const intl = useIntl();

  const load = useCallback(
    () =>
      api['profiles.list']({}).then(
        (list) => {
          setProfiles(list);
          setError(null);
          return list;
        },
        (err: unknown) => {
          setError(explain(err));
          return null;
        },
      ),
    [api],
  );

  useEffect(() => {
    void load().then((list) => {
      if (list) setEditing((e) => e ?? (list[0] ? { mode: 'edit', name: list[0].name } : { mode: 'new' }));
    });
  }, [load]);

  // Profiles added or changed elsewhere (another window, the CLI) show up without a reload.
  useEffect(
    () =>
      hub.on('changed', (e) => {
        if (e.entity === 'profiles') void load();
      }),
    [hub, load],
  );

  useEffect(() => {
    const onNew = (e: Event) => {
      e.preventDefault();
      setEditing({ mode: 'new' });
    };
    window.addEventListener('fieldstation:new-profile', onNew);
    return () => window.removeEventListener('fieldstation:new-profile', onNew);
  }, []);

  const selected = editing?.mode === 'edit' ? (profiles?.find((p) => p.name === editing.name) ?? null) : null;

  const onSaved = (saved: Profile, before: Profile | null) => {
    if (before && before.name !== saved.name) devices.renameProfile(before.name, saved.name);
    announce(
      before
        ? intl.formatMessage({ id: 'profiles.savedAnnounce', defaultMessage: 'Saved profile {name}' }, { name: saved.name })
        : intl.formatMessage({ id: 'profiles.createdAnnounce', defaultMessage: 'Created profile {name}' }, { name: saved.name }),
    );
    refreshStatus();
    void load();
    setEditing({ mode: 'edit', name: saved.name });
  };

  return (
    <section aria-labelledby="profiles-title" className="screen">
      <header className="page-header">
        <div>
          <h1 id="profiles-title"><FormattedMessage id="profiles.title" defaultMessage="Profiles" /></h1>
          <p className="page-subtitle">
<FormattedMessage id="profiles.intro" defaultMessage="A device provisions by sending a profile’s key and secret; the profile decides whether it may, and which credentials it gets." />
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })} title={intl.formatMessage({ id: 'profiles.newKey', defaultMessage: 'New profile (n)' })}>
          <Icon name="plus" />
          <FormattedMessage id="profiles.new" defaultMessage="New profile" />
        </button>
      </header>
      {error && <ErrorNotice error={error} onRetry={() => void load()} />}
      <div className="profiles-layout">
        <ProfileList
          profiles={profiles}
          selected={editing?.mode === 'edit' ? editing.name : null}
          onSelect={(p) => setEditing({ mode: 'edit', name: p.name })}
          onRemove={setRemoving}
        />
        {editing?.mode === 'new' && (
          <ProfileForm key="new" profile={null} onSaved={onSaved} onCancel={profiles?.length ? () => setEditing({ mode: 'edit', name: profiles[0]!.name }) : undefined} />
        )}
        {selected && (
          <div className="profile-sections">
            <ProfileForm key={`edit-${selected.id}`} profile={selected} onSaved={onSaved} onRemove={() => setRemoving(selected)} />
            <SharedAttributesEditor key={`attrs-${selected.id}`} level="profile" name={selected.name} />
            <HandoverSettingsForm key={`handover-${selected.id}`} profile={selected.name} />
          </div>
        )}
      </div>
      {removing && (
        <RemoveProfileDialog
          profile={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            announce(intl.formatMessage({ id: 'profiles.removedAnnounce', defaultMessage: 'Removed profile {name}' }, { name: removing.name }));
            setRemoving(null);
            refreshStatus();
            void load().then((list) => setEditing(list?.[0] ? { mode: 'edit', name: list[0].name } : { mode: 'new' }));
          }}
        />
      )}
    </section>
  );
}

import { FormattedMessage, useIntl } from 'react-intl';
import type { Profile } from '../../../../shared/profiles.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Icon } from '../../components/Icon.tsx';
import { strategies } from './explain.ts';

const strategyTone = { 'allow-create': 'success', 'check-pre-provisioned': 'info', disabled: 'neutral' } as const;

export function ProfileList({
  profiles,
  selected,
  onSelect,
  onRemove,
}: {
  profiles: Profile[] | null;
  selected: string | null;
  onSelect: (p: Profile) => void;
  onRemove: (p: Profile) => void;
}) {
  const intl = useIntl();
  if (profiles === null) {
    return (
      <div className="profile-list muted" aria-busy="true">
        <FormattedMessage id="profiles.loading" defaultMessage="Loading profiles…" />
      </div>
    );
  }
  if (profiles.length === 0) {
    return (
      <div className="profile-list">
        <div className="empty-state">
          <strong><FormattedMessage id="profiles.emptyTitle" defaultMessage="No profiles yet." /></strong>
          <span><FormattedMessage id="profiles.emptyText" defaultMessage="Create one to let devices provision: give it a name, a key and a secret, and choose who may use it." /></span>
        </div>
      </div>
    );
  }
  return (
    <ul className="profile-list" aria-label={intl.formatMessage({ id: 'profiles.list', defaultMessage: 'Profiles' })}>
      {profiles.map((p) => {
        const strategy = strategies.find((s) => s.value === p.strategy)!;
        return (
          <li key={p.id} className={`profile-item${selected === p.name ? ' is-selected' : ''}`}>
            <div className="profile-item-head">
              <button
                type="button"
                className="profile-name link-button"
                aria-current={selected === p.name ? 'true' : undefined}
                onClick={() => onSelect(p)}
              >
                {p.name}
              </button>
              <span className={`badge badge-${strategyTone[p.strategy]}`}>{intl.formatMessage(strategy.short)}</span>
            </div>
            <div className="profile-item-key">
              <span className="muted"><FormattedMessage id="profiles.keyShort" defaultMessage="Key" /></span>
              <code className="ellipsis">{p.provisionDeviceKey}</code>
              <CopyButton value={p.provisionDeviceKey} what={intl.formatMessage({ id: 'profiles.keyOf', defaultMessage: 'provision key of {name}' }, { name: p.name })} />
            </div>
            <div className="profile-item-actions">
              <button type="button" className="btn btn-small btn-ghost" onClick={() => onSelect(p)} aria-label={intl.formatMessage({ id: 'profiles.editName', defaultMessage: 'Edit {name}' }, { name: p.name })}>
                <Icon name="pencil" size={14} />
                <FormattedMessage id="profiles.editShort" defaultMessage="Edit" />
              </button>
              <button
                type="button"
                className="btn btn-small btn-ghost btn-danger-text"
                onClick={() => onRemove(p)}
                aria-label={intl.formatMessage({ id: 'profiles.removeName', defaultMessage: 'Remove {name}' }, { name: p.name })}
              >
                <Icon name="trash" size={14} />
                <FormattedMessage id="profiles.removeShort" defaultMessage="Remove" />
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

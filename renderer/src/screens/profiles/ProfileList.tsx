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
  if (profiles === null) return <div className="profile-list muted" aria-busy="true">Loading profiles…</div>;
  if (profiles.length === 0) {
    return (
      <div className="profile-list">
        <div className="empty-state">
          <strong>No profiles yet.</strong>
          <span>Create one to let devices provision: give it a name, a key and a secret, and choose who may use it.</span>
        </div>
      </div>
    );
  }
  return (
    <ul className="profile-list" aria-label="Profiles">
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
              <span className={`badge badge-${strategyTone[p.strategy]}`}>{strategy.short}</span>
            </div>
            <div className="profile-item-key">
              <span className="muted">Key</span>
              <code className="ellipsis">{p.provisionDeviceKey}</code>
              <CopyButton value={p.provisionDeviceKey} what={`provision key of ${p.name}`} />
            </div>
            <div className="profile-item-actions">
              <button type="button" className="btn btn-small btn-ghost" onClick={() => onSelect(p)} aria-label={`Edit ${p.name}`}>
                <Icon name="pencil" size={14} />
                Edit
              </button>
              <button
                type="button"
                className="btn btn-small btn-ghost btn-danger-text"
                onClick={() => onRemove(p)}
                aria-label={`Remove ${p.name}`}
              >
                <Icon name="trash" size={14} />
                Remove
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

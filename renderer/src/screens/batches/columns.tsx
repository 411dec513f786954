import { FormattedMessage } from 'react-intl';
import { getIntl } from '../../i18n/intl.ts';
import type { Device } from '../../../../shared/devices.ts';
import type { TokenView } from '../../../../shared/tokens.ts';
import { TokenStateBadge } from '../../components/Badges.tsx';
import { RelativeTime } from '../../components/time.tsx';
import type { Column } from '../../components/VirtualTable.tsx';
import { deviceColumns } from '../devices/columns.tsx';

const none = <span className="muted">—</span>;
// The Devices table's columns, a little narrower: here they share the width with a checkbox, a token and an install column.
const byId = (id: string, width: string, priority?: number) => ({ ...deviceColumns.find((c) => c.id === id)!, width, priority });

export interface SelectionColumns {
  isSelected: (d: Device) => boolean;
  toggle: (d: Device) => void;
  allState: 'all' | 'some' | 'none';
  toggleAll: () => void;
  tokenOf: (d: Device) => TokenView | undefined;
}

/** The batch's device table: the Devices table's columns, a checkbox per row for bulk actions, token and installation. */
export function batchColumns(s: SelectionColumns): Column<Device>[] {
  return [
    {
      id: 'select',
      header: (
        <label className="select-cell">
          <input
            type="checkbox"
            aria-label={getIntl().formatMessage({ id: 'batch.devices.selectAll', defaultMessage: 'Select all shown devices' })}
            checked={s.allState === 'all'}
            ref={(el) => {
              if (el) el.indeterminate = s.allState === 'some';
            }}
            onChange={s.toggleAll}
          />
        </label>
      ),
      width: '2.75rem',
      // The label fills the cell (a 44 px target on touch screens); a press on it selects, never opens the row.
      cell: (d) => (
        // biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click reaching the row; the keyboard uses Space on the row
        <label className="select-cell" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            aria-label={getIntl().formatMessage({ id: 'batch.devices.selectOne', defaultMessage: 'Select {name}' }, { name: d.name })}
            checked={s.isSelected(d)}
            onChange={() => s.toggle(d)}
            onClick={(e) => e.stopPropagation()}
            tabIndex={-1}
          />
        </label>
      ),
    },
    byId('name', 'minmax(9rem, 1.3fr)'),
    byId('ids', 'minmax(11rem, 1.4fr)', 2),
    byId('state', '8rem'),
    {
      id: 'token',
      header: <FormattedMessage id="batch.devices.colToken" defaultMessage="Token" />,
      width: '6.5rem',
      priority: 3,
      cell: (d) => {
        const t = s.tokenOf(d);
        return t ? <TokenStateBadge state={t.state} /> : none;
      },
    },
    { ...byId('provisionedVia', '6.5rem', 5), header: <FormattedMessage id="batch.devices.colVia" defaultMessage="Via" /> },
    {
      id: 'installed',
      header: <FormattedMessage id="batch.devices.colInstalled" defaultMessage="Installed" />,
      width: 'minmax(9rem, 1fr)',
      priority: 4,
      cell: (d) =>
        d.installedAt ? (
          <span className="ellipsis" title={d.locationNote ?? undefined}>
            <RelativeTime iso={d.installedAt} />
            {d.locationNote ? <span className="muted"> · {d.locationNote}</span> : null}
          </span>
        ) : (
          none
        ),
    },
    byId('lastSeenAt', '7rem', 6),
  ];
}

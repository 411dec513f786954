import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import { DeviceState } from '../../../../shared/station.ts';
import { stateLabel } from '../../components/Badges.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatCount } from '../../components/time.tsx';
import type { DeviceSnapshot, DeviceStore } from '../../data/device-store.ts';
import { changingColumns, type Filtered, filterPositions, type Sort, type SortColumn, sortPositions } from '../../data/device-view.ts';
import { sortableColumns } from './columns.tsx';

export const deviceStates: readonly DeviceState[] = DeviceState.options;

export interface DeviceFilters {
  query: string;
  setQuery: (query: string) => void;
  /** The query the list is filtered by: it trails `query` while a keystroke's render is pending. */
  deferredQuery: string;
  state: DeviceState | null;
  setState: (state: DeviceState | null) => void;
  filtered: Filtered;
  /** The `VirtualTable` props that show the filtered rows in order and sort them by a header click. */
  table: {
    count: number;
    rowAt: (index: number) => Device;
    keyAt: (index: number) => number;
    sort: Sort;
    sortable: ReadonlySet<string>;
    onSort: (column: string) => void;
  };
  /** Empties the search and the state filter. */
  clear: () => void;
}

/**
 * Search, state filter and sort over the live device store; `batch` (and `profile`) narrow it. `stateControl` keeps
 * the state filter outside (the Devices screen keeps it in the address, so a link shows the same list).
 */
export function useDeviceFilters(
  devices: DeviceStore,
  snap: DeviceSnapshot,
  batch: string | null = null,
  profile: string | null = null,
  stateControl?: [DeviceState | null, (state: DeviceState | null) => void],
): DeviceFilters {
  const [query, setQuery] = useState('');
  const [ownState, setOwnState] = useState<DeviceState | null>(null);
  const [state, setState] = stateControl ?? [ownState, setOwnState];
  const [sort, setSort] = useState<Sort>({ column: 'name', direction: 'asc' });
  // Typing stays instant; the filtering render follows at lower priority (it is a few ms even at 100,000 rows).
  const deferredQuery = useDeferredValue(query);

  const sortDependency = changingColumns.has(sort.column) ? snap.version : snap.structure;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the store mutates in place; the snapshot counters say when
  const order = useMemo(() => sortPositions(devices, sort), [devices, sort, sortDependency]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above
  const filtered = useMemo(
    () => filterPositions(devices, order, deferredQuery, state, batch, profile),
    [devices, order, deferredQuery, state, batch, profile, snap.version],
  );

  const onSort = useCallback((column: string) => {
    setSort((s) =>
      s.column === column
        ? { column: s.column, direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : { column: column as SortColumn, direction: column === 'lastSeenAt' ? 'desc' : 'asc' },
    );
  }, []);
  const clear = useCallback(() => {
    setQuery('');
    setState(null);
  }, [setState]);

  const table = {
    count: filtered.positions.length,
    rowAt: (i: number) => devices.rows[filtered.positions[i]!]!,
    keyAt: (i: number) => devices.rows[filtered.positions[i]!]!.id,
    sort,
    sortable: sortableColumns,
    onSort,
  };
  return { query, setQuery, deferredQuery, state, setState, filtered, table, clear };
}

/** The search box, the state filter with its counts, and how many rows are shown of `total`. */
export function DeviceFilterBar({
  filters,
  searchLabel,
  total,
  countAttribute,
  busy,
}: {
  filters: DeviceFilters;
  searchLabel: string;
  total: number;
  /** The data attribute that carries the shown count, for tests and benchmarks to wait on. */
  countAttribute: 'data-result-count' | 'data-batch-result-count';
  busy?: boolean;
}) {
  const { query, setQuery, deferredQuery, state, setState, filtered } = filters;
  const searching = deferredQuery.trim() !== '';
  const intl = useIntl();
  return (
    <div className="toolbar">
      <div className="search-field">
        <Icon name="search" />
        <input
          type="search"
          aria-label={searchLabel}
          placeholder={intl.formatMessage({ id: 'devices.searchPlaceholder', defaultMessage: 'Search name, serial or MAC' })}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              e.stopPropagation();
              setQuery('');
            }
          }}
          data-search
          aria-keyshortcuts="/"
          spellCheck={false}
          autoComplete="off"
        />
        <span className="search-key" data-key="/" />
      </div>
      <fieldset className="segmented">
        <legend className="visually-hidden"><FormattedMessage id="devices.filterByState" defaultMessage="Filter by state" /></legend>
        <button type="button" aria-pressed={state === null} onClick={() => setState(null)}>
          <FormattedMessage id="devices.all" defaultMessage="All" /> <span className="num count">{formatCount(filtered.matching)}</span>
        </button>
        {deviceStates.map((s) => (
          <button type="button" key={s} aria-pressed={state === s} onClick={() => setState(state === s ? null : s)} className={`seg-${s}`}>
            <span className="badge-dot" aria-hidden="true" />
            {stateLabel(s)} <span className="num count">{formatCount(filtered.byState[s])}</span>
          </button>
        ))}
      </fieldset>
      <output className="result-count" {...{ [countAttribute]: filtered.positions.length }} aria-busy={busy}>
        {searching || state
          ? intl.formatMessage({ id: 'devices.shownOf', defaultMessage: '{shown, number} of {total, number} shown' }, { shown: filtered.positions.length, total })
          : intl.formatMessage({ id: 'devices.shown', defaultMessage: '{total, number} shown' }, { total })}
      </output>
    </div>
  );
}

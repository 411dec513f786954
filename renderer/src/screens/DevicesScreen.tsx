import { useCallback, useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Device } from '../../../shared/devices.ts';
import type { DeviceState, StationStatus } from '../../../shared/station.ts';
import type { Route } from '../app/route.ts';
import { useStation } from '../app/station.tsx';
import { stateLabel } from '../components/Badges.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { formatCount } from '../components/time.tsx';
import { VirtualTable } from '../components/VirtualTable.tsx';
import { changingColumns, filterPositions, type Sort, type SortColumn, sortPositions } from '../data/device-view.ts';
import { DeviceDrawer } from './devices/DeviceDrawer.tsx';
import { deviceColumns, sortableColumns } from './devices/columns.tsx';

const states: DeviceState[] = ['pending', 'provisioned', 'online'];

/** Every device, live: search, filter by state, sort, and a drawer per device. Virtualized for 100,000 rows. */
export function DevicesScreen({ status, route, navigate }: { status: StationStatus; route: Route; navigate: (r: Route) => void }) {
  const { devices } = useStation();
  const snap = useSyncExternalStore(devices.subscribe, devices.getSnapshot);
  const expected = states.reduce((n, s) => n + (status.counters.devices[s] ?? 0), 0);
  useEffect(() => devices.ensureLoaded(expected), [devices, expected]);

  const [query, setQuery] = useState('');
  const [state, setState] = useState<DeviceState | null>(null);
  const [sort, setSort] = useState<Sort>({ column: 'name', direction: 'asc' });
  // Typing stays instant; the filtering render follows at lower priority (it is a few ms even at 100,000 rows).
  const deferredQuery = useDeferredValue(query);

  const sortDependency = changingColumns.has(sort.column) ? snap.version : snap.structure;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the store mutates in place; the snapshot counters say when
  const order = useMemo(() => sortPositions(devices, sort), [devices, sort, sortDependency]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above
  const filtered = useMemo(() => filterPositions(devices, order, deferredQuery, state), [devices, order, deferredQuery, state, snap.version]);

  const onSort = useCallback((column: string) => {
    setSort((s) =>
      s.column === column
        ? { column: s.column, direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : { column: column as SortColumn, direction: column === 'lastSeenAt' ? 'desc' : 'asc' },
    );
  }, []);
  const open = useCallback((d: Device) => navigate({ screen: 'devices', device: d.name }), [navigate]);

  const total = devices.rows.length;
  const searching = deferredQuery.trim() !== '';
  const loading = snap.phase === 'loading';
  const stale = query !== deferredQuery;

  return (
    <section aria-labelledby="devices-title" className="screen screen-fill">
      <header className="page-header">
        <div>
          <h1 id="devices-title">Devices</h1>
          <p className="page-subtitle">
            {loading
              ? `Loading ${formatCount(snap.loaded)} of ${formatCount(snap.expected ?? expected)}…`
              : `${formatCount(total)} ${total === 1 ? 'device' : 'devices'} · updates live as they provision and come online`}
          </p>
        </div>
      </header>
      {loading && (
        <progress
          className="load-progress"
          aria-label="Loading devices"
          max={Math.max(snap.expected ?? expected, 1)}
          value={snap.loaded}
        />
      )}
      <div className="toolbar">
        <div className="search-field">
          <Icon name="search" />
          <input
            type="search"
            aria-label="Search devices"
            placeholder="Search name, serial or MAC"
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
          <legend className="visually-hidden">Filter by state</legend>
          <button type="button" aria-pressed={state === null} onClick={() => setState(null)}>
            All <span className="num count">{formatCount(filtered.matching)}</span>
          </button>
          {states.map((s) => (
            <button
              type="button"
              key={s}
              aria-pressed={state === s}
              onClick={() => setState(state === s ? null : s)}
              className={`seg-${s}`}
            >
              <span className="badge-dot" aria-hidden="true" />
              {stateLabel[s]} <span className="num count">{formatCount(filtered.byState[s])}</span>
            </button>
          ))}
        </fieldset>
        <output className="result-count" data-result-count={filtered.positions.length} aria-busy={stale}>
          {searching || state
            ? `${formatCount(filtered.positions.length)} of ${formatCount(total)} shown`
            : `${formatCount(total)} shown`}
        </output>
      </div>
      {snap.error && (
        <ErrorNotice error={snap.error} onRetry={() => devices.ensureLoaded(expected)} retryLabel="Load again" />
      )}
      <VirtualTable
        label="Devices"
        className="devices-table"
        columns={deviceColumns}
        count={filtered.positions.length}
        rowAt={(i) => devices.rows[filtered.positions[i]!]!}
        keyAt={(i) => devices.rows[filtered.positions[i]!]!.id}
        sort={sort}
        sortable={sortableColumns}
        onSort={onSort}
        onRowClick={open}
        selectedKey={route.device ? (devices.idOf(route.device) ?? null) : null}
        empty={
          loading ? (
            <span className="muted">Loading devices…</span>
          ) : total === 0 ? (
            <div className="empty-state">
              <strong>No devices yet.</strong>
              <span>
                Devices appear here the moment they provision (with a profile that allows it), or when you add them ahead of
                time.
              </span>
            </div>
          ) : (
            <div className="empty-state">
              <strong>
                No device matches{searching ? ` “${deferredQuery.trim()}”` : ''}
                {state ? ` in ${stateLabel[state].toLowerCase()}` : ''}.
              </strong>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setQuery('');
                  setState(null);
                }}
              >
                Clear search and filter
              </button>
            </div>
          )
        }
      />
      {route.device && (
        <DeviceDrawer name={route.device} onClose={() => navigate({ screen: 'devices', device: null })} />
      )}
    </section>
  );
}

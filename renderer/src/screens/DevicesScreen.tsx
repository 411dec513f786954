import { FormattedMessage, useIntl } from 'react-intl';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { Device } from '../../../shared/devices.ts';
import type { StationStatus } from '../../../shared/station.ts';
import type { DeviceFilterRoute, Route } from '../app/route.ts';
import { DeviceState } from '../../../shared/station.ts';
import { useStation } from '../app/station.tsx';
import { stateLabel } from '../components/Badges.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { VirtualTable } from '../components/VirtualTable.tsx';
import { DeviceDrawer } from './devices/DeviceDrawer.tsx';
import { DeviceFilterBar, deviceStates, useDeviceFilters } from './devices/DeviceFilters.tsx';
import { deviceColumns } from './devices/columns.tsx';
import { RouteFilters } from './devices/RouteFilters.tsx';

/** Every device, live: search, filter by state, sort, and a drawer per device. Virtualized for 100,000 rows. */
export function DevicesScreen({ status, route, navigate }: { status: StationStatus; route: Route; navigate: (r: Route) => void }) {
  const { devices } = useStation();
  const snap = useSyncExternalStore(devices.subscribe, devices.getSnapshot);
  const expected = deviceStates.reduce((n, s) => n + (status.counters.devices[s] ?? 0), 0);
  useEffect(() => devices.ensureLoaded(expected), [devices, expected]);

  // Batch, profile and state live in the address, so a link (or Back) shows the same list.
  const routeFilters: DeviceFilterRoute = route.filters ?? { batch: null, profile: null, state: null };
  const routeState = DeviceState.safeParse(routeFilters.state);
  const setFilters = useCallback(
    (next: DeviceFilterRoute) => {
      const any = next.batch || next.profile || next.state;
      navigate({ screen: 'devices', device: route.device, ...(any ? { filters: next } : {}) });
    },
    [navigate, route.device],
  );
  const stateControl: [DeviceState | null, (s: DeviceState | null) => void] = [
    routeState.success ? routeState.data : null,
    (s) => setFilters({ ...routeFilters, state: s }),
  ];
  const filters = useDeviceFilters(devices, snap, routeFilters.batch, routeFilters.profile, stateControl);
  const { query, deferredQuery, state } = filters;
  const keep = route.filters;
  const open = useCallback((d: Device) => navigate({ screen: 'devices', device: d.name, ...(keep ? { filters: keep } : {}) }), [navigate, keep]);

  const total = devices.rows.length;
  const searching = deferredQuery.trim() !== '';
  const loading = snap.phase === 'loading';
  const stale = query !== deferredQuery;
  const intl = useIntl();

  return (
    <section aria-labelledby="devices-title" className="screen screen-fill">
      <header className="page-header">
        <div>
          <h1 id="devices-title"><FormattedMessage id="devices.title" defaultMessage="Devices" /></h1>
          <p className="page-subtitle">
            {loading
              ? intl.formatMessage({ id: 'devices.loadingCount', defaultMessage: 'Loading {loaded, number} of {expected, number}…' }, { loaded: snap.loaded, expected: snap.expected ?? expected })
              : intl.formatMessage({ id: 'devices.subtitle', defaultMessage: '{count, plural, one {# device} other {# devices}} · updates live as they provision and come online' }, { count: total })}
          </p>
        </div>
      </header>
      {loading && (
        <progress
          className="load-progress"
          aria-label={intl.formatMessage({ id: 'devices.loadingLabel', defaultMessage: 'Loading devices' })}
          max={Math.max(snap.expected ?? expected, 1)}
          value={snap.loaded}
        />
      )}
      <RouteFilters filters={routeFilters} onChange={setFilters} />
      <DeviceFilterBar
        filters={filters}
        searchLabel={intl.formatMessage({ id: 'devices.search', defaultMessage: 'Search devices' })}
        total={total}
        countAttribute="data-result-count"
        busy={stale}
      />
      {snap.error && (
        <ErrorNotice error={snap.error} onRetry={() => devices.ensureLoaded(expected)} retryLabel={intl.formatMessage({ id: 'common.loadAgain', defaultMessage: 'Load again' })} />
      )}
      <VirtualTable
        {...filters.table}
        label={intl.formatMessage({ id: 'devices.tableLabel', defaultMessage: 'Devices' })}
        className="devices-table"
        columns={deviceColumns}
        onRowClick={open}
        selectedKey={route.device ? (devices.idOf(route.device) ?? null) : null}
        empty={
          loading ? (
            <span className="muted"><FormattedMessage id="devices.loading" defaultMessage="Loading devices…" /></span>
          ) : total === 0 ? (
            <div className="empty-state">
              <strong><FormattedMessage id="devices.emptyTitle" defaultMessage="No devices yet." /></strong>
              <span>
                <FormattedMessage id="devices.emptyText" defaultMessage="Devices appear here the moment they provision (with a profile that allows it), or when you add them ahead of time." />
              </span>
            </div>
          ) : (
            <div className="empty-state">
              <strong>
                {searching && state
                  ? intl.formatMessage({ id: 'devices.noMatchQueryState', defaultMessage: 'No device matches “{query}” in the state “{state}”.' }, { query: deferredQuery.trim(), state: stateLabel(state) })
                  : searching
                    ? intl.formatMessage({ id: 'batch.devices.noMatchQuery', defaultMessage: 'No device matches “{query}”.' }, { query: deferredQuery.trim() })
                    : state
                      ? intl.formatMessage({ id: 'devices.noMatchState', defaultMessage: 'No device in the state “{state}”.' }, { state: stateLabel(state) })
                      : intl.formatMessage({ id: 'batch.devices.noMatch', defaultMessage: 'No device matches.' })}
              </strong>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  filters.clear();
                  setFilters({ batch: null, profile: null, state: null });
                }}
              >
                <FormattedMessage id="batch.devices.clearFilter" defaultMessage="Clear search and filter" />
              </button>
            </div>
          )
        }
      />
      {route.device && (
        <DeviceDrawer name={route.device} onClose={() => navigate({ screen: 'devices', device: null, ...(keep ? { filters: keep } : {}) })} />
      )}
    </section>
  );
}

import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { useIntl } from 'react-intl';
import type { DeviceFilterRoute } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';

/** Batch and profile pickers of the Devices screen; what they choose lives in the address (see route.ts). */
export function RouteFilters({ filters, onChange }: { filters: DeviceFilterRoute; onChange: (next: DeviceFilterRoute) => void }) {
  const { api, batches } = useStation();
  const intl = useIntl();
  const id = useId();
  const batchSnap = useSyncExternalStore(batches.subscribe, batches.getSnapshot);
  const [profiles, setProfiles] = useState<string[]>([]);
  useEffect(() => {
    void batches.load();
    let live = true;
    api['profiles.list']({}).then(
      (list) => live && setProfiles(list.map((p) => p.name)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, batches]);
  const batchNames = (batchSnap.value ?? []).map((b) => b.name).sort();
  // A link may name a batch or profile this station does not (or no longer) have: keep it shown, not silently gone.
  const withCurrent = (names: string[], current: string | null) => (current && !names.includes(current) ? [current, ...names] : names);
  const all = intl.formatMessage({ id: 'devices.filter.all', defaultMessage: 'All' });
  return (
    <div className="route-filters">
      <label htmlFor={`${id}-batch`}>{intl.formatMessage({ id: 'devices.filter.batch', defaultMessage: 'Batch' })}</label>
      <select id={`${id}-batch`} value={filters.batch ?? ''} onChange={(e) => onChange({ ...filters, batch: e.target.value || null })}>
        <option value="">{all}</option>
        {withCurrent(batchNames, filters.batch).map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-profile`}>{intl.formatMessage({ id: 'devices.filter.profile', defaultMessage: 'Profile' })}</label>
      <select id={`${id}-profile`} value={filters.profile ?? ''} onChange={(e) => onChange({ ...filters, profile: e.target.value || null })}>
        <option value="">{all}</option>
        {withCurrent(profiles, filters.profile).map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </div>
  );
}

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { Batch } from '../../../shared/batches.ts';
import type { Device } from '../../../shared/devices.ts';
import type { StationEvent } from '../../../shared/events.ts';
import type { StationStatus } from '../../../shared/station.ts';
import type { SyncStatus } from '../../../shared/sync.ts';
import { api, type Client } from '../api/client.ts';
import { type Explained, explain } from '../api/errors.ts';
import { type LiveState, useLiveEvents } from '../api/live.ts';
import { DeviceStore } from '../data/device-store.ts';
import { EventHub } from '../data/event-hub.ts';
import { FeedStore } from '../data/feed-store.ts';
import { createFrameBatcher } from '../data/frame-batcher.ts';
import { LiveQuery } from '../data/live-query.ts';
import { followStationLocale } from '../i18n/locale.ts';

export interface StationContextValue {
  api: Client;
  status: StationStatus | null;
  /** Why the first status could not be read (not signed in, station down). */
  statusError: Explained | null;
  retryStatus: () => void;
  live: LiveState;
  hub: EventHub;
  devices: DeviceStore;
  feed: FeedStore;
  /** Every batch with its counts, kept current by `changed` and `device` events. */
  batches: LiveQuery<Batch[]>;
  /**
   * Sync targets and the waiting count: the Server and Sync screens both show it, from this one query (show it with
   * `useSharedLiveQuery`), re-read while shown whenever devices, sync progress or lists change.
   */
  syncStatus: LiveQuery<SyncStatus>;
}

const StationContext = createContext<StationContextValue | null>(null);

export function useStation(): StationContextValue {
  const value = useContext(StationContext);
  if (!value) throw new Error('useStation outside <StationProvider>');
  return value;
}

// Counters follow device events; a burst of 1,000 devices should cost a handful of status reads, not 1,000.
const statusDebounceMs = 300;
const statusMaxWaitMs = 1500;

/** The one connection to the station: status, the live stream, and the stores every screen reads. */
export function StationProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [statusError, setStatusError] = useState<Explained | null>(null);
  const [hub] = useState(() => new EventHub());
  const [devices] = useState(() => new DeviceStore(api));
  const [feed] = useState(() => new FeedStore(api));
  const [batches] = useState(() => new LiveQuery(() => api['batches.list']({})));
  const [syncStatus] = useState(() => new LiveQuery(() => api['sync.status']({})));
  const scheduleSync = useCallback(() => {
    if (syncStatus.watched) syncStatus.schedule();
  }, [syncStatus]);

  const refreshStatus = useCallback(() => {
    api['station.status']({}).then(
      (s) => {
        setStatus(s);
        setStatusError(null);
      },
      (err: unknown) => setStatusError(explain(err)),
    );
  }, []);

  // Debounced status refresh, trailing, with a ceiling so a steady stream still updates the counters.
  const statusTimer = useRef<{ timer?: ReturnType<typeof setTimeout>; first: number }>({ first: 0 });
  const scheduleStatus = useCallback(() => {
    const t = statusTimer.current;
    const now = performance.now();
    if (!t.timer) t.first = now;
    clearTimeout(t.timer);
    const wait = Math.min(statusDebounceMs, Math.max(0, statusMaxWaitMs - (now - t.first)));
    t.timer = setTimeout(() => {
      t.timer = undefined;
      refreshStatus();
    }, wait);
  }, [refreshStatus]);

  const [deviceBatcher] = useState(() =>
    // At 100,000 rows every flush re-filters the table; four flushes a second is still "live" to a person.
    createFrameBatcher<Device>(
      (batch) => devices.applyEvents(batch),
      () => (devices.rows.length > 20_000 ? 250 : 0),
    ),
  );

  // An import adds thousands of devices without a `device` event each: the station says `changed`, we read again.
  const devicesReload = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleDevicesReload = useCallback(() => {
    clearTimeout(devicesReload.current);
    devicesReload.current = setTimeout(() => devices.reload(null), 150);
  }, [devices]);

  const onEvent = useCallback(
    (event: StationEvent) => {
      switch (event.type) {
        case 'status':
          setStatus(event.status);
          setStatusError(null);
          break;
        case 'device':
          deviceBatcher.push(event.device);
          scheduleStatus();
          batches.schedule();
          scheduleSync();
          break;
        case 'sync':
          scheduleSync();
          break;
        case 'provision':
          feed.push(event.attempt);
          break;
        case 'preferences':
          followStationLocale(event.preferences.locale);
          break;
        case 'changed':
          if (event.entity === 'devices') scheduleDevicesReload();
          if (event.entity !== 'profiles' && event.entity !== 'sync') batches.schedule();
          scheduleStatus();
          scheduleSync();
          break;
      }
      hub.emit(event);
    },
    [deviceBatcher, feed, hub, scheduleStatus, batches, scheduleDevicesReload, scheduleSync],
  );
  const live = useLiveEvents(onEvent);

  useEffect(refreshStatus, [refreshStatus]);
  useEffect(() => () => deviceBatcher.cancel(), [deviceBatcher]);
  useEffect(() => () => clearTimeout(devicesReload.current), []);

  // The feed's history on open, and again after each reconnect: attempts made while we were away.
  useEffect(() => {
    if (live.generation === 0) return;
    void feed.loadHistory();
    void batches.load();
    if (syncStatus.watched) void syncStatus.load();
    if (live.generation > 1) {
      devices.reload(null);
      refreshStatus();
    }
  }, [live.generation, feed, devices, batches, syncStatus, refreshStatus]);

  const value = useMemo<StationContextValue>(
    () => ({ api, status, statusError, retryStatus: refreshStatus, live, hub, devices, feed, batches, syncStatus }),
    [status, statusError, refreshStatus, live, hub, devices, feed, batches, syncStatus],
  );
  return <StationContext.Provider value={value}>{children}</StationContext.Provider>;
}

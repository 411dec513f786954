import { useCallback, useSyncExternalStore } from 'react';

export type ScreenId = 'server' | 'batches' | 'devices' | 'labels' | 'sync' | 'profiles';
export const screenIds: readonly ScreenId[] = ['server', 'batches', 'devices', 'labels', 'sync', 'profiles'];

export type BatchTab = 'devices' | 'tokens' | 'import' | 'attributes' | 'handover';
const batchTabs: readonly BatchTab[] = ['devices', 'tokens', 'import', 'attributes', 'handover'];

/**
 * Where the UI is, as the address bar shows it, so Back closes a drawer and a place can be named on screen:
 * `#/devices/<name>` a device's drawer; `#/batches/<batch>[/tokens|/import|/attributes|/handover]` a batch; `#/batches/<batch>/devices/<name>`
 * a device's drawer within its batch; `#/labels/<batch>` the label sheet of a batch.
 */
export interface Route {
  screen: ScreenId;
  device: string | null;
  batch?: string | null;
  tab?: BatchTab;
  /** The Devices screen's filters, kept in the address (`#/devices?batch=B&profile=P&state=S`) so a link shows them. */
  filters?: DeviceFilterRoute;
}

export interface DeviceFilterRoute {
  batch: string | null;
  profile: string | null;
  state: string | null;
}

function parseFilters(query: string): DeviceFilterRoute | undefined {
  if (!query) return undefined;
  const q = new URLSearchParams(query);
  const filters = { batch: q.get('batch') || null, profile: q.get('profile') || null, state: q.get('state') || null };
  return filters.batch || filters.profile || filters.state ? filters : undefined;
}

function filterQuery(filters: DeviceFilterRoute | undefined): string {
  if (!filters) return '';
  const q = new URLSearchParams();
  for (const key of ['batch', 'profile', 'state'] as const) if (filters[key]) q.set(key, filters[key]!);
  const text = q.toString();
  return text ? `?${text}` : '';
}

function decode(segment: string | undefined): string | null {
  if (!segment) return null;
  try {
    return decodeURIComponent(segment) || null;
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const [, screen = '', ...rest] = path.split('/');
  const id = screenIds.includes(screen as ScreenId) ? (screen as ScreenId) : 'server';
  if (id === 'devices') {
    const filters = parseFilters(query);
    return filters ? { screen: id, device: decode(rest.join('/')), filters } : { screen: id, device: decode(rest.join('/')) };
  }
  if (id === 'batches') {
    const batch = decode(rest[0]);
    const second = rest[1] ?? '';
    const tab = batchTabs.includes(second as BatchTab) ? (second as BatchTab) : 'devices';
    const device = tab === 'devices' ? decode(rest.slice(2).join('/')) : null;
    return { screen: id, batch, tab, device };
  }
  if (id === 'labels') return { screen: id, batch: decode(rest[0]), device: null };
  return { screen: id, device: null };
}

const enc = encodeURIComponent;

export function routeHref(route: Route): string {
  if (route.screen === 'batches' && route.batch) {
    const tab = route.tab ?? 'devices';
    if (tab === 'devices') return `#/batches/${enc(route.batch)}${route.device ? `/devices/${enc(route.device)}` : ''}`;
    return `#/batches/${enc(route.batch)}/${tab}`;
  }
  if (route.screen === 'labels' && route.batch) return `#/labels/${enc(route.batch)}`;
  if (route.screen === 'devices') return `${route.device ? `#/devices/${enc(route.device)}` : '#/devices'}${filterQuery(route.filters)}`;
  return `#/${route.screen}`;
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};
const getHash = () => window.location.hash;

export function navigateTo(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
}

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, getHash);
  const navigate = useCallback((route: Route) => navigateTo(route), []);
  return [parseRoute(hash), navigate];
}

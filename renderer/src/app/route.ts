import { useCallback, useSyncExternalStore } from 'react';

export type ScreenId = 'server' | 'devices' | 'profiles';
export const screenIds: readonly ScreenId[] = ['server', 'devices', 'profiles'];

/** Where the UI is: `#/devices/<name>` opens a device's drawer, so Back closes it and a link can be shared on screen. */
export interface Route {
  screen: ScreenId;
  device: string | null;
}

export function parseRoute(hash: string): Route {
  const [, screen = '', ...rest] = hash.replace(/^#/, '').split('/');
  const id = screenIds.includes(screen as ScreenId) ? (screen as ScreenId) : 'server';
  let device: string | null = null;
  if (id === 'devices' && rest.length) {
    try {
      device = decodeURIComponent(rest.join('/')) || null;
    } catch {
      device = null;
    }
  }
  return { screen: id, device };
}

export const routeHref = (route: Route) =>
  route.device ? `#/${route.screen}/${encodeURIComponent(route.device)}` : `#/${route.screen}`;

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};
const getHash = () => window.location.hash;

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, getHash);
  const navigate = useCallback((route: Route) => {
    const href = routeHref(route);
    if (window.location.hash !== href) window.location.hash = href;
  }, []);
  return [parseRoute(hash), navigate];
}

import type { DeviceState } from '../../../shared/station.ts';
import { compactMac, type DeviceStore, naturalKey } from './device-store.ts';

export type SortColumn = 'name' | 'profile' | 'batch' | 'state' | 'credentialsType' | 'provisionedVia' | 'lastSeenAt';
export interface Sort {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

/** Columns whose values change while the station runs: sorting by them must follow every update. */
export const changingColumns: ReadonlySet<SortColumn> = new Set(['state', 'credentialsType', 'provisionedVia', 'lastSeenAt']);

const stateRank: Record<DeviceState, string> = { pending: '0', provisioned: '1', offline: '2', online: '3', 'handed-over': '4' };

/** The row positions of the store in display order. Empty values sort last in either direction. */
export function sortPositions(store: DeviceStore, sort: Sort): Int32Array {
  const { rows, nameKey } = store;
  const n = rows.length;
  const keys: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const d = rows[i]!;
    switch (sort.column) {
      case 'name':
        keys[i] = nameKey[i]!;
        break;
      case 'profile':
        keys[i] = naturalKey(d.profile);
        break;
      case 'batch':
        keys[i] = d.batch === null ? null : naturalKey(d.batch);
        break;
      case 'state':
        keys[i] = stateRank[d.state];
        break;
      case 'lastSeenAt':
        keys[i] = d.lastSeenAt;
        break;
      default:
        keys[i] = d[sort.column];
    }
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return ka < kb ? -sign : sign;
    }
    // Ties (same state, same profile) read best by name, always ascending.
    const na = nameKey[a]!;
    const nb = nameKey[b]!;
    return na < nb ? -1 : na > nb ? 1 : a - b;
  });
  return order;
}

export interface Filtered {
  positions: Int32Array;
  /** Rows matching the search, per state, before the state filter: the counts on the state filter buttons. */
  byState: Record<DeviceState, number>;
  matching: number;
}

/** Rows matching the search (and the batch and profile, when given), then the state filter. */
export function filterPositions(
  store: DeviceStore,
  order: Int32Array,
  query: string,
  state: DeviceState | null,
  batch: string | null = null,
  profile: string | null = null,
): Filtered {
  const q = query.trim().toLowerCase();
  const compact = compactMac(q);
  const useCompact = compact.length >= 2 && compact !== q;
  const { rows, haystack } = store;
  const byState: Record<DeviceState, number> = { pending: 0, provisioned: 0, online: 0, offline: 0, 'handed-over': 0 };
  const out = new Int32Array(order.length);
  let kept = 0;
  let matching = 0;
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    if (batch !== null && rows[at]!.batch !== batch) continue;
    if (profile !== null && rows[at]!.profile !== profile) continue;
    if (q) {
      const hay = haystack[at]!;
      if (!hay.includes(q) && !(useCompact && hay.includes(compact))) continue;
    }
    const s = rows[at]!.state;
    byState[s]++;
    matching++;
    if (state === null || s === state) out[kept++] = at;
  }
  return { positions: out.subarray(0, kept), byState, matching };
}

import type { Device } from '../../../shared/devices.ts';
import type { Client } from '../api/client.ts';
import { type Explained, explain } from '../api/errors.ts';

export type LoadPhase = 'idle' | 'loading' | 'ready' | 'error';

export interface DeviceSnapshot {
  /** Bumps on every change: a row replaced, inserted, or a load step. */
  version: number;
  /** Bumps only when rows are inserted; a sort by a column that never changes need not run again otherwise. */
  structure: number;
  phase: LoadPhase;
  /** Rows loaded so far, and how many the station said it has (for the progress bar). */
  loaded: number;
  expected: number | null;
  error: Explained | null;
}

// A small first page puts rows on screen at once; then 25,000 rows (~8 MB of JSON, ~0.25 s of the station's time)
// per request, so a 100,000-row load never holds the station's event loop for long while devices are provisioning.
const firstPageSize = 5_000;
const pageSize = 25_000;

/**
 * Every device the station has, held once, for the Devices screen. Rows keep their position for life, so live
 * updates replace one slot; search and sort keys are computed once per row, which keeps a search over 100,000 rows
 * to a few milliseconds.
 */
export class DeviceStore {
  readonly rows: Device[] = [];
  /** Lower-case name, serial, MAC, and MAC without separators, one per row, for search. */
  readonly haystack: string[] = [];
  /** Name with digit runs zero-padded, so `dev-2` sorts before `dev-10` with a plain comparison. */
  readonly nameKey: string[] = [];
  private readonly position = new Map<number, number>();
  private readonly idByName = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private snapshot: DeviceSnapshot = { version: 0, structure: 0, phase: 'idle', loaded: 0, expected: null, error: null };
  // While a load is under way, which rows live events touched after which request was sent (see load()).
  private eventSeq = 0;
  private touchedAt = new Map<number, number>();
  private loading: Promise<void> | null = null;

  constructor(private readonly api: Client) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  private update(change: Partial<DeviceSnapshot>, inserted: boolean) {
    const s = this.snapshot;
    this.snapshot = { ...s, ...change, version: s.version + 1, structure: inserted ? s.structure + 1 : s.structure };
    for (const listener of this.listeners) listener();
  }

  get(id: number): Device | undefined {
    const at = this.position.get(id);
    return at === undefined ? undefined : this.rows[at];
  }

  idOf(name: string): number | undefined {
    return this.idByName.get(name);
  }

  /** Loads every device once; later calls are no-ops until `reload()`. */
  ensureLoaded(expected: number | null): void {
    if (this.snapshot.phase === 'idle' || this.snapshot.phase === 'error') void this.load(expected);
  }

  /** After a reconnect: events were missed while the stream was down, so fetch everything again (rows stay visible). */
  reload(expected: number | null): void {
    if (this.snapshot.phase !== 'idle') void this.load(expected);
  }

  private load(expected: number | null): Promise<void> {
    if (this.loading) return this.loading;
    const firstLoad = this.rows.length === 0;
    this.update({ phase: firstLoad ? 'loading' : this.snapshot.phase, expected, error: null, loaded: firstLoad ? 0 : this.rows.length }, false);
    this.loading = (async () => {
      try {
        const request = (offset: number, limit: number) => {
          const sentAt = this.eventSeq;
          return this.api['devices.list']({ limit, offset }).then((page) => ({ page, sentAt, full: page.length === limit }));
        };
        // The next page is on its way while this one is merged and drawn.
        let next = request(0, firstPageSize);
        const seen = new Set<number>();
        for (let offset = firstPageSize; ; offset += pageSize) {
          const { page, sentAt, full } = await next;
          if (full) next = request(offset, pageSize);
          for (const d of page) seen.add(d.id);
          // A live event newer than this request already put the newer row in place: keep it.
          this.merge(page.filter((d) => (this.touchedAt.get(d.id) ?? -1) <= sentAt));
          if (!full) break;
        }
        // Devices the station no longer has (removed here, or by the CLI) leave the list; a device a live event
        // brought in while the pages were on their way stays.
        if (!firstLoad) this.prune((id) => seen.has(id) || this.touchedAt.has(id));
        this.update({ phase: 'ready', loaded: this.rows.length, expected: this.rows.length }, false);
      } catch (err) {
        this.update({ phase: this.rows.length ? 'ready' : 'error', error: explain(err) }, false);
      } finally {
        this.touchedAt.clear();
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Live `device` events, batched per frame by the caller. */
  applyEvents(devices: readonly Device[]): void {
    if (this.snapshot.phase === 'idle') return; // the first load will bring them
    if (this.loading) for (const d of devices) this.touchedAt.set(d.id, ++this.eventSeq);
    this.merge(devices);
  }

  /** A profile was renamed in this UI; the station sends no device events for it. */
  renameProfile(from: string, to: string): void {
    let changed = false;
    for (let i = 0; i < this.rows.length; i++) {
      const d = this.rows[i]!;
      if (d.profile === from) {
        this.rows[i] = { ...d, profile: to };
        changed = true;
      }
    }
    if (changed) this.update({}, true);
  }

  /** Drops the rows `keep` refuses; positions are renumbered, so sorts and filters run again (structure bumps). */
  private prune(keep: (id: number) => boolean): void {
    let at = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const d = this.rows[i]!;
      if (!keep(d.id)) {
        this.position.delete(d.id);
        if (this.idByName.get(d.name) === d.id) this.idByName.delete(d.name);
        continue;
      }
      this.rows[at] = d;
      this.haystack[at] = this.haystack[i]!;
      this.nameKey[at] = this.nameKey[i]!;
      this.position.set(d.id, at);
      at++;
    }
    if (at === this.rows.length) return;
    this.rows.length = at;
    this.haystack.length = at;
    this.nameKey.length = at;
    this.update({}, true);
  }

  private merge(devices: readonly Device[]): void {
    if (devices.length === 0) return;
    let inserted = false;
    for (const d of devices) {
      const at = this.position.get(d.id);
      if (at === undefined) {
        this.position.set(d.id, this.rows.length);
        this.idByName.set(d.name, d.id);
        this.rows.push(d);
        this.haystack.push(haystackOf(d));
        this.nameKey.push(naturalKey(d.name));
        inserted = true;
      } else {
        this.rows[at] = d;
        this.haystack[at] = haystackOf(d);
      }
    }
    this.update({ loaded: this.snapshot.phase === 'loading' ? this.rows.length : this.snapshot.loaded }, inserted);
  }
}

export const compactMac = (text: string) => text.replace(/[\s:.-]/g, '');

function haystackOf(d: Device): string {
  const mac = d.mac?.toLowerCase() ?? '';
  return `${d.name.toLowerCase()}\n${d.serial?.toLowerCase() ?? ''}\n${mac}\n${compactMac(mac)}`;
}

export function naturalKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(12, '0'));
}

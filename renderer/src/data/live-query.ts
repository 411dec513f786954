import { type Explained, explain } from '../api/errors.ts';

export interface QuerySnapshot<T> {
  value: T | null;
  phase: 'loading' | 'ready' | 'error';
  /** The last failure; the last good value stays on screen beside it. */
  error: Explained | null;
}

// A burst of 1,000 devices provisioning should cost a handful of list reads, not 1,000.
const debounceMs = 250;
const maxWaitMs = 1200;

/**
 * A small list the station owns (batches, a batch's tokens, sync targets): read once, then read again, debounced,
 * whenever the live stream says it changed. Cheap lists only; the device list has its own store.
 */
export class LiveQuery<T> {
  private snapshot: QuerySnapshot<T> = { value: null, phase: 'loading', error: null };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstAsk = 0;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private disposed = false;

  constructor(private readonly fetcher: () => Promise<T>) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  /** Someone shows it now: only then is it worth reading again on every change. */
  get watched(): boolean {
    return this.listeners.size > 0;
  }

  /** Reads now (or right after the read under way, so the answer is never older than the call). */
  load = (): Promise<void> => {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        const value = await this.fetcher();
        this.set({ value, phase: 'ready', error: null });
      } catch (err) {
        this.set({ value: this.snapshot.value, phase: this.snapshot.value === null ? 'error' : 'ready', error: explain(err) });
      } finally {
        this.inFlight = null;
        if (this.again && !this.disposed) {
          this.again = false;
          void this.load();
        }
      }
    })();
    return this.inFlight;
  };

  /** Trailing debounce with a ceiling, so a steady stream of changes still refreshes the list now and then. */
  schedule = (): void => {
    if (this.disposed) return;
    const now = performance.now();
    if (!this.timer) this.firstAsk = now;
    clearTimeout(this.timer);
    const wait = Math.min(debounceMs, Math.max(0, maxWaitMs - (now - this.firstAsk)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.load();
    }, wait);
  };

  /** Replaces the value locally (an answer the station just gave), ahead of the next read. */
  put(value: T): void {
    this.set({ value, phase: 'ready', error: null });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private set(snapshot: QuerySnapshot<T>): void {
    if (this.disposed) return;
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener();
  }
}

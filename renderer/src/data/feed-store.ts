import type { ProvisionAttempt } from '../../../shared/devices.ts';
import type { Client } from '../api/client.ts';
import { type Explained, explain } from '../api/errors.ts';
import { createFrameBatcher } from './frame-batcher.ts';

export type Outcome = ProvisionAttempt['outcome'];
export const outcomes: readonly Outcome[] = ['SUCCESS', 'NOT_FOUND', 'FAILURE', 'BAD_REQUEST'];

export interface FeedSnapshot {
  /** Newest first, at most `feedCap`. */
  items: readonly ProvisionAttempt[];
  counts: Readonly<Record<Outcome, number>>;
  /** The history reached its limit, so the counts cover only the latest `historyLimit` attempts before this page opened. */
  partialHistory: boolean;
  phase: 'loading' | 'ready' | 'error';
  error: Explained | null;
}

export const feedCap = 500;
const historyLimit = 1000;
const rememberIds = 20_000;

/** The provisioning feed: history once, then live `provision` events, batched per frame so bursts stay smooth. */
export class FeedStore {
  private snapshot: FeedSnapshot = {
    items: [],
    counts: { SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, BAD_REQUEST: 0 },
    partialHistory: false,
    phase: 'loading',
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly seen = new Set<number>();
  private readonly batcher = createFrameBatcher<ProvisionAttempt>((items) => this.merge(items));

  constructor(private readonly api: Client) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  push(attempt: ProvisionAttempt): void {
    this.batcher.push(attempt);
  }

  /** On open and after every reconnect (attempts made while the stream was down are picked up here). */
  async loadHistory(): Promise<void> {
    try {
      const history = await this.api['provisioning.attempts']({ limit: historyLimit });
      this.merge(history, history.length >= historyLimit);
    } catch (err) {
      this.set({ phase: this.snapshot.items.length ? 'ready' : 'error', error: explain(err) });
    }
  }

  private merge(items: readonly ProvisionAttempt[], partial = this.snapshot.partialHistory): void {
    const fresh = items.filter((a) => !this.seen.has(a.id));
    const counts = { ...this.snapshot.counts };
    for (const a of fresh) {
      this.seen.add(a.id);
      counts[a.outcome]++;
    }
    if (this.seen.size > rememberIds) {
      // Set iterates in insertion order: forget the oldest ids.
      let drop = this.seen.size - rememberIds;
      for (const id of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(id);
      }
    }
    const merged = fresh.length ? [...fresh, ...this.snapshot.items].sort((a, b) => b.id - a.id).slice(0, feedCap) : this.snapshot.items;
    this.set({ items: merged, counts, partialHistory: partial || this.snapshot.partialHistory, phase: 'ready', error: null });
  }

  private set(change: Partial<FeedSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    this.batcher.cancel();
  }
}

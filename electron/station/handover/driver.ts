import type { EventBus } from '../event-bus.ts';
import type { GroupCommitter } from '../store/group-commit.ts';
import type { DeviceReader } from '../store/devices.ts';
import { withoutSecret } from '../store/devices.ts';
import type { Handovers } from './handovers.ts';

export interface HandoverDriverOptions {
  handovers: Handovers;
  committer: GroupCommitter;
  bus: EventBus;
  reader: DeviceReader;
  /** Pushes the devices' changed shared attributes to their open sessions, long-polls and observers. */
  tell(deviceIds: readonly number[]): void;
  log: (line: string) => void;
  /** How often hand-overs written by any process (the CLI too) are looked at. */
  intervalMs?: number;
}

/**
 * Moves hand-overs along while the station serves: releases devices the cloud now holds, settles confirmations and
 * timeouts. It polls (an indexed look at the active rows) so hand-overs started by a CLI process are picked up too.
 */
export function startHandoverDriver(options: HandoverDriverOptions): { stop(): void; poke(): void } {
  const { handovers, committer, bus, reader } = options;
  let running = false;
  let stopped = false;

  async function pass(): Promise<void> {
    if (running || stopped) return;
    running = true;
    try {
      // Most passes find nothing to move: they only read, and leave the write lock to the provisioning writer.
      if (!handovers.due(Date.now())) return;
      const moved = await committer.run(() => {
        const now = Date.now();
        const told = handovers.release(now);
        return { told, ...handovers.settle(now) };
      });
      if (moved.told.length > 0) options.tell(moved.told);
      for (const id of moved.confirmed) {
        const device = reader.get(id);
        if (device) bus.publish({ type: 'device', device: withoutSecret(device) });
      }
      if (moved.told.length > 0 || moved.changed > 0) bus.publish({ type: 'changed', entity: 'handovers', batch: null });
    } catch (err) {
      options.log(`hand-over: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void pass(), options.intervalMs ?? 500);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    poke: () => void pass(),
  };
}

import { describe, expect, it } from 'vitest';
import { createSharedUpdates } from '../../electron/station/device-api/shared-updates.ts';
import type { SharedDelta } from '../../electron/station/device-api/wire.ts';

// A device that asks for its attributes and then subscribes (as ThingsBoard's examples do) must not lose a change
// committed between its answer and its subscription.
function station(initial: Record<string, unknown>) {
  let state = { ...initial };
  const updates = createSharedUpdates(() => ({ ...state }));
  return {
    updates,
    set(next: Record<string, unknown>) {
      state = { ...next };
    },
  };
}

function nextDelta(updates: ReturnType<typeof createSharedUpdates>, deviceId: number): Promise<SharedDelta | null> {
  return new Promise((resolve) => {
    const stop = updates.subscribe(deviceId, (delta) => {
      stop();
      resolve(delta);
    });
    // Nothing missed: no push arrives on the subscription's own turn.
    setTimeout(() => {
      stop();
      resolve(null);
    }, 20);
  });
}

describe('shared-attribute subscriptions start from what the device was last told', () => {
  it('pushes a change committed between the attributes answer and the subscription', async () => {
    const s = station({ interval: 10, mode: 'eco' });
    s.updates.told(1, { interval: 10, mode: 'eco' });
    s.set({ interval: 30 });
    expect(await nextDelta(s.updates, 1)).toEqual({ updated: { interval: 30 }, deleted: ['mode'] });
  });

  it('pushes nothing when the device already has the current values', async () => {
    const s = station({ interval: 10 });
    s.updates.told(1, { interval: 10 });
    expect(await nextDelta(s.updates, 1)).toBeNull();
  });

  it('pushes nothing for a device that never asked (ThingsBoard: changes from now on)', async () => {
    const s = station({ interval: 10 });
    expect(await nextDelta(s.updates, 2)).toBeNull();
  });

  it('a complete state replaces what the device heard before, and pushes count as told', async () => {
    const s = station({ a: 1, b: 2 });
    s.updates.told(1, { a: 1, b: 2 });
    s.set({ a: 1 });
    s.updates.told(1, { a: 1 }, true);
    expect(await nextDelta(s.updates, 1)).toBeNull();

    const heard: SharedDelta[] = [];
    const stop = s.updates.subscribe(1, (delta) => heard.push(delta));
    s.set({ a: 5 });
    s.updates.refresh([1]);
    stop();
    expect(heard).toEqual([{ updated: { a: 5 }, deleted: [] }]);
    // A later session of the same device starts from the pushed value, so it is not told again.
    expect(await nextDelta(s.updates, 1)).toBeNull();
  });
});

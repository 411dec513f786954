import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../electron/cli/simulate/run.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// A batch powering on at once (DESIGN.md: "served within seconds"). The full 5,000-device burst runs in `npm run bench`;
// this keeps a smaller one in the test suite so a regression (a lost answer, a refused connection) fails CI.

const key = 'burst-key';
const secret = 'burst-secret';

let s: TestStation;

beforeAll(async () => {
  // One address stands for a whole batch here: over the per-address limits a site's devices never meet (each has its own).
  s = await startTestStation({ limits: { connectionsPerAddress: 10_000, connectionRatePerAddress: 100_000 } });
  await s.call('profiles.add', { name: 'burst', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });
});

afterAll(async () => {
  await s?.station.stop();
});

const count = (prefix: string) =>
  s.station.engine!.db.prepare(`SELECT count(*) FROM devices WHERE name LIKE ? || '-%'`).pluck().get(prefix) as number;

describe('a burst of devices at once', () => {
  // 500 stays under Node's default listen backlog (511): beyond it a burst also measures SYN retransmission.
  it.each([
    ['mqtt', 500],
    ['http', 500],
    ['coap', 500],
  ] as const)('%s: %i devices at once all get SUCCESS, each stored once', async (protocol, devices) => {
    const summary = await runSimulation({
      protocol,
      port: s.ports[protocol],
      devices,
      concurrency: devices,
      key,
      secret,
      namePrefix: `burst-${protocol}`,
      timeoutMs: 20_000,
    });
    expect({ outcomes: summary.outcomes, errors: summary.errors }).toEqual({
      outcomes: { SUCCESS: devices, NOT_FOUND: 0, FAILURE: 0, errors: 0 },
      errors: [],
    });
    expect(count(`burst-${protocol}`)).toBe(devices);
  });
});

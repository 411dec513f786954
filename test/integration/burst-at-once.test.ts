import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../electron/cli/simulate/run.ts';
import type { SimProtocol } from '../../electron/cli/simulate/types.ts';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import { tempDir } from '../support/engine.ts';

// A batch powering on at once (DESIGN.md: "served within seconds"). The full 5,000-device burst runs in `npm run bench`;
// this keeps a smaller one in the test suite so a regression (a lost answer, a refused connection) fails CI.

const key = 'burst-key';
const secret = 'burst-secret';

let station: Station;
let ports: Record<SimProtocol, number>;

beforeAll(async () => {
  station = createStation({ dataDir: tempDir(), bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 } });
  const info = await station.start();
  const port = (name: SimProtocol) => info.listeners.find((l) => l.name === name)!.port;
  ports = { http: port('http'), mqtt: port('mqtt'), coap: port('coap') };
  await station.engine!.router.call('profiles.add', { name: 'burst', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' }, ADMIN);
});

afterAll(async () => {
  await station?.stop();
});

const count = (prefix: string) =>
  station.engine!.db.prepare(`SELECT count(*) FROM devices WHERE name LIKE ? || '-%'`).pluck().get(prefix) as number;

describe('a burst of devices at once', () => {
  // 500 stays under Node's default listen backlog (511): beyond it a burst also measures SYN retransmission.
  it.each([
    ['mqtt', 500],
    ['http', 500],
    ['coap', 500],
  ] as const)('%s: %i devices at once all get SUCCESS, each stored once', async (protocol, devices) => {
    const summary = await runSimulation({
      protocol,
      port: ports[protocol],
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

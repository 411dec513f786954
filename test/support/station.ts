import { createStation, type Station, type StationInfo, type StationOptions } from '../../electron/station/station.ts';
import type { Transport } from '../../shared/provisioning.ts';
import { callAsOwner, type TestEngine, tempDir } from './engine.ts';

// A whole station in the test's own process, as `fieldstation serve` runs it: fresh data dir, every listener on
// 127.0.0.1 and port 0.

export interface TestStation {
  station: Station;
  info: StationInfo;
  /** The port each device listener got. */
  ports: Record<Transport, number>;
  /** Calls the admin API as the station's owner; throws ApiError on an error reply. */
  call: TestEngine['call'];
}

export async function startTestStation(options: Pick<StationOptions, 'limits' | 'adminTimeouts'> = {}): Promise<TestStation> {
  const station = createStation({ dataDir: tempDir(), bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, ...options });
  const info = await station.start();
  const port = (name: Transport) => info.listeners.find((l) => l.name === name)!.port;
  return { station, info, ports: { http: port('http'), mqtt: port('mqtt'), coap: port('coap') }, call: callAsOwner(station.engine!) };
}

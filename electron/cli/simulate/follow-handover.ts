import { HandoverSettings } from '../../../shared/handover.ts';
import type { DeviceCredentials, FollowNames, SimProtocol, SimTarget } from './types.ts';

// What a simulated device does after SUCCESS when it follows a hand-over, as firmware built for ThingsBoard would:
// read its shared attributes, wait for the ones naming its long-term server, acknowledge them to the station with a
// client attribute, then connect to that server with the same credentials and report there.


// The station's defaults (a profile may rename them: the flags of `simulate` follow).
const defaults = HandoverSettings.parse({});
export const defaultFollowNames: FollowNames = {
  host: defaults.attributes.host,
  mqttPort: defaults.attributes.mqttPort,
  httpPort: defaults.attributes.httpPort,
  confirmKey: defaults.confirmKey,
};

export interface FollowResult {
  /** The device received an endpoint and acknowledged it to the station. */
  moved: boolean;
  /** The cloud accepted its login and acknowledged its telemetry. */
  accepted: boolean;
  endpoint: SimTarget | null;
  error?: string;
}

export interface FollowOptions {
  names: FollowNames;
  /** The whole follow (waiting for the hand-over included) ends by then. */
  deadline: number;
  /** What the device reports to the cloud once there. */
  payload: string;
}

export type Follower = (station: SimTarget, credentials: DeviceCredentials, options: FollowOptions) => Promise<FollowResult>;

/** The endpoint in a set of shared attributes, once it names a host and the port of this protocol. */
export function endpointIn(shared: Record<string, unknown>, names: FollowNames, protocol: SimProtocol): SimTarget | null {
  const host = shared[names.host];
  const port = shared[protocol === 'mqtt' ? names.mqttPort : names.httpPort];
  if (typeof host !== 'string' || host === '' || typeof port !== 'number') return null;
  return { host, port };
}

/** Waits `ms`, never past the deadline. */
export const pause = (ms: number, deadline: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, deadline - Date.now()))));

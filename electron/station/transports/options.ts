import type { DeviceApi } from '../device-api/service.ts';
import type { ListenerLimits } from '../net/source-limits.ts';
import type { TransportOptions } from '../provisioning/types.ts';

/** What every device transport is built from: provisioning and first contact, then the device API after it. */
export interface DeviceTransportOptions extends TransportOptions {
  deviceApi: DeviceApi;
  /** Per-address connection and rate limits (net/source-limits.ts); without them every peer is admitted. */
  limits?: ListenerLimits;
}

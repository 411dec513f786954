import type { NetworkInterfaceInfo } from 'node:os';
import { ApiError } from '../../../shared/errors.ts';
import type { LabelJob } from '../../../shared/labels.ts';
import type { ListenerInfo } from '../../../shared/station.ts';
import { isWildcard, lanAddress } from '../net/lan-addresses.ts';

/** Where devices reach the station: printed into url and json payloads. */
export interface StationAddress {
  host: string;
  ports: { http: number; mqtt: number; coap: number };
}

// `fieldstation serve` defaults (CLI.md); the labels of a station started with other ports name them with --http-port.
const DEFAULT_PORTS = { http: 8080, mqtt: 1883, coap: 5683 } as const;

/**
 * The job's host and ports, else the serving station's own device listeners, else this computer's LAN address and
 * the default ports. With no address at all we refuse: a label pointing at 127.0.0.1 would scan, and lead nowhere.
 */
export function stationAddress(
  given: LabelJob['station'],
  listeners: readonly ListenerInfo[],
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>,
): StationAddress {
  const listener = (name: 'http' | 'mqtt' | 'coap') => listeners.find((l) => l.name === name);
  // A listener switched off before it ever bound to "any free port" has no port yet: print the default instead.
  const portOf = (name: 'http' | 'mqtt' | 'coap') => {
    const port = listener(name)?.port;
    return port !== undefined && port > 0 ? port : undefined;
  };
  const bound = listener('http')?.address;
  const boundHost = bound !== undefined && !isWildcard(bound) && !bound.startsWith('127.') && bound !== '::1' ? bound : null;
  const host = given.host ?? boundHost ?? lanAddress(interfaces);
  if (host === null) {
    throw new ApiError('invalid_params', 'this computer has no network address devices could reach; connect it to the site network, or give the station address (--host)');
  }
  return {
    host,
    ports: {
      http: given.httpPort ?? portOf('http') ?? DEFAULT_PORTS.http,
      mqtt: given.mqttPort ?? portOf('mqtt') ?? DEFAULT_PORTS.mqtt,
      coap: given.coapPort ?? portOf('coap') ?? DEFAULT_PORTS.coap,
    },
  };
}

import type { ListenerInfo } from '../../shared/station.ts';
import { isWildcard, lanInterfaces } from './net/lan-addresses.ts';
import { ListenError, listenError } from './net/listen.ts';
import type { DeviceApi } from './device-api/service.ts';
import type { ListenerLimits, SourceLimits } from './net/source-limits.ts';
import type { ProvisioningService, TlsCertificates, TransportServer } from './provisioning/types.ts';
import type { BlockwiseLimits } from './transports/coap-blockwise-peers.ts';
import { createCoapTransport } from './transports/coap.ts';
import { createHttpTransport, type HttpTimeouts } from './transports/http.ts';
import { createMqttTransport } from './transports/mqtt.ts';

export type DeviceListenerName = 'http' | 'mqtt' | 'coap' | 'https' | 'mqtts';
export const deviceListenerNames: readonly DeviceListenerName[] = ['http', 'mqtt', 'coap', 'https', 'mqtts'];

/** Each protocol's own bounds (`fieldstation serve --mqtt-max-keep-alive` etc.); unset ones keep the defaults. */
export interface TransportLimitSettings {
  http?: Partial<Pick<HttpTimeouts, 'headersMs' | 'requestMs'>>;
  mqtt?: { maxKeepAliveS?: number; maxPacketBytes?: number };
  coap?: { maxMessageBytes?: number; blockwise?: Partial<BlockwiseLimits> };
}

interface KindOptions {
  host: string;
  port: number;
  service: ProvisioningService;
  deviceApi: DeviceApi;
  log: (line: string) => void;
  tls: TlsCertificates;
  limits?: ListenerLimits;
  settings: TransportLimitSettings;
}

interface Kind {
  create(options: KindOptions): TransportServer;
  url(host: string, port: number): string;
}

// HTTPS and MQTTS are the same transports with the station's certificate (tls/station-tls.ts). CoAP has no DTLS
// twin: no maintained Node DTLS server exists to build one on (see the README's security section).
const kinds: Record<DeviceListenerName, Kind> = {
  http: { create: ({ tls: _, settings, ...o }) => createHttpTransport({ ...o, timeouts: settings.http }), url: (h, p) => `http://${h}:${p}/api/v1/provision` },
  mqtt: { create: ({ tls: _, settings, ...o }) => createMqttTransport({ ...o, ...settings.mqtt }), url: (h, p) => `mqtt://${h}:${p}` },
  coap: { create: ({ tls: _, settings, ...o }) => createCoapTransport({ ...o, ...settings.coap }), url: (h, p) => `coap://${h}:${p}/api/v1/provision` },
  https: { create: ({ settings, ...o }) => createHttpTransport({ ...o, timeouts: settings.http }), url: (h, p) => `https://${hostOf(h)}:${p}/api/v1/provision` },
  mqtts: { create: ({ settings, ...o }) => createMqttTransport({ ...o, ...settings.mqtt }), url: (h, p) => `mqtts://${hostOf(h)}:${p}` },
};

function hostOf(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

interface Slot {
  server: TransportServer | null;
  /** The port asked for; after a first bind to port 0, the port the system chose, so a restart keeps it. */
  port: number;
  info: ListenerInfo | null;
}

/**
 * The LAN side of the station: the device transports, which the technician can switch off and on and move to
 * another network interface while the admin UI keeps running.
 */
export function createDeviceListeners(options: {
  bind: string;
  ports: Record<DeviceListenerName, number>;
  service: ProvisioningService;
  deviceApi: DeviceApi;
  log: (line: string) => void;
  tls: TlsCertificates;
  /** What each listener admits per source address; counted across rebinds and restarts of a listener. */
  limits?: SourceLimits;
  /** Each protocol's own bounds: keep-alive, packet and message sizes, request timeouts, blockwise state. */
  transportLimits?: TransportLimitSettings;
}) {
  let bind = options.bind;
  const slots = new Map<DeviceListenerName, Slot>(deviceListenerNames.map((n) => [n, { server: null, port: options.ports[n], info: null }]));

  function describe(name: DeviceListenerName, address: string, port: number, enabled: boolean): ListenerInfo {
    const hosts = isWildcard(address) ? lanInterfaces().map((i) => i.address) : [address];
    return { name, address, port, url: kinds[name].url(address, port), enabled, lanUrls: hosts.map((h) => kinds[name].url(h, port)) };
  }

  async function open(name: DeviceListenerName): Promise<void> {
    const slot = slots.get(name)!;
    if (slot.server) return;
    const server = kinds[name].create({
      host: bind,
      port: slot.port,
      service: options.service,
      deviceApi: options.deviceApi,
      log: options.log,
      tls: options.tls,
      limits: options.limits?.forListener(name),
      settings: options.transportLimits ?? {},
    });
    try {
      const { address, port } = await server.listen();
      slot.server = server;
      slot.port = port;
      slot.info = describe(name, address, port, true);
    } catch (err) {
      await server.close().catch(() => {});
      if (err instanceof ListenError) throw err;
      throw listenError(name, bind, slot.port, err as NodeJS.ErrnoException);
    }
  }

  async function shut(name: DeviceListenerName): Promise<void> {
    const slot = slots.get(name)!;
    const server = slot.server;
    slot.server = null;
    slot.info = null;
    await server?.close();
  }

  return {
    get bind() {
      return bind;
    },
    async start(names: readonly DeviceListenerName[]): Promise<void> {
      for (const name of names) await open(name);
    },
    async set(name: DeviceListenerName, enabled: boolean): Promise<void> {
      await (enabled ? open(name) : shut(name));
    },
    /** Moves every running listener to another address, keeping ports; on failure the old address is restored. */
    async rebind(address: string): Promise<void> {
      const running = deviceListenerNames.filter((n) => slots.get(n)!.server);
      const previous = bind;
      for (const name of running) await shut(name);
      bind = address;
      try {
        for (const name of running) await open(name);
      } catch (err) {
        for (const name of running) await shut(name);
        bind = previous;
        for (const name of running) await open(name);
        throw err;
      }
    },
    infos(): ListenerInfo[] {
      return deviceListenerNames.map((n) => {
        const slot = slots.get(n)!;
        return slot.info ?? describe(n, bind, slot.port, false);
      });
    },
    async close(): Promise<void> {
      await Promise.allSettled(deviceListenerNames.map(shut));
    },
  };
}
export type DeviceListeners = ReturnType<typeof createDeviceListeners>;

import { randomBytes } from 'node:crypto';
import type { ListenerInfo } from '../../shared/station.ts';
import { type AdminTimeouts, createAdminServer } from './api/admin-server.ts';
import { readStatus } from './api/handlers/status.ts';
import { createDeviceListeners, type DeviceListenerName, deviceListenerNames, type TransportLimitSettings } from './device-listeners.ts';
import { type Engine, type EngineOptions, openEngine } from './engine.ts';
import { watchExternalChanges } from './external-changes.ts';
import { builtUiDir } from './paths.ts';
import { startHandoverDriver } from './handover/driver.ts';
import { createDeviceReader } from './store/devices.ts';
import { removeServingFile, writeServingFile } from './serving-file.ts';
import { createSourceLimits, type SourceLimitSettings } from './net/source-limits.ts';
import { startSyncWorker } from './sync/worker.ts';

export interface StationOptions {
  dataDir: string;
  /** Address of the device-facing listeners (the LAN side). The admin UI/API is always on 127.0.0.1. */
  bind?: string;
  /**
   * Ports; 0 picks a free one. HTTPS and MQTTS default to 8443 and 8883, or to a free port when HTTP (MQTT) is
   * given as 0, so that a caller asking for free ports never collides on a fixed TLS port.
   */
  ports?: { ui?: number; http?: number; mqtt?: number; coap?: number; https?: number; mqtts?: number };
  /** The built renderer to serve; defaults to dist/renderer of this package. */
  uiDir?: string;
  /** The admin secret; a fresh random one per run unless given (the desktop host keeps it across engine restarts). */
  secret?: string;
  /** The desktop host's key from the OS keychain; headless the engine keeps a user-only file. */
  masterKey?: Buffer;
  /** Device listeners to switch on at start (default all); the others can be switched on from the UI. */
  deviceListeners?: readonly DeviceListenerName[];
  /** Per-address connection limits of the device listeners (net/source-limits.ts); defaults suit a site LAN. */
  limits?: Partial<SourceLimitSettings>;
  /** Each protocol's own bounds (MQTT keep-alive and packet size, HTTP timeouts, CoAP message size and blockwise). */
  transportLimits?: TransportLimitSettings;
  /** How long the admin UI/API waits for a request's headers and for the whole request (api/admin-server.ts). */
  adminTimeouts?: Partial<AdminTimeouts>;
  log?: (line: string) => void;
  /** The provisioning writer (engine.ts EngineOptions.writer); by default a writer thread on the station's database. */
  writer?: EngineOptions['writer'];
}

export type { ListenerInfo };

export interface StationInfo {
  uiUrl: string;
  listeners: ListenerInfo[];
  dataDir: string;
}

export interface Station {
  start(): Promise<StationInfo>;
  stop(): Promise<void>;
  /** The engine while started (tests and hosts reach the router and database through it). */
  readonly engine: Engine | null;
}

// 8883 is MQTT over TLS's registered port (IANA, and ThingsBoard's MQTT_SSL_BIND_PORT); 8443 the usual HTTPS one.
export const defaultPorts = { ui: 4780, http: 8080, mqtt: 1883, coap: 5683, https: 8443, mqtts: 8883 } as const;

const tlsRecheckMs = 60_000;
// Refusals carry no event of their own: the Server screen hears of new ones at most this often.
const refusalsReportMs = 2000;

/** Composition root: opens the engine and its listeners; start() and stop() are idempotent. */
export function createStation(options: StationOptions): Station {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  let engine: Engine | null = null;
  let closers: (() => Promise<void>)[] = [];
  let starting: Promise<StationInfo> | null = null;
  let stopping: Promise<void> | null = null;

  async function start(): Promise<StationInfo> {
    const opened = openEngine({ dataDir: options.dataDir, masterKey: options.masterKey, log: options.log, writer: options.writer });
    engine = opened;
    const uiPort = options.ports?.ui ?? defaultPorts.ui;
    const admin = createAdminServer({
      port: uiPort,
      secret,
      router: opened.router,
      apiTokens: opened.apiTokens,
      labelDownloads: opened.labelDownloads,
      bus: opened.bus,
      uiDir: options.uiDir ?? builtUiDir,
      hello: () => ({ type: 'status', status: readStatus(opened) }),
      timeouts: options.adminTimeouts,
      log: opened.log,
    });
    const limits = createSourceLimits(options.limits);
    opened.runtime.limits = limits;
    const devices = createDeviceListeners({
      bind: options.bind ?? '0.0.0.0',
      ports: {
        http: options.ports?.http ?? defaultPorts.http,
        mqtt: options.ports?.mqtt ?? defaultPorts.mqtt,
        coap: options.ports?.coap ?? defaultPorts.coap,
        https: options.ports?.https ?? (options.ports?.http === 0 ? 0 : defaultPorts.https),
        mqtts: options.ports?.mqtts ?? (options.ports?.mqtt === 0 ? 0 : defaultPorts.mqtts),
      },
      service: opened.service,
      deviceApi: opened.deviceApi,
      log: opened.log,
      tls: opened.tls,
      limits,
      transportLimits: options.transportLimits,
    });
    let ui: ListenerInfo | null = null;
    const publishStatus = () => {
      opened.runtime.listeners = [...(ui ? [ui] : []), ...devices.infos()];
      opened.bus.publish({ type: 'status', status: readStatus(opened) });
    };
    opened.runtime.control = {
      async setListener(name, enabled) {
        await devices.set(name, enabled);
        publishStatus();
      },
      async rebind(address) {
        try {
          await devices.rebind(address);
        } finally {
          publishStatus();
        }
      },
    };
    try {
      // Before any device can connect: no MQTT session survived the last run (a crash, a kill, a power cut).
      const orphaned = await opened.presence.recover();
      // Devices may come all at once as soon as the listeners open: their first commits should not also wait for
      // the writer thread to load and open the database.
      opened.prepareWriter();
      if (orphaned > 0) opened.log(`presence: ${orphaned} devices were online in an MQTT session of the last run; now offline`);
      const { address, port } = await admin.listen();
      ui = { name: 'ui', address, port, url: `http://${address}:${port}/`, enabled: true, lanUrls: [] };
      await devices.start(options.deviceListeners ?? deviceListenerNames);
      opened.runtime.startedAt = Date.now();
      publishStatus();
      // Always running: it idles cheaply and picks up targets added later, so results leave as soon as a network appears.
      const sync = startSyncWorker(opened);
      // Only while serving: the CLI writing to this data directory reaches the open UI live.
      const external = watchExternalChanges({ db: opened.db, bus: opened.bus, log: opened.log, ownWritesInFlight: opened.writerBusy });
      const handover = startHandoverDriver({
        handovers: opened.handovers,
        committer: opened.committer,
        bus: opened.bus,
        reader: createDeviceReader(opened.db),
        tell: (ids) => opened.deviceApi.refreshShared(ids),
        log: opened.log,
      });
      // Lets `fieldstation rpc` / `attributes set` in another process reach this station's connected devices.
      writeServingFile(opened.dataDir, { pid: process.pid, url: `http://${address}:${port}`, secret });
      const dataDir = opened.dataDir;
      // Polling devices silent beyond their profile's inactivity timeout go offline.
      const presence = opened.presence.start();
      // A laptop moves between networks: the certificate follows its addresses (DHCP lease, another site LAN).
      const tlsWatch = setInterval(() => {
        opened.tls.refresh().catch((err: unknown) => opened.log(`tls: ${(err as Error).message}`));
      }, tlsRecheckMs);
      tlsWatch.unref();
      let refusalsReported = limits.generation;
      const refusalsWatch = setInterval(() => {
        if (limits.generation === refusalsReported) return;
        refusalsReported = limits.generation;
        publishStatus();
      }, refusalsReportMs);
      refusalsWatch.unref();
      closers = [
        async () => clearInterval(refusalsWatch),
        async () => removeServingFile(dataDir),
        async () => clearInterval(tlsWatch),
        async () => presence.stop(),
        async () => external.stop(),
        async () => handover.stop(),
        () => admin.close(),
        () => devices.close(),
        () => sync.stop(),
      ];
      return { uiUrl: `${ui.url}?token=${secret}`, listeners: opened.runtime.listeners, dataDir: opened.dataDir };
    } catch (err) {
      closers = [() => admin.close(), () => devices.close()];
      await shutdown();
      throw err;
    }
  }

  async function shutdown(): Promise<void> {
    const closing = closers;
    closers = [];
    await Promise.allSettled(closing.map((close) => close()));
    const closingEngine = engine;
    engine = null;
    await closingEngine?.close();
  }

  return {
    get engine() {
      return engine;
    },
    start() {
      stopping = null;
      starting ??= start().catch((err: unknown) => {
        starting = null;
        throw err;
      });
      return starting;
    },
    async stop() {
      if (starting) await starting.catch(() => {});
      starting = null;
      stopping ??= shutdown();
      return stopping;
    },
  };
}

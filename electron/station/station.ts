import { randomBytes } from 'node:crypto';
import type { ListenerInfo } from '../../shared/station.ts';
import { createAdminServer } from './api/admin-server.ts';
import { readStatus } from './api/handlers/status.ts';
import { type Engine, openEngine } from './engine.ts';
import { ListenError, listenError } from './net/listen.ts';
import { builtUiDir } from './paths.ts';
import type { TransportServer } from './provisioning/types.ts';
import { createCoapTransport } from './transports/coap.ts';
import { createHttpTransport } from './transports/http.ts';
import { createMqttTransport } from './transports/mqtt.ts';

export interface StationOptions {
  dataDir: string;
  /** Address of the device-facing listeners (the LAN side). The admin UI/API is always on 127.0.0.1. */
  bind?: string;
  ports?: { ui?: number; http?: number; mqtt?: number; coap?: number };
  /** The built renderer to serve; defaults to dist/renderer of this package. */
  uiDir?: string;
  /** The admin secret; a fresh random one per run unless given (the desktop host keeps it across engine restarts). */
  secret?: string;
  log?: (line: string) => void;
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

/** A running part of the station: the admin server now, the device transports next. */
export interface Listener {
  name: ListenerInfo['name'];
  listen(): Promise<ListenerInfo>;
  close(): Promise<void>;
}

export const defaultPorts = { ui: 4780, http: 8080, mqtt: 1883, coap: 5683 } as const;

/** Composition root: opens the engine and its listeners; start() and stop() are idempotent. */
export function createStation(options: StationOptions): Station {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  let engine: Engine | null = null;
  let listeners: Listener[] = [];
  let starting: Promise<StationInfo> | null = null;
  let stopping: Promise<void> | null = null;

  async function start(): Promise<StationInfo> {
    const opened = openEngine({ dataDir: options.dataDir, log: options.log });
    engine = opened;
    const uiPort = options.ports?.ui ?? defaultPorts.ui;
    const admin = createAdminServer({
      port: uiPort,
      secret,
      router: opened.router,
      apiTokens: opened.apiTokens,
      bus: opened.bus,
      uiDir: options.uiDir ?? builtUiDir,
      hello: () => ({ type: 'status', status: readStatus(opened) }),
      log: opened.log,
    });
    const bind = options.bind ?? '0.0.0.0';
    const device = (name: 'http' | 'mqtt' | 'coap', server: TransportServer, url: (a: string, p: number) => string): Listener => ({
      name,
      async listen() {
        try {
          const { address, port } = await server.listen();
          return { name, address, port, url: url(address, port) };
        } catch (err) {
          if (err instanceof ListenError) throw err;
          throw listenError(name, bind, options.ports?.[name] ?? defaultPorts[name], err as NodeJS.ErrnoException);
        }
      },
      close: () => server.close(),
    });
    const transport = { host: bind, service: opened.service, log: opened.log };
    listeners = [
      {
        name: 'ui',
        async listen() {
          const { address, port } = await admin.listen();
          return { name: 'ui', address, port, url: `http://${address}:${port}/` };
        },
        close: () => admin.close(),
      },
      device('http', createHttpTransport({ ...transport, port: options.ports?.http ?? defaultPorts.http }), (a, p) => `http://${a}:${p}/api/v1/provision`),
      device('mqtt', createMqttTransport({ ...transport, port: options.ports?.mqtt ?? defaultPorts.mqtt }), (a, p) => `mqtt://${a}:${p}`),
      device('coap', createCoapTransport({ ...transport, port: options.ports?.coap ?? defaultPorts.coap }), (a, p) => `coap://${a}:${p}/api/v1/provision`),
    ];
    try {
      const infos: ListenerInfo[] = [];
      for (const listener of listeners) infos.push(await listener.listen());
      opened.runtime.listeners = infos;
      opened.runtime.startedAt = Date.now();
      opened.bus.publish({ type: 'status', status: readStatus(opened) });
      const ui = infos.find((l) => l.name === 'ui')!;
      return { uiUrl: `${ui.url}?token=${secret}`, listeners: infos, dataDir: opened.dataDir };
    } catch (err) {
      await shutdown();
      throw err;
    }
  }

  async function shutdown(): Promise<void> {
    const closing = listeners;
    listeners = [];
    await Promise.allSettled(closing.map((l) => l.close()));
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

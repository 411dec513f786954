// The engine's side of station-protocol.ts: start the station on the parent's first message, report
// ready or the error, stop on request. Pure; station-process.ts supplies the real parentPort,
// createStation and process.exit, tests supply fakes.
import type { Station, StationOptions } from '../station/station.ts';
import { type EngineMessage, ParentMessage, type StartMessage } from './station-protocol.ts';

/** The part of Electron's `process.parentPort` used here. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: EngineMessage): void;
}

export interface RunnerDeps {
  readonly port: ParentPortLike;
  readonly createStation: (options: StationOptions) => Station;
  /** The built renderer the engine serves. */
  readonly uiDir: string;
  readonly exit: (code: number) => void;
  readonly log: (line: string) => void;
}

/**
 * How the desktop app starts its station. Device listeners stay off until the technician switches them on on the
 * Server screen (issue 15): opening the app must not open ports on the site's LAN by itself. Headless `serve` keeps
 * its flags (`--listeners`, default all), since a person starting it asked for them.
 */
export function desktopStationOptions(message: StartMessage, deps: Pick<RunnerDeps, 'uiDir' | 'log'>): StationOptions {
  return {
    dataDir: message.dataDir,
    ports: { ui: message.uiPort },
    secret: message.secret,
    masterKey: message.masterKey === undefined ? undefined : Buffer.from(message.masterKey, 'base64'),
    uiDir: deps.uiDir,
    deviceListeners: [],
    log: deps.log,
  };
}

export function runStationProcess(deps: RunnerDeps): void {
  let station: Station | null = null;
  let starting: Promise<void> | null = null;
  let stopping = false;
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    deps.exit(code);
  };

  async function start(message: StartMessage): Promise<void> {
    try {
      station = deps.createStation(desktopStationOptions(message, deps));
      const info = await station.start();
      if (!stopping) deps.port.postMessage({ type: 'ready', uiUrl: info.uiUrl, info });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { code?: unknown } | null)?.code;
      deps.log(`engine failed to start: ${message}`);
      deps.port.postMessage({ type: 'error', message, ...(typeof code === 'string' ? { code } : {}) });
      if (stopping) return; // stop() is waiting on us and exits.
      // Close whatever listeners did open before the failure, then leave.
      await station?.stop().catch(() => undefined);
      exit(1);
    }
  }

  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await starting;
    try {
      await station?.stop();
      exit(0);
    } catch (err) {
      deps.log(`engine failed to stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      exit(1);
    }
  }

  deps.port.on('message', ({ data }) => {
    const parsed = ParentMessage.safeParse(data);
    if (!parsed.success) {
      deps.log('engine ignored a malformed message from the app');
      return;
    }
    if (parsed.data.type === 'stop') void stop();
    else if (starting === null && !stopping) starting = start(parsed.data);
  });
}

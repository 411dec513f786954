import type { DeviceListenerName, ListenerInfo } from '../../shared/station.ts';
import type { EventBus } from './event-bus.ts';
import type { SourceLimits } from './net/source-limits.ts';
import type { Db } from './store/database.ts';

/** What the station is running right now; empty when the engine is used by a CLI command without serving. */
export interface Runtime {
  startedAt: number | null;
  listeners: ListenerInfo[];
  /** Present while serving: what the Server screen can switch. */
  control: StationControl | null;
  /** Present while serving: what the device listeners admit, and whom they refused. */
  limits: SourceLimits | null;
}

export interface StationControl {
  setListener(name: DeviceListenerName, enabled: boolean): Promise<void>;
  rebind(address: string): Promise<void>;
}

/** What every admin API handler may use of the engine (handlers never import engine.ts: it imports them). */
export interface EngineDeps {
  dataDir: string;
  db: Db;
  bus: EventBus;
  runtime: Runtime;
  log: (line: string) => void;
}

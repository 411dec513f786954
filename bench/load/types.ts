/** Where generated devices send their requests. */
export interface LoadTarget {
  host: string;
  port: number;
}

/** The protocols the raw-socket generator speaks (HTTP is wrk's). */
export type RawProtocol = 'mqtt' | 'coap';

/**
 * One device position of the generator: runs one provisioning exchange at a time and calls `done` with null on a
 * SUCCESS answer, else with why not (any non-SUCCESS status, a refusal, a timeout, a malformed reply).
 */
export interface DeviceSlot {
  /**
   * `requestMs`, where the protocol has a handshake before the request (MQTT: TCP + CONNECT/CONNACK): the time from
   * sending the provision request to its answer, without that handshake.
   */
  exchange(deviceName: string, done: (error: string | null, requestMs?: number) => void): void;
  close(): void;
}

/** Devices in flight kept constant for a while; counted only inside the window after the warm-up. */
export interface SteadyLoad {
  kind: 'steady';
  protocol: RawProtocol;
  target: LoadTarget;
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  namePrefix: string;
  key: string;
  secret: string;
  timeoutMs: number;
}

/** `devices` devices all starting at once, each one exchange. */
export interface BurstLoad {
  kind: 'burst';
  protocol: RawProtocol;
  target: LoadTarget;
  devices: number;
  namePrefix: string;
  key: string;
  secret: string;
  timeoutMs: number;
}

/** What one generator process hands to the parent; times are epoch milliseconds, latencies milliseconds. */
export interface ChildReport {
  /** SUCCESS answers completed inside the window (the whole run for a burst). */
  succeeded: number;
  failed: number;
  latencies: number[];
  /** Request-to-answer times of the same exchanges, where the slot reports them (MQTT). */
  requestLatencies: number[];
  /** Every SUCCESS answer of the run, warm-up and stragglers included: what the station must have stored. */
  totalSucceeded: number;
  errors: [message: string, count: number][];
  lastDoneAt: number;
  /** CPU time this generator process spent on the run (user + system), in milliseconds. */
  cpuMs: number;
}

/** The merged result of one load, as rows print it. */
export interface LoadFigures {
  /** SUCCESS answers per second inside the measured window. */
  rate: number;
  succeeded: number;
  failed: number;
  totalSucceeded: number;
  latencyMs: { p50: number; p99: number };
  /** From the provision request to its answer, the connection's handshake left out (MQTT only; else null). */
  requestLatencyMs: { p50: number; p99: number } | null;
  errors: { message: string; count: number }[];
  /** Wall time of the run (burst: start to the last answer). */
  durationMs: number;
  /** CPU time the generator spent per answered exchange, in microseconds (null for wrk, whose usage is not read). */
  generatorCpuUs: number | null;
}

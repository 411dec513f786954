// Keeps the engine running in its utility process: starts it, restarts it when it dies, stops it on
// quit. Pure: main.ts injects `fork` (utilityProcess.fork), tests inject fake children.
//
// The engine comes back on the same port with the same secret, so the window's origin, its session
// cookie and its CSP stay valid and the renderer's live connection simply reconnects.
import type { EngineStatus } from '../../shared/desktop-bridge.ts';
import { EngineMessage, type ParentMessage, type ReadyMessage } from './station-protocol.ts';

/** The part of Electron's UtilityProcess the supervisor uses. */
export interface EngineChild {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  postMessage(message: ParentMessage): void;
  kill(): boolean;
}

export interface SupervisorOptions {
  readonly fork: () => EngineChild;
  readonly dataDir: string;
  readonly secret: string;
  readonly masterKey?: string;
  /** Tried first; if it is taken, the first start falls back to an OS-chosen port. */
  readonly preferredPort: number;
  readonly onStatus: (status: EngineStatus) => void;
  readonly log: (line: string) => void;
  /** Attempts before the first start gives up (restarts after that never give up). */
  readonly initialAttempts?: number;
  /** A start that has neither reported nor exited by then is killed and counted as failed. */
  readonly startTimeoutMs?: number;
  /** After a start error, how long the engine may take to clean up and exit before it is killed. */
  readonly exitGraceMs?: number;
  /** An engine that ran this long before dying starts a fresh backoff sequence. */
  readonly stableAfterMs?: number;
  readonly now?: () => number;
}

export interface EngineSupervisor {
  /** Starts the engine; resolves once it listens, rejects when the first start fails for good. */
  start(): Promise<ReadyMessage>;
  /** Asks the engine to stop; kills it if it has not exited within `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export class EngineStartError extends Error {
  override readonly name = 'EngineStartError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** 0.5 s, 1 s, 2 s … capped at 15 s: quick when a crash is a fluke, quiet when it keeps failing. */
export function restartDelay(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt - 1), 15_000);
}

export function portOf(uiUrl: string): number {
  const url = new URL(uiUrl);
  return url.port === '' ? 80 : Number(url.port);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createEngineSupervisor(options: SupervisorOptions): EngineSupervisor {
  const initialAttempts = options.initialAttempts ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const exitGraceMs = options.exitGraceMs ?? 5_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const now = options.now ?? Date.now;

  let uiPort = options.preferredPort;
  let current: { child: EngineChild; exited: Promise<void> } | null = null;
  let stopping = false;
  let stopped: Promise<void> | null = null;
  let failures = 0;
  let readyAt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  /** One engine process: resolves on `ready`; rejects, once the process has exited, if it never got there. */
  function launch(port: number): Promise<ReadyMessage> {
    return new Promise((resolve, reject) => {
      type Phase = { name: 'starting' } | { name: 'failing'; error: EngineStartError } | { name: 'ready' } | { name: 'done' };
      let phase: Phase = { name: 'starting' };
      let markExited!: () => void;
      const exited = new Promise<void>((r) => {
        markExited = r;
      });
      const child = options.fork();
      current = { child, exited };
      let killTimer: ReturnType<typeof setTimeout> | null = null;

      const fail = (error: EngineStartError, killAfterMs: number) => {
        phase = { name: 'failing', error };
        if (killAfterMs === 0) child.kill();
        else killTimer = setTimeout(() => child.kill(), killAfterMs);
      };
      const startTimer = setTimeout(() => {
        if (phase.name === 'starting') fail(new EngineStartError(`the engine did not start within ${startTimeoutMs} ms`), 0);
      }, startTimeoutMs);

      child.on('message', (raw) => {
        const parsed = EngineMessage.safeParse(raw);
        if (!parsed.success) {
          options.log('ignored a malformed message from the engine');
          return;
        }
        if (phase.name !== 'starting') return;
        clearTimeout(startTimer);
        const message = parsed.data;
        if (message.type === 'ready') {
          phase = { name: 'ready' };
          resolve(message);
        } else {
          // The engine exits by itself after reporting; wait for that so its ports are free again.
          fail(new EngineStartError(message.message, message.code), exitGraceMs);
        }
      });

      child.on('exit', (code) => {
        clearTimeout(startTimer);
        if (killTimer) clearTimeout(killTimer);
        if (current?.child === child) current = null;
        markExited();
        const was = phase;
        phase = { name: 'done' };
        if (was.name === 'starting') reject(new EngineStartError(`the engine exited with code ${code} before it was ready`));
        else if (was.name === 'failing') reject(was.error);
        else if (was.name === 'ready') onExitAfterReady(code);
      });

      child.postMessage({ type: 'start', dataDir: options.dataDir, uiPort: port, secret: options.secret, masterKey: options.masterKey });
    });
  }

  async function launchReady(port: number): Promise<ReadyMessage> {
    const ready = await launch(port);
    readyAt = now();
    return ready;
  }

  function onExitAfterReady(code: number): void {
    if (stopping) return;
    // Any exit we did not ask for is a crash, code 0 included.
    if (now() - readyAt >= stableAfterMs) failures = 0;
    scheduleRestart(`the engine stopped unexpectedly (exit code ${code})`);
  }

  function scheduleRestart(reason: string): void {
    failures += 1;
    const delay = restartDelay(failures);
    options.log(`${reason}; restarting in ${delay} ms (attempt ${failures})`);
    options.onStatus({ state: 'restarting', attempt: failures, retryInMs: delay, reason });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void relaunch();
    }, delay);
  }

  async function relaunch(): Promise<void> {
    if (stopping) return;
    try {
      await launchReady(uiPort);
      if (stopping) return;
      options.log('the engine is running again');
      options.onStatus({ state: 'running' });
    } catch (err) {
      if (!stopping) scheduleRestart(messageOf(err));
    }
  }

  async function start(): Promise<ReadyMessage> {
    let attempt = 0;
    for (;;) {
      attempt += 1;
      try {
        const ready = await launchReady(uiPort);
        // Pin the port: every restart must come back on this origin.
        uiPort = portOf(ready.uiUrl);
        return ready;
      } catch (err) {
        if (stopping) throw new EngineStartError('the app is quitting');
        if (err instanceof EngineStartError && err.code === 'EADDRINUSE' && uiPort !== 0) {
          options.log(`port ${uiPort} is taken; letting the system choose one`);
          uiPort = 0;
          attempt -= 1; // not the engine's fault
          continue;
        }
        if (attempt >= initialAttempts) throw err;
        options.log(`the engine failed to start (${messageOf(err)}); retrying`);
        await sleep(restartDelay(attempt));
        if (stopping) throw new EngineStartError('the app is quitting');
      }
    }
  }

  async function stopOnce(graceMs: number): Promise<void> {
    stopping = true;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const running = current;
    if (!running) return;
    running.child.postMessage({ type: 'stop' });
    if (await settlesWithin(running.exited, graceMs)) return;
    options.log(`the engine did not stop within ${graceMs} ms; killing it`);
    running.child.kill();
    await settlesWithin(running.exited, 2_000);
  }

  return {
    start,
    stop(graceMs = 5_000) {
      stopped ??= stopOnce(graceMs);
      return stopped;
    },
  };
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

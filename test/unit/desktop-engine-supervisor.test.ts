import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineStatus } from '../../shared/desktop-bridge.ts';
import {
  createEngineSupervisor,
  type EngineChild,
  EngineStartError,
  restartDelay,
} from '../../electron/desktop/engine-supervisor.ts';
import type { ParentMessage } from '../../electron/desktop/station-protocol.ts';

/** How one fake engine process answers `start`. */
type Script = 'ready' | 'port-taken' | 'start-error' | 'crash-on-load' | 'hang' | 'error-then-linger';

class FakeEngine extends EventEmitter implements EngineChild {
  readonly received: ParentMessage[] = [];
  killed = false;
  exited = false;
  constructor(
    private readonly script: Script,
    private readonly osPort: number,
  ) {
    super();
  }
  postMessage(message: ParentMessage): void {
    this.received.push(message);
    queueMicrotask(() => this.respond(message));
  }
  kill(): boolean {
    this.killed = true;
    queueMicrotask(() => this.exit(143));
    return true;
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }
  private respond(message: ParentMessage): void {
    if (message.type === 'stop') {
      this.exit(0);
      return;
    }
    const port = message.uiPort === 0 ? this.osPort : message.uiPort;
    switch (this.script) {
      case 'ready':
        this.emit('message', {
          type: 'ready',
          uiUrl: `http://127.0.0.1:${port}/?token=${message.secret}`,
          info: { uiUrl: '', listeners: [], dataDir: message.dataDir },
        });
        break;
      case 'port-taken':
        this.emit('message', { type: 'error', message: `listen EADDRINUSE 127.0.0.1:${port}`, code: 'EADDRINUSE' });
        this.exit(1);
        break;
      case 'start-error':
        this.emit('message', { type: 'error', message: 'database is locked' });
        this.exit(1);
        break;
      case 'crash-on-load':
        this.exit(1);
        break;
      case 'error-then-linger':
        this.emit('message', { type: 'error', message: 'stuck closing' });
        break;
      case 'hang':
        break;
    }
  }
}

function harness(scripts: Script[], options: { initialAttempts?: number; osPort?: number } = {}) {
  const engines: FakeEngine[] = [];
  const statuses: EngineStatus[] = [];
  let clock = 0;
  const supervisor = createEngineSupervisor({
    fork: () => {
      const engine = new FakeEngine(scripts[engines.length] ?? 'ready', options.osPort ?? 40_123);
      engines.push(engine);
      return engine;
    },
    dataDir: '/data/station',
    secret: 'a-secret-of-sufficient-length',
    preferredPort: 4780,
    onStatus: (status) => statuses.push(status),
    log: () => {},
    initialAttempts: options.initialAttempts,
    startTimeoutMs: 10_000,
    exitGraceMs: 1_000,
    now: () => clock,
  });
  const startMessages = () => engines.map((e) => e.received.find((m) => m.type === 'start'));
  return {
    supervisor,
    engines,
    statuses,
    startMessages,
    advanceClock: (ms: number) => {
      clock += ms;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('engine supervisor', () => {
  it('starts the engine on the preferred port with the secret and data dir', async () => {
    const { supervisor, startMessages } = harness(['ready']);
    const ready = await supervisor.start();
    expect(ready.uiUrl).toBe('http://127.0.0.1:4780/?token=a-secret-of-sufficient-length');
    expect(startMessages()).toEqual([
      { type: 'start', dataDir: '/data/station', uiPort: 4780, secret: 'a-secret-of-sufficient-length' },
    ]);
  });

  it('falls back to an OS-chosen port when the preferred one is taken, then keeps that port', async () => {
    const { supervisor, engines, startMessages, statuses } = harness(['port-taken', 'ready', 'ready']);
    const ready = await supervisor.start();
    expect(ready.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:40123\//);
    expect(startMessages().map((m) => m?.type === 'start' && m.uiPort)).toEqual([4780, 0]);

    engines[1]!.exit(139); // crash
    expect(statuses).toEqual([
      { state: 'restarting', attempt: 1, retryInMs: 500, reason: 'the engine stopped unexpectedly (exit code 139)' },
    ]);
    await vi.advanceTimersByTimeAsync(500);
    expect(engines).toHaveLength(3);
    // Same port and secret: the window's origin and cookie stay valid.
    expect(startMessages()[2]).toEqual({
      type: 'start',
      dataDir: '/data/station',
      uiPort: 40_123,
      secret: 'a-secret-of-sufficient-length',
    });
    expect(statuses.at(-1)).toEqual({ state: 'running' });
  });

  it('restarts with a growing, bounded delay and starts the sequence afresh after a stable run', async () => {
    const { supervisor, engines, statuses, advanceClock } = harness([
      'ready',
      'crash-on-load',
      'start-error',
      'ready',
      'ready',
    ]);
    await supervisor.start();
    engines[0]!.exit(1);
    await vi.advanceTimersByTimeAsync(500); // attempt 1: crashes while loading
    await vi.advanceTimersByTimeAsync(1_000); // attempt 2: reports an error
    await vi.advanceTimersByTimeAsync(2_000); // attempt 3: runs
    expect(statuses.map((s) => (s.state === 'restarting' ? s.retryInMs : s.state))).toEqual([500, 1_000, 2_000, 'running']);
    expect(statuses[2]).toMatchObject({ attempt: 3, reason: 'database is locked' });

    advanceClock(60_000); // it ran for a minute before dying again
    engines[3]!.exit(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'restarting', attempt: 1, retryInMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(statuses.at(-1)).toEqual({ state: 'running' });
    expect(restartDelay(30)).toBe(15_000);
  });

  it('treats an exit with code 0 that nobody asked for as a crash', async () => {
    const { supervisor, engines, statuses } = harness(['ready', 'ready']);
    await supervisor.start();
    engines[0]!.exit(0);
    expect(statuses).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(engines).toHaveLength(2);
  });

  it('gives up on the first start after the allowed attempts, with the engine’s reason', async () => {
    const { supervisor, engines } = harness(['start-error', 'start-error', 'start-error'], { initialAttempts: 3 });
    const started = supervisor.start();
    const outcome = expect(started).rejects.toThrow(new EngineStartError('database is locked'));
    await vi.advanceTimersByTimeAsync(500 + 1_000);
    await outcome;
    expect(engines).toHaveLength(3);
  });

  it('kills an engine that neither reports nor exits, and counts it as a failed start', async () => {
    const { supervisor, engines } = harness(['hang'], { initialAttempts: 1 });
    const outcome = expect(supervisor.start()).rejects.toThrow(/did not start within 10000 ms/);
    await vi.advanceTimersByTimeAsync(10_000);
    await outcome;
    expect(engines[0]!.killed).toBe(true);
  });

  it('waits for a failed engine to exit (its ports to close) before trying again, killing it after a grace', async () => {
    const { supervisor, engines } = harness(['error-then-linger', 'ready']);
    const started = supervisor.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(engines).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // grace over: killed, exits
    expect(engines[0]!.killed).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    await expect(started).resolves.toMatchObject({ type: 'ready' });
    expect(engines).toHaveLength(2);
  });

  it('stops gracefully and does not restart what it stopped', async () => {
    const { supervisor, engines, statuses } = harness(['ready']);
    await supervisor.start();
    await supervisor.stop();
    expect(engines[0]!.received.at(-1)).toEqual({ type: 'stop' });
    expect(engines[0]!.killed).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engines).toHaveLength(1);
    expect(statuses).toEqual([]);
  });

  it('kills an engine that does not stop in time', async () => {
    const { supervisor, engines } = harness(['ready']);
    await supervisor.start();
    vi.spyOn(engines[0]!, 'postMessage').mockImplementation(() => {}); // deaf to `stop`
    const stopped = supervisor.stop(3_000);
    await vi.advanceTimersByTimeAsync(3_000);
    await stopped;
    expect(engines[0]!.killed).toBe(true);
  });

  it('cancels a pending restart when stopped', async () => {
    const { supervisor, engines } = harness(['ready', 'ready']);
    await supervisor.start();
    engines[0]!.exit(1);
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engines).toHaveLength(1);
  });

  it('refuses malformed messages from the engine', async () => {
    const { supervisor, engines } = harness(['hang'], { initialAttempts: 1 });
    const started = supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    engines[0]!.emit('message', { type: 'ready', uiUrl: 'javascript:alert(1)', info: {} });
    engines[0]!.emit('message', 'ready');
    const outcome = expect(started).rejects.toThrow(/did not start/);
    await vi.advanceTimersByTimeAsync(10_000);
    await outcome;
  });
});

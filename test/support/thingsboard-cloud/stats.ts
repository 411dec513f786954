import { EventEmitter } from 'node:events';
import { type RouteName, routeNames } from './faults.ts';
import type { AppliedWrite } from './state.ts';

/** Counters that let a test prove "exactly once": requests by route, and writes the cloud actually applied. */
export class CloudStats {
  requests = emptyCounts();
  /** Status of every answer sent, e.g. "401/11", "200", "socket-destroyed". */
  answers: Array<{ route: RouteName; outcome: string }> = [];
  /** Each applied write, in order. */
  writes: AppliedWrite[] = [];
  private readonly events = new EventEmitter();

  countRequest(route: RouteName): void {
    this.requests[route] += 1;
    this.events.emit('change');
  }

  countAnswer(route: RouteName, outcome: string): void {
    this.answers.push({ route, outcome });
    this.events.emit('change');
  }

  countWrite(w: AppliedWrite): void {
    this.writes.push(w);
    this.events.emit('change');
  }

  /** How many times a device with this name was created (exactly-once means 1). */
  devicesCreatedNamed(name: string): number {
    return this.writes.filter((w) => w.kind === 'device' && w.name === name).length;
  }

  get devicesCreated(): number {
    return this.writes.filter((w) => w.kind === 'device').length;
  }

  get profilesCreated(): number {
    return this.writes.filter((w) => w.kind === 'profile').length;
  }

  get attributeWrites(): number {
    return this.writes.filter((w) => w.kind === 'attributes').length;
  }

  /** Telemetry points received in requests the cloud applied, repeats included. */
  get telemetryPointsReceived(): number {
    return this.writes.reduce((n, w) => n + (w.kind === 'telemetry' ? w.points : 0), 0);
  }

  /** Points the cloud stored for the first time: equals the distinct points it holds. */
  get telemetryPointsAdded(): number {
    return this.writes.reduce((n, w) => n + (w.kind === 'telemetry' ? w.added : 0), 0);
  }

  /** Answers with this outcome on this route, e.g. outcomesOf('saveAttributes', '401/11'). */
  outcomes(route: RouteName, outcome: string): number {
    return this.answers.filter((a) => a.route === route && a.outcome === outcome).length;
  }

  /** Resolves once `predicate` holds; re-checked on every counted event. A signal to wait on instead of sleeping. */
  until(predicate: (s: CloudStats) => boolean): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate(this)) return;
        this.events.off('change', check);
        resolve();
      };
      this.events.on('change', check);
    });
  }

  reset(): void {
    this.requests = emptyCounts();
    this.answers = [];
    this.writes = [];
  }
}

function emptyCounts(): Record<RouteName, number> {
  return Object.fromEntries(routeNames.map((r) => [r, 0])) as Record<RouteName, number>;
}

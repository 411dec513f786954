import { coapSlot } from './coap-device.ts';
import { mqttSlot } from './mqtt-device.ts';
import type { BurstLoad, ChildReport, DeviceSlot, SteadyLoad } from './types.ts';

function openSlot(load: SteadyLoad | BurstLoad): DeviceSlot {
  const open = load.protocol === 'mqtt' ? mqttSlot : coapSlot;
  return open(load.target, load.key, load.secret, load.timeoutMs);
}

function tally() {
  const errors = new Map<string, number>();
  const report: ChildReport = { succeeded: 0, failed: 0, latencies: [], requestLatencies: [], totalSucceeded: 0, errors: [], lastDoneAt: 0, cpuMs: 0 };
  const cpu = process.cpuUsage();
  return {
    report,
    error(message: string) {
      // Source ports differ per device; group the same failure.
      const shape = message.replace(/:\d+\b/g, ':PORT');
      errors.set(shape, (errors.get(shape) ?? 0) + 1);
    },
    finish(): ChildReport {
      report.errors = [...errors];
      const used = process.cpuUsage(cpu);
      report.cpuMs = (used.user + used.system) / 1000;
      return report;
    },
  };
}

/**
 * `load.concurrency` devices in flight from `startAt` on, each starting its next exchange as soon as one ends, until
 * the window closes; only exchanges ending inside [startAt + warm-up, + measure) count. Resolves once every
 * exchange in flight has ended.
 */
export function runSteady(load: SteadyLoad, startAt: number): Promise<ChildReport> {
  const windowStart = startAt + load.warmupMs;
  const windowEnd = windowStart + load.measureMs;
  const t = tally();
  let next = 0;
  return new Promise((resolve) => {
    let running = load.concurrency;
    if (running === 0) return resolve(t.finish());
    const begin = () => {
      for (let i = 0; i < load.concurrency; i++) {
        const slot = openSlot(load);
        const loop = () => {
          if (Date.now() >= windowEnd) {
            slot.close();
            if (--running === 0) resolve(t.finish());
            return;
          }
          const name = `${load.namePrefix}-${next++}`;
          const started = performance.now();
          slot.exchange(name, (error, requestMs) => {
            const now = Date.now();
            const counted = now >= windowStart && now < windowEnd;
            if (error === null) {
              t.report.totalSucceeded++;
              if (counted) {
                t.report.succeeded++;
                t.report.latencies.push(performance.now() - started);
                if (requestMs !== undefined) t.report.requestLatencies.push(requestMs);
              }
            } else {
              t.error(error);
              if (counted) t.report.failed++;
            }
            t.report.lastDoneAt = now;
            loop();
          });
        };
        loop();
      }
    };
    setTimeout(begin, Math.max(0, startAt - Date.now()));
  });
}

/** `load.devices` devices starting together at `startAt`, one exchange each. */
export function runBurst(load: BurstLoad, startAt: number): Promise<ChildReport> {
  const t = tally();
  return new Promise((resolve) => {
    let running = load.devices;
    if (running === 0) return resolve(t.finish());
    const begin = () => {
      const started = performance.now();
      for (let i = 0; i < load.devices; i++) {
        const slot = openSlot(load);
        slot.exchange(`${load.namePrefix}-${i}`, (error) => {
          if (error === null) {
            t.report.succeeded++;
            t.report.totalSucceeded++;
            t.report.latencies.push(performance.now() - started);
          } else {
            t.error(error);
            t.report.failed++;
          }
          t.report.lastDoneAt = Date.now();
          slot.close();
          if (--running === 0) resolve(t.finish());
        });
      }
    };
    setTimeout(begin, Math.max(0, startAt - Date.now()));
  });
}

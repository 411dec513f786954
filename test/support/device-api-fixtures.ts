import { spawn } from 'node:child_process';
import type { TestEngine } from './engine.ts';

// A profile, a batch and two devices with access tokens, for the device-API tests (attributes, RPC).

export const tokenA = 'device_a_token';
export const tokenB = 'device_b_token';

export async function addDevices(t: TestEngine): Promise<void> {
  await t.call('profiles.add', { name: 'sensors', provisionDeviceKey: 'sensorsKey', provisionDeviceSecret: 'sensorsSecret', strategy: 'check-pre-provisioned' });
  await t.call('batches.create', { name: 'plant-3', profile: 'sensors' });
  await t.call('devices.add', { profile: 'sensors', batch: 'plant-3', name: 'dev-a', token: tokenA });
  await t.call('devices.add', { profile: 'sensors', batch: 'plant-3', name: 'dev-b', token: tokenB });
}

export function deviceId(t: TestEngine, name: string): number {
  return t.engine.db.prepare('SELECT id FROM devices WHERE name = ?').pluck().get(name) as number;
}

/** A long-running client (mosquitto_sub, coap-client -s) whose output is watched line by line. */
export interface Watched {
  /** Resolves with the first output line matching, or rejects when the process ends first. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
}

export function watch(command: string, args: string[], killAfterMs = 15_000): Watched {
  // stdin stays an open pipe: mosquitto_sub with stdin on /dev/null stopped taking the station's publishes.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiting = new Set<{ pattern: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }>();
  const check = () => {
    for (const w of [...waiting]) {
      const found = `${stdout}\n${stderr}`.split('\n').find((l) => w.pattern.test(l));
      if (found !== undefined) {
        waiting.delete(w);
        w.resolve(found);
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    check();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      ended = true;
      check();
      for (const w of waiting) w.reject(new Error(`${command} ended without printing ${w.pattern}:\n${stdout}\n${stderr}`));
      waiting.clear();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    line: (pattern) =>
      new Promise((resolve, reject) => {
        waiting.add({ pattern, resolve, reject });
        check();
        if (ended && waiting.size > 0) {
          waiting.clear();
          reject(new Error(`${command} ended without printing ${pattern}:\n${stdout}\n${stderr}`));
        }
      }),
    exited,
    kill: () => child.kill('SIGTERM'),
  };
}

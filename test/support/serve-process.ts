import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../electron/station/paths.ts';

/** One `NAME  listening on ADDR:PORT  URL` line of `fieldstation serve`. */
export interface ServedListener {
  name: string;
  address: string;
  port: number;
  url: string;
}

export interface ServeOptions {
  dataDir: string;
  /** Defaults to 0 (a free port). Pass the previous run's port to restart on the same UI address. */
  uiPort?: number;
  httpPort?: number;
  mqttPort?: number;
  coapPort?: number;
  httpsPort?: number;
  mqttsPort?: number;
  /** Extra CLI arguments after the port options (`--bind 127.0.0.1`). */
  args?: readonly string[];
  /** Added to the environment (e.g. `FIELDSTATION_UI_SECRET`). */
  env?: Record<string, string>;
  /** Runs the station through this command, e.g. `['ip', 'netns', 'exec', NS]` (which execs it: same pid). */
  prefix?: readonly string[];
  /** How long to wait for the UI line; default 20 s. */
  readyTimeoutMs?: number;
}

export interface ServeProcess {
  /** The printed UI link, with `?token=`. */
  uiUrl: string;
  /** The admin API's origin, e.g. `http://127.0.0.1:4780`. */
  baseUrl: string;
  /** The run's admin secret (the token of the UI link). */
  secret: string;
  /** Port per listener name: `ports.ui`, `ports.http`, … (absent when that listener is not running). */
  ports: Record<string, number>;
  listeners: ServedListener[];
  dataDir: string;
  process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; idempotent. */
  stop(graceMs?: number): Promise<void>;
}

// From the package root, so this also works bundled into dist/bench.mjs.
const bin = join(packageRoot, 'bin', 'fieldstation.js');
const listenerLine = /^(\w+)\s+listening on (\S+):(\d+)\s+(\S+)\s*$/;
const uiLine = /Open the UI: (\S+)/;
const running = new Set<ChildProcess>();

// A test that crashes must not leave stations holding ports behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns `node bin/fieldstation.js serve` (run `npm run build` first) and resolves once it printed its UI link. */
export function startServe(options: ServeOptions): Promise<ServeProcess> {
  const port = (n: number | undefined) => String(n ?? 0);
  const args = [
    bin,
    'serve',
    '--data',
    options.dataDir,
    '--ui-port',
    port(options.uiPort),
    '--http-port',
    port(options.httpPort),
    '--mqtt-port',
    port(options.mqttPort),
    '--coap-port',
    port(options.coapPort),
    '--https-port',
    port(options.httpsPort),
    '--mqtts-port',
    port(options.mqttsPort),
    ...(options.args ?? []),
  ];
  const [command, ...argv] = [...(options.prefix ?? []), process.execPath, ...args];
  const child = spawn(command!, argv, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const listeners: ServedListener[] = [];
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 5000) => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  return new Promise<ServeProcess>((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      void stop(1000);
      reject(new Error(`fieldstation serve printed no UI link within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const l = listenerLine.exec(line.trim());
        if (l) listeners.push({ name: l[1]!, address: l[2]!, port: Number(l[3]), url: l[4]! });
        const ui = uiLine.exec(line);
        if (!ui) continue;
        clearTimeout(timer);
        const uiUrl = new URL(ui[1]!);
        resolve({
          uiUrl: uiUrl.href,
          baseUrl: uiUrl.origin,
          secret: uiUrl.searchParams.get('token') ?? '',
          ports: Object.fromEntries(listeners.map((x) => [x.name, x.port])),
          listeners: [...listeners],
          dataDir: options.dataDir,
          process: child,
          output: () => output,
          exited,
          stop,
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fieldstation serve exited (code ${code}) before printing its UI link:\n${output}`));
    });
  });
}

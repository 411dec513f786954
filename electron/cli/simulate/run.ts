import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { provisionBody } from './answer.ts';
import { coapClient } from './coap.ts';
import type { Follower } from './follow-handover.ts';
import { followOverHttp } from './follow-http.ts';
import { followOverMqtt } from './follow-mqtt.ts';
import { httpClient } from './http.ts';
import { mqttClient } from './mqtt.ts';
import { createPhaseStats, ratePerSecond } from './stats.ts';
import {
  type DeviceCredentials,
  type DeviceResult,
  defaultSimPorts,
  type HandoverFollowSummary,
  type ProtocolClient,
  type ProvisionStatus,
  type SimCredentials,
  type SimProtocol,
  type SimTarget,
  type SimulationOptions,
  type SimulationSummary,
  type TelemetrySummary,
} from './types.ts';

export const defaultConcurrency = 32;
export const defaultTimeoutMs = 15_000;

const clients: Record<SimProtocol, (target: SimTarget) => ProtocolClient> = { http: httpClient, mqtt: mqttClient, coap: coapClient };

/** A fresh name prefix per run, so two rehearsals against one station never collide on device names. */
export function randomNamePrefix(): string {
  return `sim-${randomBytes(3).toString('hex')}`;
}

/** Why telemetry cannot be sent with these credentials over this protocol, or null when it can. */
export function telemetryProblem(protocol: SimProtocol, credentials: SimCredentials): string | null {
  if (credentials === 'x509') return 'X.509 devices send telemetry over TLS, which the simulator does not speak; drop --telemetry';
  if (credentials === 'mqtt-basic' && protocol !== 'mqtt') {
    return `MQTT_BASIC credentials only log in over MQTT; ThingsBoard's ${protocol.toUpperCase()} API takes access tokens`;
  }
  return null;
}

/**
 * Provisions `devices` simulated devices against a station with at most `concurrency` in flight, then (optionally)
 * sends one telemetry message per provisioned device with the credentials it was given. Never throws for what the
 * station answers: every outcome is counted in the summary.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? defaultSimPorts[options.protocol];
  const concurrency = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency, options.devices));
  const credentials = options.credentials ?? 'access-token';
  const namePrefix = options.namePrefix ?? randomNamePrefix();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const client = clients[options.protocol]({ host, port });
  const problem = options.telemetry ? telemetryProblem(options.protocol, credentials) : null;
  if (problem !== null) throw new Error(problem);
  const followProblem = options.followHandover ? handoverProblem(options.protocol, credentials) : null;
  if (followProblem !== null) throw new Error(followProblem);

  const outcomes: SimulationSummary['outcomes'] = { SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, errors: 0 };
  const provisioned: (DeviceCredentials | null)[] = new Array(options.devices).fill(null);
  const stats = createPhaseStats();
  let answered = 0;

  const started = performance.now();
  await inPool(options.devices, concurrency, async (index) => {
    const name = `${namePrefix}-${index}`;
    const body = provisionBody(options.key, options.secret, name, credentials);
    const t0 = performance.now();
    let result: DeviceResult;
    try {
      const answer = await client.provision(body, timeoutMs);
      result = { index, name, outcome: answer.status, credentials: answer.credentials, latencyMs: performance.now() - t0 };
      stats.record(result.latencyMs);
    } catch (err) {
      const error = messageOf(err);
      result = { index, name, outcome: 'error', credentials: null, latencyMs: performance.now() - t0, error };
      stats.error(error);
    }
    if (result.outcome === 'error') outcomes.errors++;
    else outcomes[result.outcome as ProvisionStatus]++;
    provisioned[index] = result.credentials;
    answered++;
    options.onResult?.(result);
    options.onProgress?.({ phase: 'provision', done: answered, total: options.devices });
  });
  const durationMs = performance.now() - started;

  const telemetry = options.telemetry ? await sendTelemetry(client, provisioned, concurrency, timeoutMs, options) : null;
  const handover = options.followHandover
    ? await followHandover(followers[options.protocol]!, { host, port }, provisioned, options.followHandover, options)
    : null;
  const succeeded = outcomes.SUCCESS;
  return {
    protocol: options.protocol,
    host,
    port,
    devices: options.devices,
    concurrency,
    credentials,
    namePrefix,
    succeeded,
    failed: options.devices - succeeded,
    outcomes,
    durationMs: Math.round(durationMs),
    rate: ratePerSecond(answered, durationMs),
    latencyMs: stats.latency(),
    errors: stats.errors(),
    telemetry,
    handover,
    ok:
      succeeded === options.devices &&
      (telemetry === null || telemetry.acknowledged === options.devices) &&
      (handover === null || handover.accepted === options.devices),
  };
}

async function sendTelemetry(
  client: ProtocolClient,
  provisioned: readonly (DeviceCredentials | null)[],
  concurrency: number,
  timeoutMs: number,
  options: SimulationOptions,
): Promise<TelemetrySummary> {
  const devices = provisioned.flatMap((c, index) => (c ? [{ index, credentials: c }] : []));
  const stats = createPhaseStats();
  let acknowledged = 0;
  let done = 0;
  const started = performance.now();
  await inPool(devices.length, concurrency, async (i) => {
    const { index, credentials } = devices[i]!;
    const payload = JSON.stringify({ simulated: true, device: index, temperature: 20 + (index % 10) });
    const t0 = performance.now();
    try {
      await client.telemetry(credentials, payload, timeoutMs);
      stats.record(performance.now() - t0);
      acknowledged++;
    } catch (err) {
      stats.error(messageOf(err));
    }
    options.onProgress?.({ phase: 'telemetry', done: ++done, total: devices.length });
  });
  const durationMs = performance.now() - started;
  return {
    sent: devices.length,
    acknowledged,
    failed: devices.length - acknowledged,
    durationMs: Math.round(durationMs),
    rate: ratePerSecond(devices.length, durationMs),
    latencyMs: stats.latency(),
    errors: stats.errors(),
  };
}

const followers: Partial<Record<SimProtocol, Follower>> = { mqtt: followOverMqtt, http: followOverHttp };

/** Why these devices cannot follow a hand-over, or null when they can. */
export function handoverProblem(protocol: SimProtocol, credentials: SimCredentials): string | null {
  if (!followers[protocol]) return 'devices follow a hand-over over MQTT or HTTP; CoAP observe is not simulated';
  return telemetryProblem(protocol, credentials);
}

/** Every provisioned device waits for its hand-over at once (they are all powered on at the site). */
async function followHandover(
  follow: Follower,
  station: SimTarget,
  provisioned: readonly (DeviceCredentials | null)[],
  settings: NonNullable<SimulationOptions['followHandover']>,
  options: SimulationOptions,
): Promise<HandoverFollowSummary> {
  const devices = provisioned.flatMap((c, index) => (c ? [{ index, credentials: c }] : []));
  const stats = createPhaseStats();
  const deadline = Date.now() + settings.timeoutMs;
  let moved = 0;
  let accepted = 0;
  let done = 0;
  const started = performance.now();
  await inPool(devices.length, devices.length, async (i) => {
    const { index, credentials } = devices[i]!;
    const payload = JSON.stringify({ simulated: true, device: index, at: 'cloud' });
    try {
      const r = await follow(station, credentials, { names: settings.names, deadline, payload });
      if (r.moved) moved++;
      if (r.accepted) accepted++;
      else stats.error(r.error ?? 'not accepted by the cloud');
    } catch (err) {
      stats.error(messageOf(err));
    }
    options.onProgress?.({ phase: 'handover', done: ++done, total: devices.length });
  });
  return { followed: devices.length, moved, accepted, durationMs: Math.round(performance.now() - started), errors: stats.errors() };
}

/** Runs `work(0..count-1)` with at most `concurrency` at a time; `work` must not throw. */
async function inPool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return messageOf(err.errors[0]);
  if (err instanceof Error) return err.message || err.name || (err as NodeJS.ErrnoException).code || 'error';
  return String(err);
}

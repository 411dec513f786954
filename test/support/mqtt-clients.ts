import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { createMqttTransport, type MqttTransportOptions } from '../../electron/station/transports/mqtt.ts';
import { openTestEngine, type TestEngine } from './engine.ts';

// Real MQTT peers for the tests: mosquitto's command-line tools, Eclipse Paho (Python) and mqtt.js.

export const provisionKey = 'testProvisionKey';
export const provisionSecret = 'testProvisionSecret';
export const pahoScript = fileURLToPath(new URL('./paho_client.py', import.meta.url));

export interface MqttStation {
  t: TestEngine;
  port: number;
  transport: ReturnType<typeof createMqttTransport>;
  logs: string[];
  close(): Promise<void>;
}

/** A real engine behind a real MQTT transport on 127.0.0.1; `withProfile` adds the allow-create test profile. */
export async function startMqttStation(options: Partial<MqttTransportOptions> & { withProfile?: boolean } = {}): Promise<MqttStation> {
  const { withProfile = true, ...transportOptions } = options;
  const t = openTestEngine();
  const logs: string[] = [];
  const transport = createMqttTransport({ host: '127.0.0.1', port: 0, service: t.service, deviceApi: t.engine.deviceApi, log: (l) => logs.push(l), ...transportOptions });
  const { port } = await transport.listen();
  if (withProfile) {
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: provisionKey, provisionDeviceSecret: provisionSecret, strategy: 'allow-create' });
  }
  return {
    t,
    port,
    transport,
    logs,
    async close() {
      await transport.close();
      await t.close();
    },
  };
}

export function runTool(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const mosquittoPub = (port: number, args: string[]) => runTool('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args]);
export const mosquittoSub = (port: number, args: string[]) => runTool('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), ...args]);

export type PahoEvent = { event: string; rc?: number; granted?: number[]; topic?: string; qos?: number; payload?: string };

/** Runs the scripted Paho device (test/support/paho_client.py) and returns the events it printed. */
export async function paho(port: number, args: string[], timeoutS = 10): Promise<PahoEvent[]> {
  const argv = [pahoScript, '--port', String(port), '--timeout', String(timeoutS), ...args];
  const { stdout, stderr } = await runTool('/usr/bin/python3', argv, (timeoutS + 5) * 1000);
  const events = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PahoEvent);
  if (events.length === 0) throw new Error(`paho printed nothing: ${stderr}`);
  return events;
}

/** One provisioning request as a Paho `provision` session; resolves with the answer's exact payload. */
export async function pahoProvision(port: number, request: object): Promise<string> {
  const events = await paho(port, ['--username', 'provision', '--subscribe', '/provision/response@1', '--publish', '/provision/request', JSON.stringify(request), '--count', '1']);
  const answer = events.find((e) => e.event === 'message');
  if (!answer?.payload) throw new Error(`no provisioning answer: ${JSON.stringify(events)}`);
  return answer.payload;
}

export function connectJs(port: number, options: mqtt.IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
}

/** The SUBACK return codes for one SUBSCRIBE packet (mqtt.js rejects a failure code, the packet rides on the error). */
export function subackCodes(client: MqttClient, topics: string[], qos: 0 | 1 | 2 = 1): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(topics, { qos }, (err, _granted, packet) => {
      if (packet && 'granted' in packet) resolve(packet.granted.map(Number));
      else reject(err ?? new Error('no SUBACK'));
    });
  });
}

export function firstMessage(client: MqttClient, ms = 5000): Promise<{ topic: string; payload: string; qos: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message arrived')), ms);
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, payload: payload.toString('utf8'), qos: packet.qos });
    });
  });
}

export function closed(client: MqttClient, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.disconnected) return resolve();
    const timer = setTimeout(() => reject(new Error('the session was not closed')), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

import { Agent, request as coapRequest } from 'coap';
import mqtt from 'mqtt';
import type { Ports } from './station.ts';

// Devices of the soak, each a raw client of the unchanged ThingsBoard API: HTTP (fetch), MQTT (mqtt.js), CoAP
// (node-coap). They run at modest, paced rates (the machine is shared) and never give up when the station is down:
// a refused or cut request is simply not a SUCCESS, and the device tries again later, as firmware does.

export interface Told {
  credentialsType: 'ACCESS_TOKEN' | 'MQTT_BASIC';
  /** The credentials value exactly as answered (MQTT_BASIC: the object, as JSON). */
  credentialsValue: string;
  via: 'http' | 'mqtt' | 'coap';
}

export interface TrafficCounts {
  attempts: Record<'http' | 'mqtt' | 'coap' | 'token', number>;
  successes: Record<'http' | 'mqtt' | 'coap' | 'token', number>;
  /** Requests that got no answer (station down, cut mid-flight, timeout). */
  unanswered: number;
  telemetryOk: number;
  attributesOk: number;
  /** A device told SUCCESS whose credentials the station later refused (401): always a violation. */
  refusedAfterSuccess: string[];
}

export interface Traffic {
  /** Every device told SUCCESS, by name. */
  told: Map<string, Told>;
  /** SUCCESS answers per onboarding-token key. */
  tokenSuccesses: Map<string, number>;
  counts: TrafficCounts;
  stop(): Promise<void>;
}

export interface TrafficOptions {
  ports: Ports;
  key: string;
  secret: string;
  tokens: Array<{ key: string; secret: string }>;
  random: () => number;
  /** Mean pause between one loop's requests; each loop is one device at a time. */
  paceMs: number;
}

const answerTimeoutMs = 5000;

export function startTraffic(o: TrafficOptions): Traffic {
  const told = new Map<string, Told>();
  const tokenSuccesses = new Map<string, number>();
  const zero = () => ({ http: 0, mqtt: 0, coap: 0, token: 0 });
  const counts: TrafficCounts = { attempts: zero(), successes: zero(), unanswered: 0, telemetryOk: 0, attributesOk: 0, refusedAfterSuccess: [] };
  let running = true;
  let n = 0;
  const pause = () => new Promise<void>((r) => setTimeout(r, o.paceMs * (0.5 + o.random())));
  const base = `http://127.0.0.1:${o.ports.http}`;

  const provisioned = (name: string, via: Told['via'], reply: Record<string, unknown> | null, counted: keyof TrafficCounts['successes']) => {
    if (reply?.status !== 'SUCCESS') return false;
    const value = reply.credentialsValue;
    told.set(name, {
      credentialsType: reply.credentialsType as Told['credentialsType'],
      credentialsValue: typeof value === 'string' ? value : JSON.stringify(value),
      via,
    });
    counts.successes[counted] += 1;
    return true;
  };

  const loops: Array<() => Promise<void>> = [
    async function httpDevices() {
      const name = `soak-http-${n++}`;
      counts.attempts.http += 1;
      const reply = await postJson(`${base}/api/v1/provision`, { provisionDeviceKey: o.key, provisionDeviceSecret: o.secret, deviceName: name, token: `${name}-token` });
      if (reply === null) counts.unanswered += 1;
      provisioned(name, 'http', reply, 'http');
    },
    async function mqttDevices() {
      const name = `soak-mqtt-${n++}`;
      counts.attempts.mqtt += 1;
      const credentials = { credentialsType: 'MQTT_BASIC', clientId: `${name}-id`, username: `${name}-user`, password: `${name}-pw` };
      const reply = await mqttProvision(o.ports.mqtt, { provisionDeviceKey: o.key, provisionDeviceSecret: o.secret, deviceName: name, ...credentials });
      if (reply === null) counts.unanswered += 1;
      provisioned(name, 'mqtt', reply, 'mqtt');
    },
    async function coapDevices() {
      const name = `soak-coap-${n++}`;
      counts.attempts.coap += 1;
      const reply = await coapProvision(o.ports.coap, { provisionDeviceKey: o.key, provisionDeviceSecret: o.secret, deviceName: name });
      if (reply === null) counts.unanswered += 1;
      provisioned(name, 'coap', reply, 'coap');
    },
    async function tokenDevices() {
      const token = o.tokens[Math.floor(o.random() * o.tokens.length)]!;
      const name = `soak-token-${n++}`;
      counts.attempts.token += 1;
      const reply = await postJson(`${base}/api/v1/provision`, { provisionDeviceKey: token.key, provisionDeviceSecret: token.secret, deviceName: name });
      if (reply === null) counts.unanswered += 1;
      if (provisioned(name, 'http', reply, 'token')) tokenSuccesses.set(token.key, (tokenSuccesses.get(token.key) ?? 0) + 1);
    },
    async function deviceTraffic() {
      // A device already told SUCCESS sends telemetry or client attributes with its access token.
      const withTokens = [...told].filter(([, t]) => t.credentialsType === 'ACCESS_TOKEN');
      if (withTokens.length === 0) return;
      const [name, t] = withTokens[Math.floor(o.random() * withTokens.length)]!;
      const resource = o.random() < 0.5 ? 'telemetry' : 'attributes';
      const body = resource === 'telemetry' ? { temperature: Math.round(o.random() * 400) / 10 } : { firmware: `1.${n++ % 10}` };
      const status = await post(`${base}/api/v1/${encodeURIComponent(t.credentialsValue)}/${resource}`, body);
      if (status === 200) counts[resource === 'telemetry' ? 'telemetryOk' : 'attributesOk'] += 1;
      if (status === 401) counts.refusedAfterSuccess.push(name);
    },
  ];

  const running$ = loops.map(async (step) => {
    while (running) {
      await step().catch(() => {
        counts.unanswered += 1;
      });
      await pause();
    }
  });

  return {
    told,
    tokenSuccesses,
    counts,
    async stop() {
      running = false;
      await Promise.all(running$);
    },
  };
}

async function post(url: string, body: object): Promise<number | null> {
  try {
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(answerTimeoutMs) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return null;
  }
}

async function postJson(url: string, body: object): Promise<Record<string, unknown> | null> {
  try {
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(answerTimeoutMs) });
    return (await r.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** One MQTT provision session (username `provision`), answer on /provision/response; null when none came. */
function mqttProvision(port: number, request: object): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, username: 'provision', reconnectPeriod: 0, connectTimeout: answerTimeoutMs });
    let finished = false;
    const done = (value: Record<string, unknown> | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      client.end(true);
      resolve(value);
    };
    const timer = setTimeout(() => done(null), answerTimeoutMs);
    client.on('error', () => done(null));
    client.on('close', () => done(null));
    client.on('message', (_topic, payload) => {
      try {
        done(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
      } catch {
        done(null);
      }
    });
    client.on('connect', () => {
      // mqtt.js calls back even after the session ended (station killed meanwhile): publishing then throws.
      client.subscribe('/provision/response', { qos: 1 }, (err) => {
        if (err || finished) return done(null);
        client.publish('/provision/request', JSON.stringify(request), { qos: 1 }, () => {});
      });
    });
  });
}

/** One CoAP provisioning request on its own agent (closed after), bounded by our own timer, not the exchange lifetime. */
function coapProvision(port: number, request: object): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const agent = new Agent({ type: 'udp4' });
    let finished = false;
    const done = (value: Record<string, unknown> | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // node-coap: never close or start requests inside a response handler (DESIGN.md pitfalls).
      setImmediate(() => agent.close());
      resolve(value);
    };
    const timer = setTimeout(() => done(null), answerTimeoutMs);
    const req = coapRequest({ hostname: '127.0.0.1', port, pathname: '/api/v1/provision', method: 'POST', agent });
    req.on('response', (res) => {
      try {
        done(JSON.parse(res.payload.toString('utf8')) as Record<string, unknown>);
      } catch {
        done(null);
      }
    });
    req.on('error', () => done(null));
    req.end(Buffer.from(JSON.stringify(request)));
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { sha3Hex } from './credentials.ts';
import type { StoredCredentials, TenantState } from './state.ts';

// The cloud's device side, for the hand-over tests: a device that moved from the station connects here with the
// same credentials and must be accepted. ThingsBoard's MQTT transport (MqttTransportHandler.processConnect,
// DefaultTransportApiService.validateCredentials) and its HTTP device API (DeviceApiController), reduced to login,
// telemetry and client attributes. Same tenant state as the REST side: only devices sync created are known.

export interface CloudDeviceActivity {
  /** Accepted MQTT CONNECTs. */
  connects: number;
  telemetry: { ts: number; values: Record<string, unknown> }[];
  clientAttributes: Record<string, unknown>;
  lastConnectTime: number | null;
}

export interface CloudDeviceApi {
  readonly mqttPort: number;
  /** Per cloud device id. */
  readonly activity: Map<string, CloudDeviceActivity>;
  /** Refused logins (unknown credentials), by the user name they presented. */
  readonly refused: string[];
  /** Answers `/api/v1/{token}/…` on the cloud's HTTP port; false when the path is not the device API. */
  handleHttp(req: IncomingMessage, res: ServerResponse, path: string, body: string): boolean;
  close(): Promise<void>;
}

const devicePath = /^\/api\/v1\/([^/]+)\/(telemetry|attributes)$/;

export async function startCloudDeviceApi(state: TenantState, now: () => number): Promise<CloudDeviceApi> {
  const activity = new Map<string, CloudDeviceActivity>();
  const refused: string[] = [];
  const of = (deviceId: string) => {
    let a = activity.get(deviceId);
    if (!a) {
      a = { connects: 0, telemetry: [], clientAttributes: {}, lastConnectTime: null };
      activity.set(deviceId, a);
    }
    return a;
  };

  function byToken(token: string): StoredCredentials | undefined {
    const c = state.credentialsByCredentialsId(token);
    return c?.credentialsType === 'ACCESS_TOKEN' ? c : undefined;
  }

  /** validateCredentials: MQTT_BASIC by clientId|userName, userName alone, clientId alone; then the token. */
  function mqttLogin(clientId: string, username: string | undefined, password: string | undefined): StoredCredentials | undefined {
    const ids = [username && clientId ? sha3Hex(`${clientId}|${username}`) : null, username ?? null, clientId ? sha3Hex(clientId) : null];
    for (const id of ids) {
      if (id === null) continue;
      const c = state.credentialsByCredentialsId(id);
      if (c?.credentialsType !== 'MQTT_BASIC') continue;
      const stored = JSON.parse(c.credentialsValue ?? '{}') as { password: string | null };
      if ((stored.password ?? undefined) === (password || undefined)) return c;
    }
    return username ? byToken(username) : undefined;
  }

  function record(deviceId: string, topic: 'telemetry' | 'attributes', payload: string): void {
    const json = JSON.parse(payload) as unknown;
    const a = of(deviceId);
    if (topic === 'attributes') Object.assign(a.clientAttributes, json);
    else for (const item of Array.isArray(json) ? json : [json]) {
      const o = item as Record<string, unknown>;
      if ('ts' in o && 'values' in o) a.telemetry.push({ ts: o.ts as number, values: o.values as Record<string, unknown> });
      else a.telemetry.push({ ts: now(), values: o });
    }
  }

  const deviceOf = new WeakMap<object, string>();
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const c = mqttLogin(client.id, username, password?.toString('utf8'));
      if (!c) {
        refused.push(username ?? client.id);
        return done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), false);
      }
      deviceOf.set(client, c.deviceId);
      const a = of(c.deviceId);
      a.connects++;
      a.lastConnectTime = now();
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const deviceId = client ? deviceOf.get(client) : undefined;
      const topic = packet.topic === 'v1/devices/me/telemetry' ? 'telemetry' : packet.topic === 'v1/devices/me/attributes' ? 'attributes' : null;
      if (!deviceId || !topic) return done(null);
      try {
        record(deviceId, topic, packet.payload.toString());
        done(null);
      } catch (err) {
        done(err as Error);
      }
    },
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const mqttPort = (server.address() as { port: number }).port;

  return {
    mqttPort,
    activity,
    refused,
    handleHttp(req, res, path, body) {
      const m = devicePath.exec(path);
      if (!m || req.method !== 'POST') return false;
      const c = byToken(decodeURIComponent(m[1]!));
      // DeviceApiController answers an unknown token with 401 and no body.
      if (!c) {
        refused.push(m[1]!);
        res.writeHead(401, { 'content-length': 0 }).end();
        return true;
      }
      try {
        record(c.deviceId, m[2] as 'telemetry' | 'attributes', body);
      } catch {
        res.writeHead(400, { 'content-length': 0 }).end();
        return true;
      }
      of(c.deviceId).lastConnectTime = now();
      res.writeHead(200, { 'content-length': 0 }).end();
      return true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

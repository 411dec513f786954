import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { exchange, parseAnswer } from './answer.ts';
import type { DeviceCredentials, ProtocolClient, ProvisionAnswer, SimTarget } from './types.ts';

// ThingsBoard's MqttTopics.
const requestTopic = '/provision/request';
const responseTopic = '/provision/response';
const telemetryTopic = 'v1/devices/me/telemetry';

/**
 * A device speaking ThingsBoard's MQTT device API (3.1.1, as the station's aedes broker does): every exchange is
 * the device's own connection, opened and closed around it.
 */
export function mqttClient(target: SimTarget): ProtocolClient {
  const connect = (options: IClientOptions): MqttClient => connectDevice(target, options);

  return {
    provision(body, timeoutMs) {
      return exchange<ProvisionAnswer>('MQTT provision', timeoutMs, (x) => {
        // Username `provision` marks a provision session (MqttTransportHandler.processConnect).
        const client = connect({ username: 'provision', clientId: body.deviceName, connectTimeout: timeoutMs });
        client.on('connect', () => {
          // As ThingsBoard's sample device does: subscribe, then publish without waiting for the SUBACK.
          client.subscribe(responseTopic, { qos: 1 });
          client.publish(requestTopic, JSON.stringify(body), { qos: 1 });
        });
        client.on('message', (topic, payload) => {
          if (topic !== responseTopic) return;
          try {
            x.ok(parseAnswer(payload.toString('utf8')));
          } catch (err) {
            x.fail(err);
          }
        });
        watchFailures(client, x.fail, 'the station closed the provision session before answering');
        return () => hangUp(client);
      });
    },

    telemetry(credentials, payload, timeoutMs) {
      return exchange<void>('MQTT telemetry', timeoutMs, (x) => {
        const client = connect({ ...deviceLogin(credentials), connectTimeout: timeoutMs });
        client.on('connect', () => {
          // The PUBACK follows the station's commit: acknowledged means stored.
          client.publish(telemetryTopic, payload, { qos: 1 }, (err) => (err ? x.fail(err) : x.ok()));
        });
        watchFailures(client, x.fail, 'the station closed the device session before acknowledging telemetry');
        return () => hangUp(client);
      });
    },
  };
}

/** A simulated device's own MQTT 3.1.1 connection (as the station's aedes speaks it), never reconnecting by itself. */
export function connectDevice(target: SimTarget, options: IClientOptions): MqttClient {
  return mqtt.connect({
    host: target.host,
    port: target.port,
    protocol: 'mqtt',
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    keepalive: 60,
    ...options,
  });
}

/** First-contact login: the access token as user name, or MQTT_BASIC's three fields (PROVISIONING.md). */
export function deviceLogin(credentials: DeviceCredentials): IClientOptions {
  switch (credentials.type) {
    case 'ACCESS_TOKEN':
      return { username: credentials.value, clientId: anyClientId() };
    case 'MQTT_BASIC':
      return {
        clientId: credentials.value.clientId || anyClientId(),
        ...(credentials.value.userName ? { username: credentials.value.userName } : {}),
        ...(credentials.value.password ? { password: credentials.value.password } : {}),
      };
    case 'X509_CERTIFICATE':
      throw new Error('X.509 devices connect over TLS (mqtts), which the simulator does not speak');
  }
}

/** Access-token devices may use any client id; ThingsBoard ignores it. */
const anyClientId = () => `sim-${randomBytes(6).toString('hex')}`;

function watchFailures(client: MqttClient, fail: (err: unknown) => void, closedMessage: string): void {
  // CONNACK refusals and socket errors; mqtt.js also emits 'close' afterwards.
  client.on('error', fail);
  client.on('close', () => fail(new Error(closedMessage)));
}

/** Sends DISCONNECT once the acknowledgement of the answer has gone out; a dead connection is just dropped. */
function hangUp(client: MqttClient): void {
  client.removeAllListeners('close');
  client.removeAllListeners('message');
  client.on('error', () => {});
  setImmediate(() => {
    if (client.connected) client.end();
    else client.end(true);
  });
}

import type { MqttClient } from 'mqtt';
import { endpointIn, type Follower, type FollowOptions, pause } from './follow-handover.ts';
import { connectDevice, deviceLogin } from './mqtt.ts';
import type { DeviceCredentials, SimTarget } from './types.ts';

// ThingsBoard's MqttTopics.
const attributesTopic = 'v1/devices/me/attributes';
const responsePrefix = 'v1/devices/me/attributes/response/';

function connect(target: SimTarget, credentials: DeviceCredentials): MqttClient {
  return connectDevice(target, { connectTimeout: 5000, keepalive: 30, ...deviceLogin(credentials) });
}

/**
 * One session at the station until the endpoint arrives: subscribe to attribute updates and ask for the current
 * ones (a device that connects after the hand-over was set finds it in the answer). Resolves with the endpoint, or
 * null when the session ended first (the station restarted): the caller connects again, as firmware does.
 */
function awaitEndpoint(station: SimTarget, credentials: DeviceCredentials, o: FollowOptions): Promise<SimTarget | null> {
  return new Promise((resolve) => {
    const client = connect(station, credentials);
    const shared: Record<string, unknown> = {};
    const finish = (endpoint: SimTarget | null) => {
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => {});
      if (endpoint === null) return void client.end(true, () => resolve(null));
      // The acknowledgement goes to the station before the device leaves: PUBACK means it is committed there.
      const ack = JSON.stringify({ [o.names.confirmKey]: endpoint.host });
      client.on('close', () => resolve(null));
      client.publish(attributesTopic, ack, { qos: 1 }, (err) => {
        client.removeAllListeners('close');
        client.end(false, () => resolve(err ? null : endpoint));
      });
    };
    const timer = setTimeout(() => finish(null), Math.max(0, o.deadline - Date.now()));
    client.on('connect', () => {
      // Ask only once subscribed (as ThingsBoard's docs advise): a change between an early answer and the
      // subscription taking effect would otherwise reach the device by neither.
      client.subscribe([attributesTopic, `${responsePrefix}+`], { qos: 1 }, (err) => {
        if (err) return finish(null);
        const keys = [o.names.host, o.names.mqttPort].join(',');
        client.publish('v1/devices/me/attributes/request/1', JSON.stringify({ sharedKeys: keys }), { qos: 1 });
      });
    });
    client.on('message', (topic, payload) => {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      } catch {
        return;
      }
      // An answer carries {client, shared}; an update is the changed shared keys themselves (JsonConverter.toJson).
      Object.assign(shared, topic.startsWith(responsePrefix) ? ((json.shared as Record<string, unknown> | undefined) ?? {}) : json);
      const endpoint = endpointIn(shared, o.names, 'mqtt');
      if (endpoint) finish(endpoint);
    });
    client.on('error', () => finish(null));
    client.on('close', () => finish(null));
  });
}

/** At the cloud: log in with the same credentials and report once; PUBACK means the cloud took it. */
function reportAt(cloud: SimTarget, credentials: DeviceCredentials, payload: string, deadline: number): Promise<string | null> {
  return new Promise((resolve) => {
    const client = connect(cloud, credentials);
    const done = (error: string | null) => {
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(error !== null, () => resolve(error));
    };
    const timer = setTimeout(() => done('the cloud did not answer in time'), Math.max(0, deadline - Date.now()));
    client.on('connect', () => client.publish('v1/devices/me/telemetry', payload, { qos: 1 }, (err) => done(err ? err.message : null)));
    client.on('error', (err) => done(`the cloud refused the device: ${err.message}`));
    client.on('close', () => done('the cloud closed the connection'));
  });
}

export const followOverMqtt: Follower = async (station, credentials, o) => {
  let endpoint: SimTarget | null = null;
  while (endpoint === null && Date.now() < o.deadline) {
    endpoint = await awaitEndpoint(station, credentials, o);
    if (endpoint === null) await pause(500, o.deadline);
  }
  if (endpoint === null) return { moved: false, accepted: false, endpoint: null, error: 'no hand-over reached the device in time' };
  const error = await reportAt(endpoint, credentials, o.payload, o.deadline);
  return { moved: true, accepted: error === null, endpoint, ...(error === null ? {} : { error }) };
};

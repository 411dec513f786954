import { connect } from 'node:net';
import { notSuccess, provisionBody } from './answer.ts';
import {
  connectPacket,
  disconnectPacket,
  mqttReader,
  packetType,
  provisionRequestTopic,
  provisionResponseTopic,
  publishPacket,
  pubackPacket,
  readPublish,
} from './mqtt-wire.ts';
import type { DeviceSlot, LoadTarget } from './types.ts';

// A server that has not closed by then after DISCONNECT is not waited for.
const closeWaitMs = 2000;

/**
 * A device provisioning over MQTT on a raw socket, as ThingsBoard's device examples do minus the optional SUBSCRIBE:
 * its own connection, CONNECT as `provision`, PUBLISH the request at QoS 1 once CONNACK accepts, take the answer
 * from /provision/response, PUBACK it and DISCONNECT.
 */
export function mqttSlot(target: LoadTarget, key: string, secret: string, timeoutMs: number): DeviceSlot {
  const body = provisionBody(key, secret);
  return {
    exchange(deviceName, done) {
      const socket = connect({ host: target.host, port: target.port, noDelay: true });
      let finished = false;
      let requestedAt = 0;
      const finish = (error: string | null, requestMs?: number) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        done(error, requestMs);
      };
      const fail = (error: string) => {
        socket.destroy();
        finish(error);
      };
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      const read = mqttReader((type, flags, packet) => {
        if (type === packetType.connack) {
          if (packet[1] !== 0) return fail(`CONNACK refused, return code ${packet[1]}`);
          requestedAt = performance.now();
          socket.write(publishPacket(provisionRequestTopic, 1, body(deviceName)));
        } else if (type === packetType.publish) {
          const requestMs = performance.now() - requestedAt;
          const publish = readPublish(flags, packet);
          if (publish.topic !== provisionResponseTopic) return fail(`answer on topic ${publish.topic}`);
          socket.write(publish.qos > 0 ? Buffer.concat([pubackPacket(publish.packetId), disconnectPacket]) : disconnectPacket);
          // The server closes on DISCONNECT (§3.14.4) and our side follows its FIN at once: its end keeps the
          // TIME_WAIT, as it would facing thousands of devices, instead of this one host's ephemeral ports.
          socket.setTimeout(closeWaitMs, () => socket.destroy());
          finish(notSuccess(publish.payload), requestMs);
        }
      });
      socket.on('connect', () => socket.write(connectPacket(Buffer.from(deviceName, 'latin1'))));
      socket.on('data', (chunk) => {
        try {
          read(chunk);
        } catch (err) {
          fail(err instanceof Error ? err.message : String(err));
        }
      });
      socket.on('error', (err) => finish(`socket: ${err.message}`));
      socket.on('close', () => finish('connection closed before the answer'));
    },
    close() {},
  };
}

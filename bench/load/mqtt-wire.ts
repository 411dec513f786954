/**
 * The few MQTT 3.1.1 packets a provisioning device and a null broker exchange, encoded by hand
 * (OASIS MQTT 3.1.1, §2 and §3), so that the load generator spends nothing on a client library.
 */

import { remainingLength } from '../../electron/station/transports/mqtt-direct-publish.ts';

export const provisionRequestTopic = '/provision/request';
export const provisionResponseTopic = '/provision/response';

/** Control packet types (§2.2.1), the high nibble of the first byte. */
export const packetType = { connect: 1, connack: 2, publish: 3, puback: 4, subscribe: 8, disconnect: 14 } as const;

const u16 = (n: number) => [n >> 8, n & 255];
const text = (s: string) => Buffer.from(s, 'utf8');

// §3.1.2: protocol name "MQTT", level 4, flags user name (0x80) + clean session (0x02), keep alive 60 s.
const connectVariableHeader = Buffer.from([0, 4, ...text('MQTT'), 4, 0x82, 0, 60]);
// ThingsBoard marks a provision session by user name `provision` (MqttTransportHandler.processConnect).
const provisionUser = Buffer.from([...u16(9), ...text('provision')]);

/** CONNECT as a provision session, with the device's own client id. */
export function connectPacket(clientId: Buffer): Buffer {
  const length = connectVariableHeader.length + 2 + clientId.length + provisionUser.length;
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(length)]), connectVariableHeader, Buffer.from(u16(clientId.length)), clientId, provisionUser]);
}

/** PUBLISH at QoS 1 (§3.3): first byte 0x32, topic, packet id, payload. */
export function publishPacket(topic: string, packetId: number, payload: Buffer): Buffer {
  const name = text(topic);
  const length = 2 + name.length + 2 + payload.length;
  return Buffer.concat([Buffer.from([0x32, ...remainingLength(length), ...u16(name.length)]), name, Buffer.from(u16(packetId)), payload]);
}

export const pubackPacket = (packetId: number) => Buffer.from([0x40, 2, ...u16(packetId)]);
export const disconnectPacket = Buffer.from([0xe0, 0]);
/** CONNACK, session not present, return code 0 (accepted). */
export const connackAccepted = Buffer.from([0x20, 2, 0, 0]);

export interface PublishView {
  topic: string;
  qos: number;
  packetId: number;
  payload: Buffer;
}

/** The parts of a PUBLISH body (§3.3.2); `flags` is the low nibble of its first byte. */
export function readPublish(flags: number, body: Buffer): PublishView {
  const topicLength = body.readUInt16BE(0);
  const topic = body.toString('utf8', 2, 2 + topicLength);
  const qos = (flags >> 1) & 3;
  let offset = 2 + topicLength;
  let packetId = 0;
  if (qos > 0) {
    packetId = body.readUInt16BE(offset);
    offset += 2;
  }
  return { topic, qos, packetId, payload: body.subarray(offset) };
}

/**
 * Splits a byte stream into packets: calls `onPacket(type, flags, body)` for each whole one, keeps a partial one
 * for the next chunk. Throws on a remaining length longer than four bytes (§2.2.3).
 */
export function mqttReader(onPacket: (type: number, flags: number, body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null;
  return (chunk) => {
    const buf: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (buf.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      let complete = false;
      for (let k = 0; k < 4 && i < buf.length; k++) {
        const byte = buf[i++]!;
        length += (byte & 127) * multiplier;
        multiplier *= 128;
        if ((byte & 128) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i - offset - 1 >= 4) throw new Error('malformed MQTT remaining length');
        break;
      }
      if (buf.length - i < length) break;
      const first = buf[offset]!;
      offset = i + length;
      onPacket(first >> 4, first & 15, buf.subarray(i, offset));
    }
    pending = offset < buf.length ? buf.subarray(offset) : null;
  };
}

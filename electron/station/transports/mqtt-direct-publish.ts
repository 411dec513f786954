import type { Client } from 'aedes';

/**
 * A PUBLISH written straight to one client's socket, as ThingsBoard's MqttTransportHandler answers a provision
 * request (DeviceProvisionCallback → ctx.writeAndFlush of a publish built by MqttTransportAdaptor): no broker
 * routing, no subscription matching, no outgoing store. aedes's client.publish would keep a QoS 1 answer in its
 * outgoing store until the PUBACK, to resend it on a reconnect of a persistent session; the station forces clean
 * sessions (mqtt-sessions.ts preConnect), so nothing could ever be resent, and each answer paid for a setImmediate,
 * a store write and a store delete for nothing.
 */

/** MQTT 3.1.1 §2.2.3: the remaining length, 7 bits a byte, least significant first (at most four bytes). */
export function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 128;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** PUBLISH (§3.3), DUP and RETAIN clear; a packet id only at QoS 1. */
export function encodePublish(topic: string, qos: 0 | 1, packetId: number, payload: Buffer): Buffer {
  const name = Buffer.from(topic, 'utf8');
  const idLength = qos > 0 ? 2 : 0;
  const length = 2 + name.length + idLength + payload.length;
  const header = Buffer.from([0x30 | (qos << 1), ...remainingLength(length), name.length >> 8, name.length & 255]);
  const id = qos > 0 ? Buffer.from([packetId >> 8, packetId & 255]) : Buffer.alloc(0);
  return Buffer.concat([header, name, id, payload], header.length + name.length + idLength + payload.length);
}

/**
 * Writes `payload` on `topic` to `client` alone. `packetId` comes from the caller's per-session counter
 * (DeviceSessionCtx.nextMsgId); the client's PUBACK for it finds nothing in aedes's outgoing store, which aedes
 * takes in its stride (handlers/puback.js). False if the connection can no longer be written to.
 */
export function publishDirect(client: Client, topic: string, qos: 0 | 1, packetId: number, payload: Buffer): boolean {
  const conn = client.conn as { writable?: boolean; destroyed?: boolean; write(chunk: Buffer): boolean };
  if (client.closed || conn.destroyed || conn.writable === false) return false;
  // After the request's PUBACK, which aedes wrote (corked) before calling back: the same socket keeps the order.
  conn.write(encodePublish(topic, qos, packetId, payload));
  return true;
}

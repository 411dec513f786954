// A minimal MQTT 3.1.1 encoder (OASIS MQTT 3.1.1 §2–3) that also writes what a real client never would:
// wrong protocol levels, lying remaining lengths, bytes that are not UTF-8 where a string must be.

export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0 && out.length < 8);
  return Buffer.from(out);
}

export function str(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(Math.min(bytes.length, 0xffff));
  return Buffer.concat([len, bytes]);
}

export function packet(type: number, flags: number, body: Buffer, lengthOverride?: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 4) | (flags & 0x0f)]), lengthOverride ?? remainingLength(body.length), body]);
}

export interface ConnectFields {
  protocolName?: string;
  level?: number;
  clientId: string | Buffer;
  username?: string | Buffer;
  password?: string | Buffer;
  will?: { topic: string | Buffer; message: Buffer; qos: number; retain: boolean };
  clean?: boolean;
  keepAlive?: number;
  /** Replaces the computed flags byte (reserved bit, password without username, will QoS 3). */
  flags?: number;
}

export function connect(f: ConnectFields): Buffer {
  let flags = 0;
  if (f.clean ?? true) flags |= 0x02;
  if (f.will) flags |= 0x04 | ((f.will.qos & 3) << 3) | (f.will.retain ? 0x20 : 0);
  if (f.password !== undefined) flags |= 0x40;
  if (f.username !== undefined) flags |= 0x80;
  const keepAlive = Buffer.alloc(2);
  keepAlive.writeUInt16BE((f.keepAlive ?? 60) & 0xffff);
  const parts = [str(f.protocolName ?? 'MQTT'), Buffer.from([f.level ?? 4, f.flags ?? flags]), keepAlive, str(f.clientId)];
  if (f.will) parts.push(str(f.will.topic), str(f.will.message));
  if (f.username !== undefined) parts.push(str(f.username));
  if (f.password !== undefined) parts.push(str(f.password));
  return packet(1, 0, Buffer.concat(parts));
}

export function publish(topic: string | Buffer, payload: Buffer, qos: number, packetId = 1, flags?: { dup?: boolean; retain?: boolean }): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId & 0xffff);
  const body = Buffer.concat([str(topic), qos > 0 ? id : Buffer.alloc(0), payload]);
  return packet(3, ((flags?.dup ? 1 : 0) << 3) | ((qos & 3) << 1) | (flags?.retain ? 1 : 0), body);
}

export function subscribe(filters: [string | Buffer, number][], packetId = 2, flags = 0x02): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId & 0xffff);
  return packet(8, flags, Buffer.concat([id, ...filters.flatMap(([t, q]) => [str(t), Buffer.from([q])])]));
}

export function unsubscribe(filters: (string | Buffer)[], packetId = 3): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId & 0xffff);
  return packet(10, 0x02, Buffer.concat([id, ...filters.map(str)]));
}

/** PUBACK (4), PUBREC (5), PUBREL (6), PUBCOMP (7): a packet id and nothing else. */
export function ack(type: 4 | 5 | 6 | 7, packetId: number): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId & 0xffff);
  return packet(type, type === 6 ? 0x02 : 0, id);
}

export const pingreq = () => Buffer.from([0xc0, 0x00]);
export const disconnect = () => Buffer.from([0xe0, 0x00]);

import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSourceLimits, type SourceLimits } from '../../electron/station/net/source-limits.ts';
import type { MqttTransportOptions } from '../../electron/station/transports/mqtt.ts';
import {
  type MqttStation,
  closed,
  connectJs,
  mosquittoPub,
  mosquittoSub,
  paho,
  provisionKey,
  provisionSecret,
  startMqttStation,
  subackCodes,
} from '../support/mqtt-clients.ts';

// QoS as ThingsBoard grants it (MqttTransportHandler: MAX_SUPPORTED_QOS_LVL = AT_LEAST_ONCE, 0x80 for other topics),
// QoS 2 publishes handled exactly once, and the MQTT limits (keep-alive, packet size) counted as refusals.

let s: MqttStation;
let limits: SourceLimits;
afterEach(() => s?.close());

async function start(options: Partial<MqttTransportOptions> = {}): Promise<MqttStation> {
  limits = createSourceLimits();
  s = await startMqttStation({ limits: limits.forListener('mqtt'), ...options });
  return s;
}

const refused = (reason: string) => limits.refusals().byReason.find((r) => r.transport === 'mqtt' && r.reason === reason)?.count ?? 0;
const telemetryRows = () => (s.t.engine.db.prepare('SELECT count(*) AS n FROM telemetry').get() as { n: number }).n;

/** A raw MQTT 3.1.1 peer: writes packets as bytes and reads the server's packets one by one. */
class RawPeer {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ host: '127.0.0.1', port }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  /** The next packet from the server: its type nibble, flags and body. */
  async next(ms = 5000): Promise<{ type: number; flags: number; body: Buffer }> {
    const deadline = Date.now() + ms;
    for (let framed = frame(this.buffer); framed === null; framed = frame(this.buffer)) {
      if (this.socket.destroyed) throw new Error('the server closed the connection');
      if (Date.now() > deadline) throw new Error('no packet arrived');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - Date.now()).unref();
      });
    }
    const { start, length } = frame(this.buffer)!;
    const packet = { type: this.buffer[0]! >> 4, flags: this.buffer[0]! & 15, body: this.buffer.subarray(start, start + length) };
    this.buffer = this.buffer.subarray(start + length);
    return packet;
  }

  async connect(username: string): Promise<number> {
    const user = utf8(username);
    const variable = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x82, 0, 60])]);
    this.write(0x10, Buffer.concat([variable, utf8('raw-peer'), user]));
    const connack = await this.next();
    expect(connack.type).toBe(2);
    return connack.body[1]!;
  }

  publishQos2(topic: string, id: number, payload: string, dup: boolean): void {
    this.write(0x30 | (dup ? 8 : 0) | (2 << 1), Buffer.concat([utf8(topic), Buffer.from([id >> 8, id & 255]), Buffer.from(payload)]));
  }

  pubrel(id: number): void {
    this.write(0x62, Buffer.from([id >> 8, id & 255]));
  }

  ping(): void {
    this.write(0xc0, Buffer.alloc(0));
  }

  private write(header: number, body: Buffer): void {
    // Remaining length: 7 bits a byte, least significant first, the top bit saying more follow (MQTT 3.1.1 §2.2.3).
    const length: number[] = [];
    let rest = body.length;
    do {
      length.push((rest % 128) | (rest >= 128 ? 128 : 0));
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    this.socket.write(Buffer.concat([Buffer.from([header, ...length]), body]));
  }
}

/** Where a whole packet's body starts in `buffer` and how long it is, or null while it has not all arrived. */
function frame(buffer: Buffer): { start: number; length: number } | null {
  let length = 0;
  for (let i = 1, multiplier = 1; i < Math.min(buffer.length, 5); i++, multiplier *= 128) {
    length += (buffer[i]! & 127) * multiplier;
    if (buffer[i]! < 128) return buffer.length >= i + 1 + length ? { start: i + 1, length } : null;
  }
  return null;
}

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 255]), bytes]);
}

const PUBLISH = 3;
const PUBREC = 5;
const PUBCOMP = 7;
const PINGRESP = 13;

describe('MQTT QoS: what ThingsBoard grants, QoS 2 exactly once', () => {
  it('grants at most QoS 1 to a QoS 2 subscription and 0x80 to an unknown topic (mqtt.js, Paho, mosquitto_sub)', async () => {
    await start();
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const client = await connectJs(s.port, { username: 'token-m' });
    expect(await subackCodes(client, ['v1/devices/me/attributes', 'v1/devices/me/rpc/request/+'], 2)).toEqual([1, 1]);
    expect(await subackCodes(client, ['v1/devices/me/attributes/response/+'], 0)).toEqual([0]);
    expect(await subackCodes(client, ['v1/devices/me/telemetry'], 2)).toEqual([0x80]);
    await client.endAsync(true);

    const events = await paho(s.port, ['--username', 'token-m', '--subscribe', 'v1/devices/me/attributes@2', '--subscribe', 'no/such/topic@2', '--until-suback']);
    expect(events.find((e) => e.event === 'suback')?.granted).toEqual([1, 128]);

    const sub = await mosquittoSub(s.port, ['-u', 'token-m', '-q', '2', '-t', 'v1/devices/me/attributes', '-E', '-d']);
    expect(sub.stdout + sub.stderr).toMatch(/Subscribed \(mid: \d+\): 1\b/);
    // A provision session gets the same: QoS 1 at most on /provision/response.
    const provision = await paho(s.port, ['--username', 'provision', '--subscribe', '/provision/response@2', '--until-suback']);
    expect(provision.find((e) => e.event === 'suback')?.granted).toEqual([1]);
  });

  it('records a QoS 2 publish from mosquitto_pub and Paho once each, after the full PUBREC/PUBREL/PUBCOMP exchange', async () => {
    await start();
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const pub = await mosquittoPub(s.port, ['-u', 'token-m', '-q', '2', '-t', 'v1/devices/me/telemetry', '-m', '{"a":1}', '-d']);
    expect(pub.code).toBe(0);
    expect(pub.stdout + pub.stderr).toMatch(/Client \S+ received PUBCOMP/);
    const events = await paho(s.port, ['--username', 'token-m', '--qos', '2', '--publish', 'v1/devices/me/telemetry', '{"b":2}', '--until-puback']);
    expect(events.some((e) => e.event === 'puback')).toBe(true);
    expect(telemetryRows()).toBe(2);
  });

  it('handles a QoS 2 telemetry publish sent twice (DUP) before PUBREL once: one row, and the id is free after PUBCOMP', async () => {
    await start();
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const peer = await RawPeer.open(s.port);
    expect(await peer.connect('token-m')).toBe(0);
    // Both copies in one write, so aedes reads them in one chunk and handles them concurrently.
    peer.publishQos2('v1/devices/me/telemetry', 7, '{"t":1}', false);
    peer.publishQos2('v1/devices/me/telemetry', 7, '{"t":1}', true);
    expect([(await peer.next()).type, (await peer.next()).type]).toEqual([PUBREC, PUBREC]);
    // The client lost the PUBREC, resends once more after a pause: still the same message.
    peer.publishQos2('v1/devices/me/telemetry', 7, '{"t":1}', true);
    expect((await peer.next()).type).toBe(PUBREC);
    peer.pubrel(7);
    expect((await peer.next()).type).toBe(PUBCOMP);
    expect(telemetryRows()).toBe(1);

    // After PUBCOMP the packet id carries a new message (MQTT 3.1.1 §4.3.3).
    peer.publishQos2('v1/devices/me/telemetry', 7, '{"t":2}', false);
    expect((await peer.next()).type).toBe(PUBREC);
    peer.pubrel(7);
    expect((await peer.next()).type).toBe(PUBCOMP);
    expect(telemetryRows()).toBe(2);
    peer.socket.destroy();
  });

  it('answers a provision request sent twice at QoS 2 before PUBREL once, and provisions the device once', async () => {
    await start();
    const peer = await RawPeer.open(s.port);
    expect(await peer.connect('provision')).toBe(0);
    const request = JSON.stringify({ provisionDeviceKey: provisionKey, provisionDeviceSecret: provisionSecret, deviceName: 'q2', token: 'q2-tok' });
    peer.publishQos2('/provision/request', 3, request, false);
    peer.publishQos2('/provision/request', 3, request, true);
    const seen: number[] = [];
    let answers = 0;
    const until = async (type: number, times = 1) => {
      while (seen.filter((t) => t === type).length < times) {
        const packet = await peer.next();
        seen.push(packet.type);
        if (packet.type !== PUBLISH) continue;
        answers++;
        expect(packet.body.toString('utf8')).toContain('"status":"SUCCESS"');
      }
    };
    await until(PUBREC, 2);
    peer.pubrel(3);
    await until(PUBCOMP);
    // A round trip after PUBCOMP: by then every answer the station was going to send has been sent.
    peer.ping();
    await until(PINGRESP);
    expect(answers).toBe(1);
    const device = await s.t.call('devices.get', { name: 'q2' });
    expect(device.state).toBe('provisioned');
    // Every provisioning attempt is audited: a second one would stand here too (as a FAILURE: the name is taken).
    const attempts = s.t.engine.db.prepare("SELECT outcome FROM events WHERE device_name = 'q2' AND outcome IS NOT NULL").all();
    expect(attempts).toEqual([{ outcome: 'SUCCESS' }]);
    peer.socket.destroy();
  });
});

describe('MQTT limits: keep-alive and packet size, each refusal counted', () => {
  it('drops a session silent past 1.5 × the maximum keep-alive, even one that asked for none, and counts it', async () => {
    await start({ maxKeepAliveS: 1 });
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    // keepalive 0 (none) and 3600: both are accepted, as ThingsBoard accepts them, and held to 1 s.
    const silent = await connectJs(s.port, { username: 'token-m', keepalive: 0 });
    const slow = await connectJs(s.port, { username: 'token-m', keepalive: 3600 });
    await Promise.all([closed(silent, 5000), closed(slow, 5000)]);
    expect(refused('idle')).toBe(2);
  });

  it('keeps a session that pings within its keep-alive', async () => {
    await start({ maxKeepAliveS: 1 });
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    // mqtt.js pings every keep-alive (1 s): its third PINGRESP comes well past the 1.5 s a silent session gets.
    const client = await connectJs(s.port, { username: 'token-m', keepalive: 1 });
    await new Promise<void>((resolve) => {
      let pongs = 0;
      client.on('packetreceive', (packet) => {
        if (packet.cmd === 'pingresp' && ++pongs === 3) resolve();
      });
    });
    expect(client.connected).toBe(true);
    expect(refused('idle')).toBe(0);
    await client.endAsync(true);
  });

  it('closes a connection whose packet is over the maximum packet size, counts it, and still serves a small one', async () => {
    await start({ maxPacketBytes: 2048 });
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const big = await connectJs(s.port, { username: 'token-m' });
    const whenClosed = closed(big);
    big.publish('v1/devices/me/telemetry', JSON.stringify({ blob: 'x'.repeat(3000) }), { qos: 1 });
    await whenClosed;
    expect(refused('too-large')).toBe(1);
    const pub = await mosquittoPub(s.port, ['-u', 'token-m', '-q', '1', '-t', 'v1/devices/me/telemetry', '-m', '{"small":1}']);
    expect(pub.code).toBe(0);
    const rows = s.t.engine.db.prepare('SELECT key FROM telemetry').all();
    expect(rows).toEqual([{ key: 'small' }]);
  });
});

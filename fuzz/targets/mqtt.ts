import { mutateBytes } from '../mutate-bytes.ts';
import { mutatedJson } from '../mutate-json.ts';
import * as mqtt from '../mqtt-packets.ts';
import { tcpExchange } from '../raw-io.ts';
import type { Rng } from '../rng.ts';
import { fixtures, printable, type Target } from '../types.ts';
import { attributesTemplate, provisionTemplate, telemetryTemplate } from './http-device.ts';
import { split } from '../http-request.ts';

// MQTT from raw bytes over TCP: valid packet sequences of the two ThingsBoard session kinds, then damaged.

const hangAfterMs = 10_000;
const streamLimit = 400_000;

const badUtf8 = [Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe]), Buffer.from([0x00]), Buffer.from([0xe2, 0x82]), Buffer.from('a\u0000b')];

function oddTopic(rng: Rng, base: string): string | Buffer {
  switch (rng.int(8)) {
    case 0:
      return Buffer.concat([Buffer.from(base), rng.pick(badUtf8)]);
    case 1:
      return '';
    case 2:
      return rng.pick(['#', '+', 'v1/devices/me/#', 'v1/+/me/telemetry', '$SYS/x', '/provision/+', '$fieldstation/session/1/v1/devices/me/attributes']);
    case 3:
      return 't'.repeat(rng.range(1000, 65_535));
    case 4:
      return `${base}/`;
    default:
      return base;
  }
}

function payloadFor(rng: Rng, topic: string): Buffer {
  if (rng.chance(0.04)) return Buffer.alloc(rng.range(65_000, 200_000), 0x7b); // over the 64 KiB limit, or just under
  const template = topic === '/provision/request' ? provisionTemplate(rng) : topic.endsWith('attributes') ? attributesTemplate() : telemetryTemplate(rng);
  if (rng.chance(0.15)) return Buffer.from(JSON.stringify(template));
  return Buffer.from(mutatedJson(rng, template, { maxBytes: 4096 }), 'utf8');
}

function connectPacket(rng: Rng, session: 'provision' | 'device'): Buffer {
  const fields: mqtt.ConnectFields =
    session === 'provision'
      ? rng.chance(0.8)
        ? { clientId: rng.pick(['provision', `c${rng.int(1e6)}`]), username: 'provision' }
        : { clientId: 'provision' }
      : rng.chance(0.85)
        ? { clientId: `dev-${rng.int(1e6)}`, username: fixtures.deviceToken }
        : { clientId: 'x', username: rng.pick(['wrongToken', '', 'provisio', fixtures.deviceToken.toLowerCase()]), password: 'p' };
  if (rng.chance(0.35)) {
    switch (rng.int(9)) {
      case 0:
        fields.level = rng.pick([0, 1, 2, 3, 5, 6, 255]);
        break;
      case 1:
        fields.protocolName = rng.pick(['MQIsdp', 'mqtt', 'MQTT\u0000', '', 'HTTP']);
        break;
      case 2:
        fields.flags = rng.pick([0x01, 0x40, 0x18, 0x3c, 0xff, 0x00]);
        break;
      case 3:
        fields.clientId = Buffer.concat([Buffer.from('id'), rng.pick(badUtf8)]);
        break;
      case 4:
        fields.clientId = 'c'.repeat(rng.range(24, 65_535));
        break;
      case 5:
        fields.will = { topic: oddTopic(rng, 'will/topic'), message: rng.bytes(rng.int(100)), qos: rng.int(4), retain: rng.chance(0.5) };
        break;
      case 6:
        fields.username = Buffer.concat([Buffer.from(String(fields.username ?? '')), rng.pick(badUtf8)]);
        break;
      case 7:
        fields.keepAlive = rng.pick([0, 1, 65_535]);
        break;
      default:
        fields.clientId = '';
        fields.clean = rng.chance(0.5);
    }
  }
  return mqtt.connect(fields);
}

function sessionPackets(rng: Rng, session: 'provision' | 'device'): Buffer[] {
  const packets = [connectPacket(rng, session)];
  const ops = rng.range(1, 5);
  for (let i = 0; i < ops; i++) {
    const op = rng.weighted([[10, 'publish'], [3, 'subscribe'], [1, 'unsubscribe'], [1, 'ping'], [1, 'ack'], [1, 'connect'], [1, 'reserved'], [1, 'disconnect']] as const);
    const id = rng.chance(0.1) ? rng.pick([0, 65_535]) : rng.range(1, 100);
    if (op === 'publish') {
      const base = session === 'provision' ? '/provision/request' : rng.pick(['v1/devices/me/telemetry', 'v1/devices/me/attributes', 'v1/devices/me/attributes/request/1', 'v1/devices/me/rpc/response/1', 'v1/devices/me/claim']);
      const topic = rng.chance(0.25) ? oddTopic(rng, base) : base;
      const qos = rng.weighted([[4, 1], [2, 0], [1, 2], [1, 3]] as const);
      packets.push(mqtt.publish(topic, payloadFor(rng, base), qos, id, { dup: rng.chance(0.1), retain: rng.chance(0.1) }));
      if (qos === 2 && rng.chance(0.5)) packets.push(mqtt.ack(6, id));
    } else if (op === 'subscribe') {
      const base = session === 'provision' ? '/provision/response' : rng.pick(['v1/devices/me/attributes', 'v1/devices/me/rpc/request/+', 'v1/devices/me/attributes/response/+']);
      const filters: [string | Buffer, number][] = [[rng.chance(0.3) ? oddTopic(rng, base) : base, rng.pick([0, 1, 1, 2, 3, 0x80])]];
      if (rng.chance(0.2)) for (let n = rng.range(1, 200); n > 0; n--) filters.push([`f/${n}`, 0]);
      packets.push(mqtt.subscribe(filters, id, rng.chance(0.1) ? 0 : 0x02));
    } else if (op === 'unsubscribe') packets.push(mqtt.unsubscribe([session === 'provision' ? '/provision/response' : 'v1/devices/me/attributes'], id));
    else if (op === 'ping') packets.push(mqtt.pingreq());
    else if (op === 'ack') packets.push(mqtt.ack(rng.pick([4, 5, 6, 7] as const), id));
    else if (op === 'connect') packets.push(connectPacket(rng, session));
    else if (op === 'reserved') packets.push(mqtt.packet(rng.pick([0, 15]), rng.int(16), rng.bytes(rng.int(8))));
    else packets.push(mqtt.disconnect());
  }
  if (rng.chance(0.3)) corruptLength(rng, packets);
  return packets;
}

/** Replaces one packet's remaining length with a lie: too long, too short, five bytes, or 256 MB. */
function corruptLength(rng: Rng, packets: Buffer[]): void {
  const i = rng.int(packets.length);
  const p = packets[i]!;
  let lenBytes = 1;
  while (lenBytes < 4 && (p[lenBytes]! & 0x80) !== 0) lenBytes++;
  const body = p.subarray(1 + lenBytes);
  const lie = rng.pick([
    () => mqtt.remainingLength(body.length + rng.range(1, 300)),
    () => mqtt.remainingLength(Math.max(0, body.length - rng.range(1, 10))),
    () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]),
    () => Buffer.from([0xff, 0xff, 0xff, 0x7f]),
    () => Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    () => mqtt.remainingLength(rng.range(70_000, 2_000_000)),
    () => Buffer.from([0x80, 0x00]),
  ])();
  packets[i] = Buffer.concat([p.subarray(0, 1), lie, body]);
}

function mqttTarget(session: 'provision' | 'device'): Target {
  return {
    name: `mqtt-${session}`,
    generate(rng) {
      const packets = sessionPackets(rng, session);
      let stream: Buffer = Buffer.concat(packets);
      if (rng.chance(0.25)) stream = mutateBytes(rng, stream, streamLimit);
      if (rng.chance(0.1)) stream = stream.subarray(0, rng.int(stream.length));
      const chunks = split(rng, stream);
      const mode = rng.chance(0.5) ? 'end' : 'linger';
      const quietMs = rng.range(20, 60);
      return {
        summary: `${session} session, ${packets.length} packets, ${stream.length} bytes, ${mode}`,
        show: () => printable(stream),
        async run(ctx) {
          const outcome = await tcpExchange({ port: ctx.ports.mqtt, chunks, mode, quietMs, deadlineMs: hangAfterMs, keep: 64 });
          if (outcome.hung) return { kind: 'hang', detail: `${mode === 'end' ? `not closed within ${hangAfterMs} ms of our FIN` : 'the server never went quiet'} (${outcome.trace})` };
          const first = outcome.reply[0];
          const cls = outcome.refused ? 'refused' : first === 0x20 ? `connack-${outcome.reply[3] ?? '?'}` : outcome.reply.length ? 'other' : 'closed';
          return { kind: 'ok', class: cls };
        },
      };
    },
  };
}

export const mqttProvision = mqttTarget('provision');
export const mqttDevice = mqttTarget('device');

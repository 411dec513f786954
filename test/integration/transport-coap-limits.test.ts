import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { createSourceLimits, type SourceLimits } from '../../electron/station/net/source-limits.ts';
import { type CoapTransportOptions, createCoapTransport } from '../../electron/station/transports/coap.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { coapClient } from '../support/real-clients.ts';
import { addProfile, provisionBody } from '../support/transport-fixtures.ts';

// CoAP's own bounds: how many Block1 transfers one address may have in progress and how many bytes they hold, idle
// ones forgotten, and the largest datagram read; each refusal counted. One noisy address must not starve the others.

let t: TestEngine;
let transport: TransportServer;
let limits: SourceLimits;
let port: number;
const peers: Socket[] = [];

async function start(options: Partial<CoapTransportOptions> = {}): Promise<void> {
  t = openTestEngine();
  limits = createSourceLimits();
  transport = createCoapTransport({ host: '127.0.0.1', port: 0, service: t.service, deviceApi: t.engine.deviceApi, limits: limits.forListener('coap'), ...options });
  ({ port } = await transport.listen());
  await addProfile(t, 'allow-create');
}

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await transport?.close();
  await t?.close();
});

const refused = (reason: string) => limits.refusals().byReason.find((r) => r.transport === 'coap' && r.reason === reason)?.count ?? 0;

/** A raw CoAP peer on its own loopback address: sends one CON and waits for the reply carrying its message id. */
async function rawPeer(address: string) {
  const socket = createSocket('udp4');
  peers.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  let nextId = 1;
  return {
    async send(datagram: (messageId: number) => Buffer): Promise<{ code: string; size1: number | null }> {
      const messageId = nextId++;
      const reply = new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to message ${messageId}`)), 5000);
        const onMessage = (msg: Buffer) => {
          if (msg.readUInt16BE(2) !== messageId) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(msg);
        };
        socket.on('message', onMessage);
      });
      socket.send(datagram(messageId), port, '127.0.0.1');
      const msg = await reply;
      const code = `${msg[1]! >> 5}.${String(msg[1]! & 31).padStart(2, '0')}`;
      // Size1 (60) is the only option these replies carry: nibble 13, extension 47, then the value.
      const tokenLength = msg[0]! & 15;
      const option = msg.subarray(4 + tokenLength);
      let size1: number | null = null;
      if (option.length > 2 && option[0]! >> 4 === 13 && option[1] === 47) size1 = option.subarray(2, 2 + (option[0]! & 15)).readUIntBE(0, option[0]! & 15);
      return { code, size1 };
    },
  };
}

/**
 * CON POST /api/v1/provision carrying Block1 NUM with 64-byte blocks (SZX 2) and a Request-Tag (RFC 9175), which is
 * what ties one transfer's blocks together (coap-blockwise.ts).
 */
function block1(messageId: number, tag: number, num: number, more: boolean): Buffer {
  const uri = ['api', 'v1', 'provision'].map((segment, i) => Buffer.concat([Buffer.from([((i === 0 ? 11 : 0) << 4) | segment.length]), Buffer.from(segment)]));
  const value = (num << 4) | (more ? 8 : 0) | 2;
  const blockValue = value < 256 ? Buffer.from([value]) : Buffer.from([value >> 8, value & 255]);
  // Block1 (27): delta 16 from Uri-Path (11), nibble 13 and 16 − 13. Request-Tag (292): delta 265, nibble 13, 265 − 13.
  const blockOption = Buffer.concat([Buffer.from([(13 << 4) | blockValue.length, 16 - 13]), blockValue]);
  const tagOption = Buffer.from([(13 << 4) | 2, 265 - 13, tag >> 8, tag & 255]);
  const header = Buffer.from([0x40 | 1, 0x02, messageId >> 8, messageId & 255, tag & 255]);
  return Buffer.concat([header, ...uri, blockOption, tagOption, Buffer.from([0xff]), Buffer.alloc(64, 0x20)]);
}

describe('CoAP: blockwise state per peer', () => {
  it('refuses a ninth transfer in progress from one address with 5.03 and counts it, while another address provisions blockwise', async () => {
    await start({ blockwise: { transfersPerPeer: 8 } });
    const noisy = await rawPeer('127.0.0.2');
    const codes: string[] = [];
    for (let tag = 1; tag <= 10; tag++) codes.push((await noisy.send((id) => block1(id, tag, 0, true))).code);
    expect(codes).toEqual([...Array(8).fill('2.31'), '5.03', '5.03']);
    // A transfer already in progress goes on: its next block is still taken.
    expect((await noisy.send((id) => block1(id, 1, 1, true))).code).toBe('2.31');
    expect(refused('blockwise')).toBe(2);

    // Meanwhile a device on 127.0.0.1 sends an X509 certificate in 64-byte blocks (libcoap's -b) and is provisioned.
    const pem = `-----BEGIN CERTIFICATE-----\n${randomBytes(600).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const r = await coapClient(`coap://127.0.0.1:${port}/api/v1/provision`, {
      payload: provisionBody({ credentialsType: 'X509_CERTIFICATE', hash: pem }),
      blockSize: 64,
    });
    expect(r.log).toMatch(/Block1:\d+\/M\/64/);
    expect(r.code).toBe('2.01');
    expect(await t.call('devices.list', {})).toHaveLength(1);
  });

  it('refuses a block that would take one address past its bytes in progress, and that transfer with it', async () => {
    await start({ blockwise: { transfersPerPeer: 100, bytesPerPeer: 256 } });
    const noisy = await rawPeer('127.0.0.2');
    // Two transfers of two blocks each: 4 × 64 bytes, the whole allowance.
    for (const tag of [1, 2]) for (const num of [0, 1]) expect((await noisy.send((id) => block1(id, tag, num, true))).code).toBe('2.31');
    expect((await noisy.send((id) => block1(id, 3, 0, true))).code).toBe('5.03');
    expect((await noisy.send((id) => block1(id, 1, 2, true))).code).toBe('5.03');
    // Transfer 1 is gone with its refused block: its bytes are free for a new one.
    expect((await noisy.send((id) => block1(id, 4, 0, true))).code).toBe('2.31');
    expect(refused('blockwise')).toBe(2);
  });

  it('forgets a transfer left idle, so the address may start new ones', async () => {
    await start({ blockwise: { transfersPerPeer: 2, idleMs: 500 } });
    const noisy = await rawPeer('127.0.0.2');
    for (const tag of [1, 2]) expect((await noisy.send((id) => block1(id, tag, 0, true))).code).toBe('2.31');
    expect((await noisy.send((id) => block1(id, 3, 0, true))).code).toBe('5.03');
    // The sweep runs every second at most; ask again until it has run (bounded).
    let code = '5.03';
    for (let attempt = 0; attempt < 40 && code !== '2.31'; attempt++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
      code = (await noisy.send((id) => block1(id, 3, 0, true))).code;
    }
    expect(code).toBe('2.31');
  });
});

describe('CoAP: maximum message size', () => {
  it('answers a datagram over the maximum with 4.13 and Size1, counts it, and still takes a small one', async () => {
    await start({ maxMessageBytes: 512 });
    const peer = await rawPeer('127.0.0.2');
    const big = (id: number) =>
      Buffer.concat([Buffer.from([0x40, 0x02, id >> 8, id & 255, 0xb3]), Buffer.from('api'), Buffer.from([0x02]), Buffer.from('v1'), Buffer.from([0x09]), Buffer.from('provision'), Buffer.from([0xff]), Buffer.alloc(600, 0x20)]);
    expect(await peer.send(big)).toEqual({ code: '4.13', size1: 512 });
    expect(refused('too-large')).toBe(1);
    // In 256-byte blocks every datagram stays under the limit.
    const r = await coapClient(`coap://127.0.0.1:${port}/api/v1/provision`, { payload: provisionBody(), blockSize: 256 });
    expect(r.code).toBe('2.01');
  });
});

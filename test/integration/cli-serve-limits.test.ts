import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationStatus } from '../../shared/station.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { closed, connectJs } from '../support/mqtt-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';

// The per-protocol limits as `fieldstation serve` flags, each rejection counted in the status the Server screen's
// Refused panel shows: an MQTT session silent past its keep-alive, an HTTP request that never arrives, a CoAP datagram
// over the maximum message size.

let served: ServeProcess;

beforeAll(async () => {
  served = await startServe({
    dataDir: tempDir(),
    args: [
      '--bind',
      '127.0.0.1',
      '--listeners',
      'http,mqtt,coap',
      '--mqtt-max-keep-alive',
      '1',
      '--http-headers-timeout',
      '1',
      '--http-request-timeout',
      '2',
      '--coap-max-message-size',
      '300',
    ],
  });
});

afterAll(async () => {
  await served?.stop();
});

async function status(): Promise<StationStatus> {
  const res = await fetch(`${served.baseUrl}/api/status`, { headers: { authorization: `Bearer ${served.secret}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: StationStatus }).value;
}

describe('fieldstation serve: per-protocol limits', () => {
  it('applies --mqtt-max-keep-alive, --http-headers-timeout and --coap-max-message-size, and counts each refusal', async () => {
    // A provision session that asked for no keep-alive and then says nothing: dropped after 1.5 s.
    const silent = await connectJs(served.ports.mqtt!, { username: 'provision', keepalive: 0 });
    const mqttDropped = closed(silent, 10_000);

    // An HTTP connection that never sends its request: 408 after the header timeout.
    const http = new Promise<string>((resolve, reject) => {
      const socket = connect(served.ports.http!, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });

    // A 400-byte CoAP POST: answered 4.13 before it is parsed.
    const udp = createSocket('udp4');
    const coapReply = new Promise<Buffer>((resolve) => udp.once('message', (msg) => resolve(msg)));
    const header = Buffer.from([0x40, 0x02, 0x12, 0x34, 0xb3, ...Buffer.from('api'), 0x02, ...Buffer.from('v1'), 0x09, ...Buffer.from('provision'), 0xff]);
    udp.send(Buffer.concat([header, Buffer.alloc(400 - header.length, 0x20)]), served.ports.coap!, '127.0.0.1');

    expect((await coapReply)[1]).toBe((4 << 5) | 13);
    udp.close();
    expect(await http).toMatch(/^HTTP\/1\.1 408 /);
    await mqttDropped;

    const refused = (await status()).refused!;
    const counts = Object.fromEntries(refused.byReason.map((r) => [`${r.transport} ${r.reason}`, r.count]));
    expect(counts).toEqual({ 'mqtt idle': 1, 'http slow-request': 1, 'coap too-large': 1 });
    expect(refused.topAddresses).toEqual([{ address: '127.0.0.1', count: 3 }]);
  });

  it('refuses a request timeout shorter than the header timeout, in one plain line', () => {
    const r = runCli(['serve', '--data', tempDir(), '--http-headers-timeout', '10', '--http-request-timeout', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('fieldstation: --http-request-timeout must be at least --http-headers-timeout');
  });
});

import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSourceLimits, type SourceLimits } from '../../electron/station/net/source-limits.ts';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { createHttpTransport } from '../../electron/station/transports/http.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { curl } from '../support/real-clients.ts';
import { addProfile, generatedToken, provisionBody } from '../support/transport-fixtures.ts';

// HTTP header and request timeouts: a client trickling its request a byte at a time (slowloris) is cut and counted on
// the Refused panel, while a normal device on the same listener provisions as usual.

let t: TestEngine;
let transport: TransportServer;
let limits: SourceLimits;
let port: number;

async function start(): Promise<void> {
  t = openTestEngine();
  limits = createSourceLimits();
  transport = createHttpTransport({
    host: '127.0.0.1',
    port: 0,
    service: t.service,
    deviceApi: t.engine.deviceApi,
    limits: limits.forListener('http'),
    timeouts: { headersMs: 600, requestMs: 1200, checkEveryMs: 100 },
  });
  ({ port } = await transport.listen());
  await addProfile(t, 'allow-create');
}

afterEach(async () => {
  await transport?.close();
  await t?.close();
});

const slowRequests = () => limits.refusals().byReason.find((r) => r.transport === 'http' && r.reason === 'slow-request')?.count ?? 0;

/** Writes `text` one byte every `everyMs` until the server closes the socket; resolves with what it answered. */
function trickle(text: string, everyMs: number): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answer = '';
    const socket: Socket = connect(port, '127.0.0.1');
    const timer = setInterval(() => {
      if (sent < text.length) socket.write(text[sent++]!);
    }, everyMs);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sent });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the server never cut the slow client'));
    }, 10_000).unref();
  });
}

describe('HTTP: header and request timeouts', () => {
  it('cuts a slowloris client with 408 and counts it, while curl provisions on the same listener', async () => {
    await start();
    const request = `POST /api/v1/provision HTTP/1.1\r\nHost: station\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
    const slow = trickle(request, 50);
    const r = await curl(`http://127.0.0.1:${port}/api/v1/provision`, { body: provisionBody() });
    expect(r.body).toMatch(generatedToken);
    const { answer, sent } = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(request.length);
    expect(slowRequests()).toBe(1);
  });

  it('cuts a request whose body trickles past the request timeout, and one that never sends a byte', async () => {
    await start();
    const body = provisionBody();
    const head = `POST /api/v1/provision HTTP/1.1\r\nHost: station\r\nContent-Length: ${body.length}\r\n\r\n`;
    // The head at once, then the body a byte every 50 ms: 1.2 s allows 24 of its bytes.
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    socket.on('error', () => {});
    const bodyTrickle = trickle('', 1000);
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < body.length) socket.write(body[sent++]!);
    }, 50);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(timer);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(body.length);
    // The silent connection is cut by the header timeout.
    expect((await bodyTrickle).answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowRequests()).toBe(2);
    expect(await t.call('devices.list', {})).toHaveLength(0);
  });
});

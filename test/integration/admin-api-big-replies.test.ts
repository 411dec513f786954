import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeJsonReply } from '../../electron/station/api/json-reply.ts';
import { curl } from '../support/real-clients.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// A list of many devices (or an export bundle of tens of MB) used to be read, stringified and written in one go on
// the station's only event loop: while it was built no device was provisioned and /healthz went unanswered for
// seconds (npm run fuzz). Now the rows are read in pages and the reply is written in chunks as the client takes them,
// with turns of the loop between them.

/** The bytes of a raw HTTP exchange on the admin port, read as they arrive; reading can be paused. */
function rawRequest(port: number, text: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  socket.write(text);
  return { socket, received: () => received, closed: once(socket, 'close').then(() => undefined) };
}

/** The body of a chunked HTTP/1.1 reply. */
function dechunk(reply: string): string {
  let rest = reply.slice(reply.indexOf('\r\n\r\n') + 4);
  let body = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (size === 0) return body;
    // Sizes count bytes; the test's text is ASCII.
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

describe('big admin replies', () => {
  let s: TestStation | undefined;
  afterEach(async () => {
    await s?.station.stop();
    s = undefined;
  });

  it('gives the event loop a turn before a long reply is complete, and the joined chunks are the whole JSON', async () => {
    const body = { ok: true, value: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `dev-${i}`, state: 'pending' })) };
    const seen: { endedAtReturn: boolean; endedAtNextTurn: boolean | null } = { endedAtReturn: true, endedAtNextTurn: null };
    const server = createServer((_req, res) => {
      void writeJsonReply(res, 200, { 'content-type': 'application/json' }, body, { stalledMs: 10_000 });
      seen.endedAtReturn = res.writableEnded;
      setImmediate(() => {
        seen.endedAtNextTurn = res.writableEnded;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const reply = await fetch(`http://127.0.0.1:${port}/`);
      expect(reply.headers.get('transfer-encoding')).toBe('chunked');
      expect(await reply.json()).toEqual(body);
      // The whole reply was not made in the turn that began it, nor in the next.
      expect(seen).toEqual({ endedAtReturn: false, endedAtNextTurn: false });
    } finally {
      server.close();
    }
  });

  it('provisions a device and answers /healthz while a list of 30,000 devices is still on its way', { timeout: 120_000 }, async () => {
    s = await startTestStation();
    await s.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'allow-create' });
    const rows = ['name,serial', ...Array.from({ length: 30_000 }, (_, i) => `meter-${i},SN${i}`)];
    await s.call('devices.import', { profile: 'meters', batch: 'site-a', text: rows.join('\n') });
    const ui = new URL(s.info.uiUrl);
    const port = Number(ui.port);
    const secret = ui.searchParams.get('token')!;

    const list = rawRequest(
      port,
      `POST /api/rpc/devices.list HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    // The list has begun to arrive; the client stops reading, as a slow one would.
    await once(list.socket, 'data');
    list.socket.pause();
    expect(list.received()).toMatch(/^HTTP\/1\.1 200 [\s\S]*transfer-encoding: chunked/i);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const provision = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/provision`, {
      body: JSON.stringify({ deviceName: 'meter-new', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret' }),
    });
    expect([provision.status, JSON.parse(provision.body).status]).toEqual([200, 'SUCCESS']);
    // Both were answered while the list was still unfinished.
    expect(list.received()).not.toMatch(/\r\n0\r\n\r\n$/);

    list.socket.resume();
    await list.closed;
    const reply = JSON.parse(dechunk(list.received())) as { ok: boolean; value: { name: string }[] };
    expect(reply.ok).toBe(true);
    expect(reply.value.length).toBe(30_000);
    expect(reply.value.at(-1)!.name).toBe('meter-29999');
  });
});

import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../support/station.ts';

// A client that announces more body than it sends (or never ends its headers) used to hold an admin connection for
// Node's default 300 s. The admin server now closes such a request with 408 after its request (headers) timeout,
// configurable like the device limits; the live event stream, an answer that goes on, is not cut.

interface RawReply {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

function raw(port: number, text: string): RawReply {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.write(text);
  const closed = once(socket, 'close').then(() => received);
  return { socket, closed };
}

describe('admin API timeouts', () => {
  let s: TestStation;
  afterEach(() => s.station.stop());

  it('answers 408 and closes a request whose body or headers stop arriving; the live stream stays open', { timeout: 20_000 }, async () => {
    s = await startTestStation({ adminTimeouts: { headersMs: 400, requestMs: 800 } });
    const url = new URL(s.info.uiUrl);
    const port = Number(url.port);
    const host = `Host: 127.0.0.1:${port}\r\nAuthorization: Bearer ${url.searchParams.get('token')}\r\n`;

    const stream = raw(port, `GET /api/events HTTP/1.1\r\n${host}\r\n`);
    let streamed = '';
    stream.socket.on('data', (chunk: Buffer) => {
      streamed += chunk.toString('latin1');
    });
    const shortBody = raw(port, `POST /api/rpc/station.status HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`);
    const openChunked = raw(port, `POST /api/rpc/station.status HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n`);
    const noHeaderEnd = raw(port, `POST /api/rpc/station.status HTTP/1.1\r\n${host}X-Slow: 1\r\n`);

    for (const reply of [shortBody, openChunked, noHeaderEnd]) expect(await reply.closed).toMatch(/^HTTP\/1\.1 408 /);
    // The stream began before those requests and was not closed with them.
    expect(stream.socket.destroyed).toBe(false);
    expect(streamed).toMatch(/^HTTP\/1\.1 200 /);
    stream.socket.destroy();

    // And the server still answers.
    const ok = raw(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(await ok.closed).toMatch(/^HTTP\/1\.1 200 /);
  });
});

import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { afterBody, type DrainBound } from '../../electron/station/net/after-body.ts';

// The bound of the lingering read before a refusal (net/after-body.ts): a client that keeps sending gets its answer
// once the bound is reached, with a real HTTP server and a raw socket as the client.

let server: Server;
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A server that refuses every request at once, answering after the body (within `bound`); resolves its port. */
async function refusing(bound: DrainBound): Promise<number> {
  server = createServer((req, res) => {
    req.resume();
    afterBody(req, () => res.writeHead(413, { connection: 'close' }).end('too large'), bound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends a chunked body that never ends (a piece whenever the last was taken, at most `maxBytes`) and reads the answer. */
function endlessUpload(port: number, maxBytes: number): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    const piece = Buffer.alloc(16 * 1024, 'a');
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('too large')) {
        socket.destroy();
        resolve({ answer, sent });
      }
    });
    socket.on('error', reject);
    const more = (): void => {
      while (sent < maxBytes && answer === '') {
        sent += piece.length;
        if (!socket.write(chunk)) return void socket.once('drain', more);
      }
    };
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', more);
  });
}

describe('the answer to a refused body', () => {
  it('goes out once the bound of bytes is read, while the client is still sending', async () => {
    const port = await refusing({ bytes: 256 * 1024, ms: 60_000 });
    const { answer, sent } = await endlessUpload(port, 64 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    // Answered long before the client's 64 MB: soon after the 256 KB bound (plus what the socket buffers held).
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });

  it('goes out at the time bound when the body stops coming', async () => {
    const port = await refusing({ bytes: 64 * 1024 * 1024, ms: 200 });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      // Declares 1 MB, sends 10 bytes and then nothing: the answer comes at the time bound, and the server closes.
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\naaaaaaaaaa');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });
});

import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LabelFitError } from '../../electron/station/labels/qr.ts';
import { PrinterError, sendRaw } from '../../electron/station/labels/raw-printer.ts';
import { getTemplate } from '../../electron/station/labels/templates.ts';
import { zplLabels } from '../../electron/station/labels/zpl.ts';
import { encodeJsonPayload, encodeTokenPayload } from '../../shared/label-payload.ts';

/** A stand-in for a printer's port 9100: keeps every byte of each job and closes when the job ends, as printers do. */
async function fakePrinter(options: { pauseOnConnect?: boolean; onConnection?: (socket: net.Socket) => void } = {}) {
  const jobs: Array<Promise<Buffer>> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: options.pauseOnConnect ?? false }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (options.onConnection) return options.onConnection(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    jobs.push(once(socket, 'close').then(() => Buffer.concat(chunks)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  };
  cleanups.push(close);
  return { port, jobs, close };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const key = 'ABCDEFGHJK';

describe('raw printer (TCP 9100)', () => {
  it('delivers a string job byte for byte and resolves once the printer has closed', async () => {
    const printer = await fakePrinter();
    const job = '^XA^FO50,50^A0N,40,40^FDÖlpumpe 3^FS^XZ\n';
    const result = await sendRaw({ host: '127.0.0.1', port: printer.port, data: job });
    expect(result.bytes).toBe(Buffer.byteLength(job));
    expect((await printer.jobs[0])!.toString('utf8')).toBe(job);
  });

  it('streams a ZPL batch from the label generator and the printer receives exactly that', async () => {
    const printer = await fakePrinter();
    const labels = Array.from({ length: 200 }, (_, i) => ({ payload: encodeTokenPayload(key, null), name: `Sensor ${i}` }));
    let expected = '';
    for await (const format of zplLabels(getTemplate('zebra-2x1'), labels, { dpi: 203 })) expected += format;
    const result = await sendRaw({ host: '127.0.0.1', port: printer.port, data: zplLabels(getTemplate('zebra-2x1'), labels, { dpi: 203 }) });
    const received = (await printer.jobs[0])!.toString('utf8');
    expect(received).toBe(expected);
    expect(received.match(/\^XA/g)).toHaveLength(200);
    expect(result.bytes).toBe(Buffer.byteLength(expected));
  });

  it('sends binary data untouched', async () => {
    const printer = await fakePrinter();
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    await sendRaw({ host: '127.0.0.1', port: printer.port, data });
    expect((await printer.jobs[0])!.equals(data)).toBe(true);
  });

  it('a printer that is off (nothing listening) gives a plain error', async () => {
    const printer = await fakePrinter();
    await printer.close();
    const attempt = sendRaw({ host: '127.0.0.1', port: printer.port, data: '^XA^XZ' });
    await expect(attempt).rejects.toThrow(new PrinterError(`printer at 127.0.0.1:${printer.port} refused the connection`, 'PRINTER_REFUSED'));
    await expect(attempt).rejects.toMatchObject({ code: 'PRINTER_REFUSED' });
  });

  it('a paused printer that stops reading times out with an explanation instead of hanging', async () => {
    const printer = await fakePrinter({ pauseOnConnect: true, onConnection: () => {} });
    const megabyte = Buffer.alloc(1 << 20, 0x5e);
    async function* endless() {
      for (;;) yield megabyte;
    }
    const attempt = sendRaw({ host: '127.0.0.1', port: printer.port, data: endless(), timeoutMs: 300 });
    await expect(attempt).rejects.toMatchObject({ code: 'PRINTER_TIMEOUT', message: expect.stringMatching(/stopped accepting data for 0\.3 s/) });
  });

  it('a printer that drops the connection mid-job is reported, not taken for success', async () => {
    const printer = await fakePrinter({ onConnection: (socket) => socket.once('data', () => socket.destroy()) });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    async function* job() {
      for (let i = 0; i < 200; i++) yield chunk;
    }
    await expect(sendRaw({ host: '127.0.0.1', port: printer.port, data: job() })).rejects.toMatchObject({ code: 'PRINTER_CONNECTION_LOST' });
  });

  it('a label that does not fit aborts the job with the fit error', async () => {
    const printer = await fakePrinter();
    const payload = encodeJsonPayload({
      host: 'provisioning.fieldstation-warehouse-b.site-0042.example.internal',
      ports: { http: 8080, mqtt: 1883, coap: 5683 },
      key,
      secret: null,
    });
    const labels = [{ payload, name: 'Gate' }];
    await expect(sendRaw({ host: '127.0.0.1', port: printer.port, data: zplLabels(getTemplate('zebra-2x1'), labels, { dpi: 203, ecc: 'Q' }) })).rejects.toThrow(
      LabelFitError,
    );
  });
});

import { createSocket } from 'node:dgram';
import { createServer } from 'coap';
import { type Baseline, fixedReply } from './reply.ts';

/**
 * The floor for CoAP provisioning: a node-coap server answering 2.01 with a fixed JSON on a socket handed to it,
 * as the station's transport does (coap.ts).
 */
export async function startCoapBaseline(): Promise<Baseline> {
  const body = Buffer.from(fixedReply);
  const server = createServer({ type: 'udp4' }, (_req, res) => {
    res.code = '2.01';
    res.setOption('Content-Format', 'application/json');
    res.end(body);
  });
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.listen(socket);
  return {
    port: socket.address().port,
    async close() {
      server.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

import { createServer } from 'node:http';
import { type Baseline, fixedReply } from './reply.ts';

/**
 * The floor for HTTP provisioning: node's own server reading the body and answering a fixed JSON, with the station's
 * keep-alive setting and headers. Everything the station does beyond this is its cost.
 */
export async function startHttpBaseline(): Promise<Baseline> {
  const body = Buffer.from(fixedReply);
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  // The station's backlog (net/listen.ts), so many devices meet the same accept queue.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

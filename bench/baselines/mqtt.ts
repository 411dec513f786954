import { createServer, type Socket } from 'node:net';
import { Aedes, type PublishPacket } from 'aedes';
import { type Baseline, fixedReply } from './reply.ts';

/**
 * The floor for MQTT provisioning: an aedes broker on a noDelay socket (as the station's) that answers every
 * `/provision/request` with a fixed payload on `/provision/response`, to the requesting client only.
 */
export async function startMqttBaseline(): Promise<Baseline> {
  const payload = Buffer.from(fixedReply);
  const broker = await Aedes.createBroker({
    authorizePublish(client, packet, done) {
      if (!client || packet.topic !== '/provision/request') return done(null);
      done(null);
      const answer: PublishPacket = { cmd: 'publish', topic: '/provision/response', payload, qos: 1, retain: false, dup: false };
      client.publish(answer, () => {});
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  // The station's backlog (net/listen.ts), so a burst of devices meets the same accept queue.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

import type { Server as NetServer } from 'node:net';

/** A listener failed to bind: the message names the port and how to pick another. */
export class ListenError extends Error {
  constructor(
    readonly listener: string,
    readonly port: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

const flagOf: Record<string, string> = {
  ui: '--ui-port',
  http: '--http-port',
  mqtt: '--mqtt-port',
  coap: '--coap-port',
  https: '--https-port',
  mqtts: '--mqtts-port',
};

export function listenError(listener: string, host: string, port: number, err: NodeJS.ErrnoException): ListenError {
  const flag = flagOf[listener] ?? 'another port';
  const hint = `choose another with ${flag} (0 picks a free port)`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(listener, port, err.code, `port ${port} (${listener}) is already in use; ${hint}`);
    case 'EACCES':
      return new ListenError(listener, port, err.code, `not allowed to listen on port ${port} (${listener}); ${hint}`);
    case 'EADDRNOTAVAIL':
      return new ListenError(listener, port, err.code, `address ${host} is not on this machine (${listener} listener)`);
    default:
      return new ListenError(listener, port, err.code, `cannot listen on ${host}:${port} (${listener}): ${err.message}`);
  }
}

/** Binds a TCP server and resolves with the bound port (useful with port 0). */
export function listenTcp(server: NetServer, listener: string, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(listener, host, port, err));
    server.once('error', onError);
    // Node's default backlog (511) drops connections when a whole batch of devices powers on at once.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Closes a server and every connection it still holds; resolves once it is fully closed. */
export function closeTcp(server: NetServer & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

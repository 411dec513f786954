import type { Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { loadOrCreateCa, type StationCa } from './ca.ts';
import { ensureServerCert, type ServerCredentials, serverNames } from './server-cert.ts';

/**
 * The station's TLS material for its HTTPS and MQTTS listeners: its CA, and a server certificate for the names
 * devices use, re-issued when the machine's LAN addresses change. Transports hand their server to `attach` and
 * stay unaware of certificates.
 */
export interface StationTls {
  /** The CA, made on first use (`<data>/tls/`). */
  ca(): Promise<StationCa>;
  /** Gives `server` the current certificate now and every renewed one until it closes. `host` is its bind address. */
  attach(server: TlsServer, host: string): Promise<void>;
  /** Re-checks the addresses; issues a new certificate and hands it to every attached server if they changed. */
  refresh(): Promise<void>;
}

export function createStationTls(options: { dataDir: string; log?: (line: string) => void }): StationTls {
  const dir = join(options.dataDir, 'tls');
  const attached = new Map<TlsServer, string>();
  let caLoaded: Promise<StationCa> | null = null;
  let current: ServerCredentials | null = null;
  // One certificate operation at a time: two listeners opening together must not issue two certificates.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  const ca = () => {
    caLoaded ??= loadOrCreateCa(dir).catch((err: unknown) => {
      caLoaded = null;
      throw err;
    });
    return caLoaded;
  };

  /** The bind addresses of attached servers: a server bound to one address needs that one in the certificate. */
  const binds = () => (attached.size === 0 ? ['0.0.0.0'] : [...new Set(attached.values())]);

  function wanted() {
    const all = binds().map((bind) => serverNames(bind));
    return { ips: [...new Set(all.flatMap((n) => n.ips))], dns: [...new Set(all.flatMap((n) => n.dns))] };
  }

  const ensure = () =>
    serially(async () => {
      const issued = await ensureServerCert(dir, await ca(), wanted());
      if (issued.issued) options.log?.(`tls: server certificate issued for ${[...issued.names.dns, ...issued.names.ips].join(', ')}`);
      const changed = current === null || issued.cert !== current.cert;
      current = issued;
      if (changed) for (const server of attached.keys()) server.setSecureContext({ key: issued.key, cert: issued.cert });
      return issued;
    });

  return {
    ca,
    async attach(server, host) {
      attached.set(server, host);
      server.once('close', () => attached.delete(server));
      try {
        const credentials = await ensure();
        server.setSecureContext({ key: credentials.key, cert: credentials.cert });
      } catch (err) {
        attached.delete(server);
        throw err;
      }
    },
    async refresh() {
      if (attached.size > 0) await ensure();
    },
  };
}

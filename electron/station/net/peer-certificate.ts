import { TLSSocket } from 'node:tls';

/**
 * The certificate (DER) a client presented on a TLS connection, or null: a plain socket, or no certificate sent.
 * Only the client's own (leaf) certificate: ThingsBoard identifies the device by chain[0]
 * (MqttTransportHandler.getX509Certificate).
 */
export function peerCertificate(conn: unknown): Buffer | null {
  if (!(conn instanceof TLSSocket)) return null;
  const raw = conn.getPeerCertificate().raw as Buffer | undefined;
  return raw && raw.length > 0 ? raw : null;
}

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isWildcard, lanInterfaces } from '../net/lan-addresses.ts';
import type { StationCa } from './ca.ts';
import { prepareTlsDir, writePrivateKey } from './key-files.ts';
import { openssl } from './openssl.ts';

/** The names a device or browser may use to reach the station: they go into the server certificate. */
export interface ServerNames {
  ips: string[];
  dns: string[];
}

export interface ServerCredentials {
  key: string;
  cert: string;
  names: ServerNames;
}

// Under the 398 days browsers accept for a server certificate; renewed a month before it ends.
const serverDays = 397;
const renewBeforeMs = 30 * 24 * 3600_000;
const dnsLabel = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** This machine's LAN addresses, the loopback ones, the bound address if it is a single one, and the host name. */
export function serverNames(bind: string, interfaces = lanInterfaces()): ServerNames {
  const ips = new Set(['127.0.0.1', '::1', ...interfaces.map((i) => i.address)]);
  if (!isWildcard(bind) && isIP(bind)) ips.add(bind);
  const dns = new Set(['localhost']);
  const host = hostname();
  if (host.split('.').every((label) => dnsLabel.test(label))) {
    dns.add(host);
    // mDNS: most site LANs without a DNS server still resolve NAME.local.
    if (!host.includes('.')) dns.add(`${host}.local`);
  }
  return { ips: [...ips], dns: [...dns] };
}

/** Whether `certificate` (issued by `ca`) covers every name and stays valid for a while yet. */
function stillGood(certificate: X509Certificate, ca: StationCa, names: ServerNames, now: number): boolean {
  if (!certificate.checkIssued(ca.certificate) || !certificate.verify(ca.certificate.publicKey)) return false;
  if (Date.parse(certificate.validTo) - now < renewBeforeMs) return false;
  return names.ips.every((ip) => certificate.checkIP(ip) !== undefined) && names.dns.every((n) => certificate.checkHost(n) !== undefined);
}

/**
 * The station's TLS server certificate in `<dir>/server.pem` + `server.key` (user-only), signed by the station's
 * CA: reused while it covers `names`, else issued anew (an address was added, the CA changed, or it nears its end).
 */
export async function ensureServerCert(dir: string, ca: StationCa, names: ServerNames, now = Date.now()): Promise<ServerCredentials & { issued: boolean }> {
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server.key');
  const existing = readPair(certPath, keyPath);
  if (existing && stillGood(existing.certificate, ca, names, now)) return { key: existing.key, cert: existing.cert, names, issued: false };
  prepareTlsDir(dir);
  writePrivateKey(keyPath);
  const san = [...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((ip) => `IP:${ip}`)].join(',');
  const temporary = `${certPath}.${process.pid}.tmp`;
  await openssl([
    'req', '-x509', '-new', '-key', keyPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-out', temporary,
    '-days', String(serverDays), '-subj', '/CN=Fieldstation station',
    '-addext', `subjectAltName=${san}`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  renameSync(temporary, certPath);
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), names, issued: true };
}

function readPair(certPath: string, keyPath: string): { key: string; cert: string; certificate: X509Certificate } | null {
  if (!existsSync(certPath) || !existsSync(keyPath)) return null;
  try {
    const cert = readFileSync(certPath, 'utf8');
    const key = readFileSync(keyPath, 'utf8');
    const certificate = new X509Certificate(cert);
    return certificate.checkPrivateKey(createPrivateKey(key)) ? { key, cert, certificate } : null;
  } catch {
    // Damaged or foreign files: issue new ones.
    return null;
  }
}

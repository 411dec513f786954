import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { prepareTlsDir, writePrivateKey } from './key-files.ts';
import { openssl, TlsSetupError } from './openssl.ts';

/** The station's own certificate authority: devices and browsers on the site LAN trust the station through it. */
export interface StationCa {
  certPath: string;
  keyPath: string;
  /** The CA certificate, PEM: what `ca export` writes and the Server screen offers for download. */
  pem: string;
  /** SHA-256 of the certificate (DER) as `openssl x509 -fingerprint -sha256` prints it: `AB:CD:…`. */
  fingerprint: string;
  certificate: X509Certificate;
}

// Long-lived: devices pin it (label payload) and firmware cannot be re-flashed at every renewal.
const caDays = 3650;

/**
 * The CA in `<dir>/ca.pem` + `<dir>/ca.key` (user-only), made on first use and kept across restarts.
 * The key is written before the certificate, and the certificate only under its final name once complete,
 * so `ca.pem` present means the pair is whole.
 */
export async function loadOrCreateCa(dir: string): Promise<StationCa> {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca.key');
  if (!existsSync(certPath)) {
    prepareTlsDir(dir);
    writePrivateKey(keyPath);
    // Unique per station, so a technician with two stations can tell their CAs apart in a trust store.
    const name = `Fieldstation CA ${hostname().replace(/[^\w.-]/g, '-').slice(0, 40)} ${randomBytes(3).toString('hex')}`;
    const temporary = `${certPath}.${process.pid}.tmp`;
    await openssl([
      'req', '-x509', '-new', '-key', keyPath, '-out', temporary, '-days', String(caDays), '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    renameSync(temporary, certPath);
  }
  return readCa(certPath, keyPath);
}

function readCa(certPath: string, keyPath: string): StationCa {
  let pem: string;
  let certificate: X509Certificate;
  try {
    pem = readFileSync(certPath, 'utf8');
    certificate = new X509Certificate(pem);
  } catch (err) {
    throw new TlsSetupError(`cannot read the station's CA certificate ${certPath}: ${(err as Error).message}`);
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(readFileSync(keyPath)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TlsSetupError(
      code === 'ENOENT'
        ? `the station's CA key ${keyPath} is missing; restore it from a backup, or remove ${certPath} to make a new CA (devices must then trust the new one)`
        : `cannot read the station's CA key ${keyPath}: ${(err as Error).message}`,
    );
  }
  if (!matches) throw new TlsSetupError(`${keyPath} is not the key of ${certPath}; restore the pair from a backup`);
  return { certPath, keyPath, pem, fingerprint: certificate.fingerprint256, certificate };
}

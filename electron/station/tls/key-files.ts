import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';

/** The folder of the station's TLS files: user-only, like the data directory itself. */
export function prepareTlsDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * A fresh P-256 private key (PKCS#8 PEM) written user-only. Written under a temporary name and renamed, so a
 * crash never leaves half a key behind a name that is trusted later.
 */
export function writePrivateKey(path: string): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeAtomically(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
}

export function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

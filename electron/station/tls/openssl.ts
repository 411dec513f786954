import { execFile } from 'node:child_process';

/** The station's certificates could not be made or read: the message says what to do. */
export class TlsSetupError extends Error {
  override name = 'TlsSetupError';
}

/**
 * Runs the `openssl` command (Debian package `openssl`). node:crypto makes keys but cannot sign an X.509
 * certificate, and the CLI is on every machine the station targets, so no npm dependency is needed for it.
 */
export function openssl(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new TlsSetupError('the openssl command is not installed; install it (Debian: apt-get install openssl) to use HTTPS and MQTTS'));
      }
      const detail = String(stderr).trim().split('\n')[0] || err.message;
      reject(new TlsSetupError(`openssl could not make a certificate: ${detail}`));
    });
  });
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Target secrets at rest: AES-256-GCM (NIST SP 800-38D) under a key derived from the station master key, which lives
// outside the database (a user-only file headless, the OS keychain on the desktop). A copy of station.db alone
// therefore reveals no cloud password. `context` is bound as associated data, so a sealed value moved onto another
// target's row fails to open instead of lending that target someone else's credentials.

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce size the spec recommends

export function seal(key: Buffer, context: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const b = (x: Buffer) => x.toString('base64url');
  return [VERSION, b(iv), b(cipher.getAuthTag()), b(ciphertext)].join('.');
}

/** A sealed value that does not open here: another station's master key, a damaged value, or tampering. */
export class UnreadableSecretError extends Error {
  override name = 'UnreadableSecretError';
}

/** Throws UnreadableSecretError when the value was not sealed with this key and context. */
export function open(key: Buffer, context: string, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new UnreadableSecretError('the stored sync credentials are in an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    // Inside the try: a damaged tag of the wrong length throws here, before decipher.final().
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new UnreadableSecretError(
      'the stored sync credentials cannot be decrypted with this station key (was the data copied from another computer?)',
    );
  }
}

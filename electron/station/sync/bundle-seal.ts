import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  scrypt,
} from 'node:crypto';
import { BundleError } from './bundle.ts';

// The bundle at rest: the signed bundle's whole text (bundle.ts), encrypted with AES-256-GCM under a key that comes
// either from a passphrase (scrypt) or from a recipient's X25519 public key (ephemeral-static ECDH + HKDF-SHA256,
// the construction of RFC 9180's DHKEM, without its full HPKE framing). Every parameter needed to decrypt is in the
// file except the secret itself; the parameters are also the AEAD's associated data, so changing one fails the tag.
//
// Sign, then encrypt: the Ed25519 signature stays over the plaintext payload, exactly as in an unencrypted bundle, so
// verification and `--fingerprint` work the same after decryption, and the signer's public key is not visible to
// whoever only holds the file. GCM's tag already refuses any change to the ciphertext; the signature then proves
// which station wrote it. (Encrypt-then-sign would expose the station's key to anyone and buys nothing here: anyone
// who can decrypt may import, by design.)

export const SEALED_FORMAT = 'fieldstation-sealed-bundle/1';

/** scrypt cost: OWASP's recommendation for scrypt (N=2^17, r=8, p=1); ~128 MiB and a fraction of a second. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
/** What a file may ask for (at most 512 MiB): more would let a hostile file exhaust memory or time on import. */
const SCRYPT_MAX = { N: 2 ** 19, r: 8, p: 4 } as const;
const HKDF_INFO = 'fieldstation-bundle/1 X25519 HKDF-SHA256 AES-256-GCM';
export const MIN_PASSPHRASE = 8;

type Kdf =
  | { name: 'scrypt'; N: number; r: number; p: number; salt: string }
  | { name: 'X25519-HKDF-SHA256'; ephemeralPublicKey: string; recipientPublicKey: string; info: string };

export interface SealedBundle {
  format: typeof SEALED_FORMAT;
  encryption: { alg: 'AES-256-GCM'; kdf: Kdf; iv: string; tag: string };
  ciphertext: string;
}

export type SealTo = { passphrase: string } | { recipient: string };
export type OpenWith = { passphrase?: string; identity?: string };

const b64 = (b: Buffer) => b.toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64');

export async function sealBundle(text: string, to: SealTo): Promise<string> {
  let kdf: Kdf;
  let key: Buffer;
  if ('passphrase' in to) {
    checkPassphrase(to.passphrase);
    const salt = randomBytes(16);
    kdf = { name: 'scrypt', ...SCRYPT, salt: b64(salt) };
    key = await scryptKey(to.passphrase, salt, SCRYPT);
  } else {
    const recipient = parsePublicKey(to.recipient);
    const ephemeral = generateKeyPairSync('x25519');
    const ephemeralRaw = rawPublic(ephemeral.publicKey);
    const recipientRaw = rawPublic(recipient);
    kdf = { name: 'X25519-HKDF-SHA256', ephemeralPublicKey: b64(ephemeralRaw), recipientPublicKey: b64(recipientRaw), info: HKDF_INFO };
    key = hkdfKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), ephemeralRaw, recipientRaw);
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(kdf));
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const sealed: SealedBundle = { format: SEALED_FORMAT, encryption: { alg: 'AES-256-GCM', kdf, iv: b64(iv), tag: b64(cipher.getAuthTag()) }, ciphertext: b64(ciphertext) };
  return `${JSON.stringify(sealed, null, 2)}\n`;
}

/** How a file is protected, read without any secret: 'none' (a plain signed bundle), or what opening it needs. */
export function sealedWith(text: string): 'none' | 'passphrase' | 'recipient' {
  let parsed: Partial<SealedBundle>;
  try {
    parsed = JSON.parse(text) as Partial<SealedBundle>;
  } catch {
    return 'none';
  }
  if (parsed?.format !== SEALED_FORMAT) return 'none';
  return parsed.encryption?.kdf?.name === 'scrypt' ? 'passphrase' : 'recipient';
}

/** The signed bundle's text inside a sealed file; a plain bundle's text passes through. Throws BundleError. */
export async function openBundle(text: string, secrets: OpenWith): Promise<string> {
  const kind = sealedWith(text);
  if (kind === 'none') return text;
  const sealed = JSON.parse(text) as SealedBundle;
  const { kdf } = sealed.encryption;
  let key: Buffer;
  if (kdf.name === 'scrypt') {
    if (secrets.passphrase === undefined) throw new BundleError('this bundle is encrypted with a passphrase: give it (import-bundle FILE --passphrase-file FILE)');
    const cost = { N: Number(kdf.N), r: Number(kdf.r), p: Number(kdf.p) };
    if (!(cost.N > 1 && cost.N <= SCRYPT_MAX.N && cost.r >= 1 && cost.r <= SCRYPT_MAX.r && cost.p >= 1 && cost.p <= SCRYPT_MAX.p)) {
      throw new BundleError(`this bundle asks for scrypt parameters beyond what Fieldstation accepts (N ≤ 2^19, r ≤ 8, p ≤ 4); it was not imported`);
    }
    key = await scryptKey(secrets.passphrase, unb64(kdf.salt), cost);
  } else if (kdf.name === 'X25519-HKDF-SHA256') {
    if (secrets.identity === undefined) throw new BundleError('this bundle is encrypted to a recipient key: give its private key (import-bundle FILE --identity KEYFILE)');
    const privateKey = parsePrivateKey(secrets.identity);
    const ours = rawPublic(createPublicKey(privateKey));
    if (!ours.equals(unb64(kdf.recipientPublicKey))) throw new BundleError('this bundle is encrypted to another recipient key, not to this identity; it was not imported');
    const ephemeral = unb64(kdf.ephemeralPublicKey);
    key = hkdfKey(diffieHellman({ privateKey, publicKey: x25519Public(ephemeral) }), ephemeral, ours);
  } else {
    throw new BundleError('this bundle is encrypted in a way this Fieldstation does not know; it was not imported');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, unb64(sealed.encryption.iv));
    decipher.setAAD(associatedData(kdf));
    decipher.setAuthTag(unb64(sealed.encryption.tag));
    return Buffer.concat([decipher.update(unb64(sealed.ciphertext)), decipher.final()]).toString('utf8');
  } catch {
    throw new BundleError(
      kdf.name === 'scrypt'
        ? 'wrong passphrase, or the bundle was changed after it was encrypted; it was not imported'
        : 'the bundle cannot be decrypted with this identity, or it was changed after it was encrypted; it was not imported',
    );
  }
}

export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE) throw new BundleError(`the passphrase must have at least ${MIN_PASSPHRASE} characters`);
}

const associatedData = (kdf: Kdf) => Buffer.from(JSON.stringify({ format: SEALED_FORMAT, alg: 'AES-256-GCM', kdf }), 'utf8');

function scryptKey(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128 * N * r = 128 MiB).
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * 1024 * 1024 + 128 * cost.N * cost.r }, (err, key) => {
      if (err) reject(new BundleError(`cannot derive the key from the passphrase: ${err.message}`));
      else resolve(key);
    });
  });
}

/** RFC 9180 §4.1 in spirit: the key depends on the shared secret and on both public keys. */
const hkdfKey = (shared: Buffer, ephemeralRaw: Buffer, recipientRaw: Buffer) =>
  Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralRaw, recipientRaw]), HKDF_INFO, 32));

// RFC 8410 DER prefixes for raw 32-byte X25519 keys (node:crypto takes keys only as PEM/DER/JWK).
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

const x25519Public = (raw: Buffer) => createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
const rawPublic = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).subarray(-32);

/** A recipient's X25519 public key: PEM (`openssl pkey -pubout`) or the raw 32 bytes in base64. */
export function parsePublicKey(text: string): KeyObject {
  try {
    const key = text.includes('-----BEGIN') ? createPublicKey(text) : rawKey(text, (raw) => x25519Public(raw));
    if (key.asymmetricKeyType !== 'x25519') throw new Error(key.asymmetricKeyType);
    return key;
  } catch {
    throw new BundleError('the recipient key is not an X25519 public key (PEM from `openssl pkey -pubout`, or 32 bytes in base64)');
  }
}

/** An X25519 private key: PEM (`openssl genpkey -algorithm X25519`) or the raw 32 bytes in base64. */
export function parsePrivateKey(text: string): KeyObject {
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : rawKey(text, (raw) => createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' }));
    if (key.asymmetricKeyType !== 'x25519') throw new Error(key.asymmetricKeyType);
    return key;
  } catch {
    throw new BundleError('the identity is not an X25519 private key (PEM from `openssl genpkey -algorithm X25519`, or 32 bytes in base64)');
  }
}

function rawKey(text: string, make: (raw: Buffer) => KeyObject): KeyObject {
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32) throw new Error('not 32 bytes');
  return make(raw);
}

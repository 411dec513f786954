import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { CROCKFORD_ALPHABET } from '../../../shared/label-payload.ts';
import type { StationKeys } from '../keys.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
// About 50 ms per check here: slow for a guesser, and verification happens off the transaction (see service.ts).
const scryptParams = { N: 16384, r: 8, p: 1 };

/** Crockford base32 of the leading bits of `bytes` (5 bits a character). */
function base32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** A fresh token key: 10 Crockford characters (50 bits), printable and QR-alphanumeric. */
export function newTokenKey(): string {
  let key = '';
  for (let i = 0; i < 10; i++) key += CROCKFORD_ALPHABET[randomInt(32)];
  return key;
}

/** The printed secret of a token: derived, never stored, so a label can be reprinted at any time. */
export function derivedSecret(keys: StationKeys, tokenKey: string): string {
  return base32(keys.hmac('onboarding-token', tokenKey), 16);
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, 32, scryptParams);
  return `scrypt$${scryptParams.N}$${scryptParams.r}$${scryptParams.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

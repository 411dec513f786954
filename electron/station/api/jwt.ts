import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** A compact HS256 JWT (RFC 7519). Only what the station needs: sign, and verify signature + exp. */
export function signJwt(claims: Record<string, unknown>, key: Buffer): string {
  const body = `${header}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(createHmac('sha256', key).update(body).digest())}`;
}

export type JwtResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export function verifyJwt(token: string, key: Buffer, nowSeconds: number): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  // Only our own header: refusing anything else closes the "alg: none" and algorithm-confusion doors.
  if (h !== header) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

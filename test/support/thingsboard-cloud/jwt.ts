import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

// Tokens as ThingsBoard's JwtTokenFactory builds them: HS512, claims sub/userId/scopes/sessionId/iss/iat/exp,
// access tokens also carry firstName/lastName/enabled/isPublic/tenantId/customerId, refresh tokens isPublic and jti.
// Defaults for lifetimes are ThingsBoard's (thingsboard.yml: JWT_TOKEN_EXPIRATION_TIME 9000, JWT_REFRESH_TOKEN_EXPIRATION_TIME 604800).

export interface TokenUser {
  userId: string;
  username: string;
  tenantId: string;
}

export type Verified =
  | { ok: true; claims: Record<string, unknown>; token: string }
  // JwtTokenFactory.parseTokenClaims maps ExpiredJwtException AND SignatureException to JwtExpiredTokenException (401/11).
  | { ok: false; reason: 'expired' }
  // Malformed/unsupported -> BadCredentialsException (401/10).
  | { ok: false; reason: 'malformed' }
  // TokenOutdatingService: a token revoked server-side (the fake's forced expiry).
  | { ok: false; reason: 'outdated' };

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function createJwtIssuer(options: { now: () => number; accessTtlSec: number; refreshTtlSec: number }) {
  const key = randomBytes(64);
  const revoked = new Set<string>();
  const issuedAccess = new Set<string>();
  const issuedRefresh = new Set<string>();

  const sign = (claims: Record<string, unknown>) => {
    const head = b64url(JSON.stringify({ alg: 'HS512' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha512', key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  };

  const base = (user: TokenUser, scopes: string[], ttlSec: number, sessionId: string) => {
    const iat = Math.floor(options.now() / 1000);
    return {
      sub: user.username,
      userId: user.userId,
      scopes,
      sessionId,
      exp: iat + ttlSec,
      iss: 'thingsboard.io',
      iat,
    };
  };

  return {
    /** JwtTokenFactory.createTokenPair: a fresh session id for both tokens. */
    issuePair(user: TokenUser): { token: string; refreshToken: string } {
      const sessionId = randomUUID();
      const token = sign({
        ...base(user, ['TENANT_ADMIN'], options.accessTtlSec, sessionId),
        firstName: null,
        lastName: null,
        enabled: true,
        isPublic: false,
        tenantId: user.tenantId,
        customerId: '13814000-1dd2-11b2-8080-808080808080',
      });
      const refreshToken = sign({
        ...base(user, ['REFRESH_TOKEN'], options.refreshTtlSec, sessionId),
        isPublic: false,
        jti: randomUUID(),
      });
      issuedAccess.add(token);
      issuedRefresh.add(refreshToken);
      return { token, refreshToken };
    },

    verify(token: string): Verified {
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'malformed' };
      const [head, body, sig] = parts as [string, string, string];
      const expected = createHmac('sha512', key).update(`${head}.${body}`).digest();
      const given = Buffer.from(sig, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'expired' };
      let claims: Record<string, unknown>;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const exp = typeof claims.exp === 'number' ? claims.exp : 0;
      if (options.now() >= exp * 1000) return { ok: false, reason: 'expired' };
      if (revoked.has(token)) return { ok: false, reason: 'outdated' };
      return { ok: true, claims, token };
    },

    /** Forced expiry: every token issued so far stops working; tokens issued afterwards work. */
    revokeIssued(which: { access: boolean; refresh: boolean }) {
      if (which.access) for (const t of issuedAccess) revoked.add(t);
      if (which.refresh) for (const t of issuedRefresh) revoked.add(t);
    },
  };
}

export type JwtIssuer = ReturnType<typeof createJwtIssuer>;

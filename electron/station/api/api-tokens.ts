import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ApiAction } from '../../../shared/api/contract.ts';
import type { ApiTokenPayload } from '../../../shared/api-tokens.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { StationKeys } from '../keys.ts';
import type { Db } from '../store/database.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import type { Principal } from './router.ts';

const accessLifetimeMs = 30 * 60_000;
const defaultRefreshLifetimeMs = 30 * 86_400_000;

type Scoped = Extract<Principal, { kind: 'api-token' }>;

/** Scoped API tokens for scripts: signed JWTs; a row per grant so it can be listed and revoked. */
export function createApiTokens(db: Db, keys: StationKeys, now: () => number = Date.now) {
  const signingKey = keys.derive('api-token-signing');
  const insert = db.prepare(`INSERT INTO api_tokens (jti, actions, batch_ids, profile_ids, expires_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const grant = db.prepare('SELECT revoked_at FROM api_tokens WHERE jti = ?');

  function mint(jti: string, scope: Omit<Scoped, 'kind'>, refreshExpiresAt: number) {
    const iat = Math.floor(now() / 1000);
    const claims = { jti, actions: scope.actions, batchIds: scope.batchIds, profileIds: scope.profileIds, iat };
    const accessExp = Math.min(refreshExpiresAt, now() + accessLifetimeMs);
    return {
      accessToken: signJwt({ ...claims, typ: 'access', exp: Math.floor(accessExp / 1000) }, signingKey),
      refreshToken: signJwt({ ...claims, typ: 'refresh', exp: Math.floor(refreshExpiresAt / 1000) }, signingKey),
    };
  }

  function verify(token: string, typ: 'access' | 'refresh'): { principal: Scoped; jti: string; expiresAt: number } {
    const result = verifyJwt(token, signingKey, Math.floor(now() / 1000));
    if (!result.ok) throw new ApiError('unauthorized', result.reason === 'expired' ? 'the API token has expired' : 'the API token is not valid');
    const c = result.claims;
    if (c.typ !== typ) throw new ApiError('unauthorized', `a ${String(c.typ)} token was given where a ${typ} token is needed`);
    const row = grant.get(c.jti) as { revoked_at: number | null } | undefined;
    if (!row || row.revoked_at !== null) throw new ApiError('unauthorized', 'the API token was revoked');
    return {
      principal: {
        kind: 'api-token',
        actions: c.actions as ApiAction[],
        batchIds: (c.batchIds as number[] | null) ?? null,
        profileIds: (c.profileIds as number[] | null) ?? null,
      },
      jti: String(c.jti),
      expiresAt: (c.exp as number) * 1000,
    };
  }

  /** A new token may never be broader than the one asking for it. */
  function assertWithin(requested: Omit<Scoped, 'kind'>, by: Principal): void {
    if (by.kind === 'admin') return;
    const outside = requested.actions.filter((a) => !by.actions.includes(a));
    if (outside.length) throw new ApiError('forbidden', `this token may not grant ${outside.join(', ')}`);
    for (const [name, want, have] of [
      ['batches', requested.batchIds, by.batchIds],
      ['profiles', requested.profileIds, by.profileIds],
    ] as const) {
      if (have === null) continue;
      if (want === null || want.some((id) => !have.includes(id))) throw new ApiError('forbidden', `this token may not grant access to other ${name}`);
    }
  }

  return {
    verifyAccess: (token: string): Scoped => verify(token, 'access').principal,

    create(payload: z.output<typeof ApiTokenPayload>, by: Principal) {
      const scope = { actions: payload.actions, batchIds: payload.batchIds ?? null, profileIds: payload.profileIds ?? null };
      assertWithin(scope, by);
      let expiresAt = now() + defaultRefreshLifetimeMs;
      if (payload.expiration !== undefined) {
        expiresAt = Date.parse(payload.expiration);
        if (Number.isNaN(expiresAt)) throw new ApiError('invalid_params', `cannot read expiration '${payload.expiration}' as an ISO-8601 time`);
        if (expiresAt <= now()) throw new ApiError('invalid_params', 'the expiration is already in the past');
      }
      const jti = randomUUID();
      insert.run(jti, JSON.stringify(scope.actions), JSON.stringify(scope.batchIds), JSON.stringify(scope.profileIds), expiresAt, now());
      return mint(jti, scope, expiresAt);
    },

    refresh(refreshToken: string): { accessToken: string } {
      const { principal, jti, expiresAt } = verify(refreshToken, 'refresh');
      return { accessToken: mint(jti, principal, expiresAt).accessToken };
    },
  };
}
export type ApiTokens = ReturnType<typeof createApiTokens>;

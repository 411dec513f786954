import type { z } from 'zod';
import { ApiError } from '../../../shared/errors.ts';
import { encodeTokenPayload, formatShortCode } from '../../../shared/label-payload.ts';
import type { IssuedToken, IssueResult, TokenIssue, TokenRevoke, TokenState, TokenView } from '../../../shared/tokens.ts';
import type { StationKeys } from '../keys.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createTurns } from '../loop-turns.ts';
import { derivedSecret, newTokenKey } from './token-secrets.ts';
import { createTokenIssueWriter, type IssuedRows, planTokenIssue, type TokenProtection } from './token-issue.ts';

export interface TokenRow {
  id: number;
  key: string;
  protection: TokenProtection;
  secret_hash: string | null;
  device_id: number | null;
  batch_id: number | null;
  profile_id: number;
  max_uses: number;
  uses: number;
  expires_at: number | null;
  assignment: string | null;
  created_at: number;
  revoked_at: number | null;
  failed_attempts: number;
  locked_until: number | null;
  lock_count: number;
}

export function tokenState(row: TokenRow, now: number): TokenState {
  if (row.revoked_at !== null) return 'revoked';
  if (row.uses >= row.max_uses) return 'used';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  if (row.locked_until !== null && row.locked_until > now) return 'locked';
  return 'active';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Onboarding tokens: issued per device or per group, printed on labels, redeemed through the provisioning API. */
export function createOnboardingTokens(db: Db, keys: StationKeys, audit: AuditLog) {
  const batchByName = db.prepare('SELECT id, name, profile_id FROM batches WHERE name = ?');
  const writeTokens = createTokenIssueWriter(db, audit);
  const insert = db.prepare(`INSERT INTO onboarding_tokens (key, protection, secret_hash, device_id, batch_id, profile_id,
    max_uses, expires_at, assignment, created_at) VALUES (@key, @protection, @secretHash, @deviceId, @batchId, @profileId,
    @maxUses, @expiresAt, @assignment, @now)`);
  const list = db.prepare(`SELECT t.*, d.name AS device_name, b.name AS batch_name, p.name AS profile_name
    FROM onboarding_tokens t LEFT JOIN devices d ON d.id = t.device_id LEFT JOIN batches b ON b.id = t.batch_id
    JOIN profiles p ON p.id = t.profile_id WHERE (@batch IS NULL OR b.name = @batch) AND t.id > @afterId ORDER BY t.id LIMIT @limit`);
  const byId = db.prepare('SELECT * FROM onboarding_tokens WHERE id = ?');
  const deviceStateById = db.prepare('SELECT state FROM devices WHERE id = ?').pluck();
  const printableById = db.prepare(`SELECT t.*, d.name AS device_name, b.name AS batch_name FROM onboarding_tokens t
    LEFT JOIN devices d ON d.id = t.device_id LEFT JOIN batches b ON b.id = t.batch_id WHERE t.id = ?`);
  const revokeOne = db.prepare('UPDATE onboarding_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const revokeBatch = db.prepare(`UPDATE onboarding_tokens SET revoked_at = ?
    WHERE batch_id = (SELECT id FROM batches WHERE name = ?) AND revoked_at IS NULL`);

  function issuedView(row: { id: number; key: string; protection: TokenRow['protection']; expires_at: number | null; max_uses: number }, device: string | null, batch: string | null): IssuedToken {
    const secret = row.protection === 'derived' ? derivedSecret(keys, row.key) : null;
    return {
      id: row.id,
      device,
      batch,
      key: row.key,
      ...(secret === null ? {} : { secret }),
      shortCode: formatShortCode(row.key),
      protection: row.protection,
      expiresAt: iso(row.expires_at),
      maxUses: row.max_uses,
      payload: encodeTokenPayload(row.key, secret),
    };
  }

  /**
   * The written rows as the API answers them (derived secrets and label payloads need the station key), with a turn
   * of the loop every few ms: an HMAC and a payload for each of 20,000 tokens is ~100 ms of work.
   */
  async function issuedOf(written: IssuedRows): Promise<z.infer<typeof IssueResult>> {
    const turns = createTurns();
    const tokens: IssuedToken[] = [];
    for (const r of written.rows) {
      tokens.push(issuedView({ id: r.id, key: r.key, protection: written.protection, expires_at: written.expiresAt, max_uses: r.maxUses }, r.device, written.batch));
      await turns.maybe();
    }
    return { tokens, skipped: written.skipped };
  }

  return {
    /** The first half of issue(): checks and hashes on this thread (token-issue.ts); the write may run elsewhere. */
    plan: (input: z.output<typeof TokenIssue>) => planTokenIssue(db, input),
    issuedOf,

    async issue(input: z.output<typeof TokenIssue>): Promise<z.infer<typeof IssueResult>> {
      return await issuedOf(writeTokens(await planTokenIssue(db, input)));
    },

    /** A batch's tokens (or all), by id; `afterId` and `limit` read them a page at a time. */
    list(batch: string | null, page: { afterId?: number; limit?: number } = {}): TokenView[] {
      const now = Date.now();
      return (list.all({ batch, afterId: page.afterId ?? 0, limit: page.limit ?? -1 }) as (TokenRow & { device_name: string | null; batch_name: string | null; profile_name: string })[]).map((r) => ({
        id: r.id,
        key: r.key,
        shortCode: formatShortCode(r.key),
        device: r.device_name,
        batch: r.batch_name,
        profile: r.profile_name,
        protection: r.protection,
        state: tokenState(r, now),
        uses: r.uses,
        maxUses: r.max_uses,
        expiresAt: iso(r.expires_at),
        createdAt: iso(r.created_at)!,
        revokedAt: iso(r.revoked_at),
        lockedUntil: r.locked_until !== null && r.locked_until > now ? iso(r.locked_until) : null,
        failedAttempts: r.failed_attempts,
      }));
    },

    revoke(input: z.output<typeof TokenRevoke>): { revoked: number } {
      const now = Date.now();
      return db.transaction(() => {
        let revoked: number;
        if (input.id !== undefined) {
          if (!byId.get(input.id)) throw new ApiError('not_found', `no token with id ${input.id}`);
          revoked = revokeOne.run(now, input.id).changes;
        } else {
          if (!batchByName.get(input.batch!)) throw new ApiError('not_found', `no batch named '${input.batch}'`);
          revoked = revokeBatch.run(now, input.batch!).changes;
        }
        audit.append({ kind: 'tokens.revoked', details: { id: input.id ?? null, batch: input.batch ?? null, revoked } });
        return { revoked };
      })();
    },

    /**
     * Replaces a token whose label is lost or compromised: the old one is revoked, a new key carries the same device,
     * protection (the same PIN/password), expiry and remaining uses.
     */
    reissue(id: number): IssuedToken {
      return db.transaction(() => {
        const old = printableById.get(id) as (TokenRow & { device_name: string | null; batch_name: string | null }) | undefined;
        if (!old) throw new ApiError('not_found', `no token with id ${id}`);
        const now = Date.now();
        if (old.device_id !== null && (deviceStateById.get(old.device_id) as string | undefined) !== 'pending') {
          throw new ApiError('conflict', 'device already onboarded; reset it to pending first');
        }
        // A used-up token (its device reset, or a group label spent) is replaced by one good for one redemption.
        const remaining = Math.max(old.max_uses - old.uses, 1);
        revokeOne.run(now, id);
        const key = newTokenKey();
        const newId = Number(
          insert.run({
            key,
            protection: old.protection,
            secretHash: old.secret_hash,
            deviceId: old.device_id,
            batchId: old.batch_id,
            profileId: old.profile_id,
            maxUses: remaining,
            expiresAt: old.expires_at,
            assignment: old.assignment,
            now,
          }).lastInsertRowid,
        );
        audit.append({ kind: 'tokens.reissued', details: { replaced: id, by: newId } });
        return issuedView({ id: newId, key, protection: old.protection, expires_at: old.expires_at, max_uses: remaining }, old.device_name, old.batch_name);
      })();
    },

    /** The printable view of one token again (reprinting a label): derived secrets are recomputed, never stored. */
    printable(id: number): IssuedToken {
      const row = printableById.get(id) as (TokenRow & { device_name: string | null; batch_name: string | null }) | undefined;
      if (!row) throw new ApiError('not_found', `no token with id ${id}`);
      return issuedView(row, row.device_name, row.batch_name);
    },
  };
}
export type OnboardingTokens = ReturnType<typeof createOnboardingTokens>;

import type { z } from 'zod';
import { parseExpiry } from '../../../shared/durations.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { TokenIssue } from '../../../shared/tokens.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { hashSecret, newTokenKey } from './token-secrets.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// Issuing onboarding tokens in two steps, so the write (20,000 rows for a per-device batch, about a second) can run
// as one transaction on the writer thread (writer-jobs.ts) while the main loop stays free: the plan is made here on
// the main thread (batch, expiry, the slow scrypt of a PIN), the rows are written where the plan is sent.

/** How a token's secret is checked: derived from the station key (printed on the label), or a PIN/password hash. */
export type TokenProtection = 'derived' | 'pin' | 'password';

/** Everything the write needs; structured-cloneable. */
export interface TokenIssuePlan {
  batch: { id: number; name: string; profile_id: number | null };
  device: string | undefined;
  perDevice: boolean;
  uses: number | undefined;
  protection: TokenProtection;
  secretHash: string | null;
  expiresAt: number | null;
  assignment: string | null;
  now: number;
}

/** The rows written; the caller turns them into IssuedTokens (their derived secrets need the station key). */
export interface IssuedRows {
  batch: string;
  protection: TokenProtection;
  expiresAt: number | null;
  rows: { id: number; key: string; device: string | null; maxUses: number }[];
  skipped: { device: string; reason: string }[];
}

/** Checks the request and hashes its PIN or password before any transaction: scrypt must not hold the database. */
export async function planTokenIssue(db: Db, input: z.output<typeof TokenIssue>): Promise<TokenIssuePlan> {
  const now = Date.now();
  const batch = db.prepare('SELECT id, name, profile_id FROM batches WHERE name = ?').get(input.batch) as TokenIssuePlan['batch'] | undefined;
  if (!batch) throw new ApiError('not_found', `no batch named '${input.batch}'`);
  let expiresAt: number | null = null;
  if (input.expires !== undefined) {
    const parsed = parseExpiry(input.expires, now);
    if (!parsed.ok) throw new ApiError('invalid_params', parsed.message);
    expiresAt = parsed.at;
  }
  let protection: TokenProtection = 'derived';
  let secretHash: string | null = null;
  if (input.pin !== undefined) {
    // passwordIsPin: a PIN is typed on a keypad, so digits only, and long enough not to be guessed in 5 tries.
    if (!/^\d{4,16}$/.test(input.pin)) throw new ApiError('invalid_params', 'the PIN must be 4-16 digits');
    protection = 'pin';
    secretHash = await hashSecret(input.pin);
  } else if (input.password !== undefined) {
    protection = 'password';
    secretHash = await hashSecret(input.password);
  }
  const assignment = input.assignment ? JSON.stringify(input.assignment) : null;
  return { batch, device: input.device, perDevice: input.perDevice, uses: input.uses, protection, secretHash, expiresAt, assignment, now };
}

/** Writes a plan's tokens in one transaction, audited; on whichever connection `db` is. */
export function createTokenIssueWriter(db: Db, audit: AuditLog): (plan: TokenIssuePlan) => IssuedRows {
  const batchDevices = db.prepare('SELECT id, name, state, profile_id FROM devices WHERE batch_id = ? ORDER BY id');
  const deviceByName = db.prepare('SELECT id, name, state, profile_id, batch_id FROM devices WHERE name = ?');
  const activeTokenOf = db.prepare(`SELECT 1 FROM onboarding_tokens WHERE device_id = ? AND revoked_at IS NULL
    AND uses < max_uses AND (expires_at IS NULL OR expires_at > ?)`).pluck();
  const insert = db.prepare(`INSERT INTO onboarding_tokens (key, protection, secret_hash, device_id, batch_id, profile_id,
    max_uses, expires_at, assignment, created_at) VALUES (@key, @protection, @secretHash, @deviceId, @batchId, @profileId,
    @maxUses, @expiresAt, @assignment, @now)`);

  return (plan) =>
    db.transaction(() => {
      const { batch, now } = plan;
      const rows: IssuedRows['rows'] = [];
      const skipped: IssuedRows['skipped'] = [];
      const add = (deviceId: number | null, device: string | null, profileId: number, maxUses: number) => {
        const key = newTokenKey();
        const values = { key, protection: plan.protection, secretHash: plan.secretHash, deviceId, batchId: batch.id, profileId, maxUses, expiresAt: plan.expiresAt, assignment: plan.assignment, now };
        rows.push({ id: Number(insert.run(values).lastInsertRowid), key, device, maxUses });
      };
      if (plan.uses !== undefined || (!plan.perDevice && plan.device === undefined)) {
        if (batch.profile_id === null) throw new ApiError('invalid_params', `batch '${batch.name}' has no profile; set one first`);
        add(null, null, batch.profile_id, plan.uses ?? 1);
      } else {
        type D = { id: number; name: string; state: string; profile_id: number; batch_id?: number | null };
        let devices: D[];
        if (plan.device !== undefined) {
          const one = deviceByName.get(plan.device) as D | undefined;
          if (!one || one.batch_id !== batch.id) throw new ApiError('not_found', `no device '${plan.device}' in batch '${batch.name}'`);
          if (one.state !== 'pending') throw new ApiError('conflict', 'device already onboarded');
          devices = [one];
        } else {
          devices = batchDevices.all(batch.id) as D[];
        }
        for (const d of devices) {
          if (d.state !== 'pending') skipped.push({ device: d.name, reason: reasonText('alreadyOnboarded') });
          else if (activeTokenOf.get(d.id, now)) skipped.push({ device: d.name, reason: reasonText('hasActiveToken') });
          else add(d.id, d.name, d.profile_id, 1);
        }
      }
      audit.append({ kind: 'tokens.issued', details: { batch: batch.name, count: rows.length, skipped: skipped.length, protection: plan.protection } });
      return { batch: batch.name, protection: plan.protection, expiresAt: plan.expiresAt, rows, skipped };
    })();
}

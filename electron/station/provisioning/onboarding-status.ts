import type { Db } from '../store/database.ts';
import { type TokenRow, tokenState } from './onboarding-tokens.ts';
import type { OnboardingStatus } from './types.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The state behind a label's key, for the page a phone opens from a `url` QR payload. */
export function createOnboardingStatus(db: Db) {
  const byKey = db.prepare(`SELECT t.*, d.name AS device_name, d.state AS device_state, d.last_seen_at, b.name AS batch_name,
      b.site AS batch_site FROM onboarding_tokens t LEFT JOIN devices d ON d.id = t.device_id
      LEFT JOIN batches b ON b.id = t.batch_id WHERE t.key = ?`);
  return (key: string): OnboardingStatus | null => {
    const row = byKey.get(key.toUpperCase()) as
      | (TokenRow & { device_name: string | null; device_state: string | null; last_seen_at: number | null; batch_name: string | null; batch_site: string | null })
      | undefined;
    if (!row) return null;
    return {
      key: row.key,
      device: row.device_name === null ? null : { name: row.device_name, state: row.device_state ?? 'pending', lastSeenAt: iso(row.last_seen_at) },
      batch: row.batch_name,
      site: row.batch_site || null,
      token: { state: tokenState(row, Date.now()), uses: row.uses, maxUses: row.max_uses, expiresAt: iso(row.expires_at) },
    };
  };
}

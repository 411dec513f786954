import { ApiError } from '../../../shared/errors.ts';
import type { Db } from '../store/database.ts';
import type { Principal } from './router.ts';

type Scoped = Extract<Principal, { kind: 'api-token' }>;

/**
 * Batch and profile limits of scoped API tokens. Params naming a batch, profile or device outside the token's
 * scope are refused (403); lists are narrowed to what the token may see.
 */
export function createScopeGuard(db: Db) {
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const profileId = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck();
  const deviceScope = db.prepare('SELECT batch_id AS batchId, profile_id AS profileId FROM devices WHERE name = ?');

  const allows = (ids: readonly number[] | null, id: number | null | undefined) => ids === null || (id != null && ids.includes(id));

  function check(p: Scoped, params: Record<string, unknown>): void {
    if (typeof params.batch === 'string') {
      if (!allows(p.batchIds, batchId.get(params.batch) as number | undefined)) throw new ApiError('forbidden', `this API token may not access batch '${params.batch}'`);
    }
    if (typeof params.profile === 'string') {
      if (!allows(p.profileIds, profileId.get(params.profile) as number | undefined)) throw new ApiError('forbidden', `this API token may not access profile '${params.profile}'`);
    }
    if (typeof params.name === 'string' && params.batch === undefined) {
      const d = deviceScope.get(params.name) as { batchId: number | null; profileId: number } | undefined;
      if (d && (!allows(p.batchIds, d.batchId) || !allows(p.profileIds, d.profileId))) {
        throw new ApiError('forbidden', `this API token may not access device '${params.name}'`);
      }
    }
  }

  function narrow(p: Scoped, value: unknown): unknown {
    if (!Array.isArray(value)) return value;
    return value.filter((item: Record<string, unknown>) => {
      if (typeof item !== 'object' || item === null) return true;
      if ('batch' in item && p.batchIds !== null) {
        if (item.batch === null || !allows(p.batchIds, batchId.get(item.batch) as number | undefined)) return false;
      }
      if ('profile' in item && p.profileIds !== null && typeof item.profile === 'string') {
        if (!allows(p.profileIds, profileId.get(item.profile) as number | undefined)) return false;
      }
      // A batch or profile itself (its own id).
      if ('counts' in item && !allows(p.batchIds, item.id as number)) return false;
      if ('provisionDeviceKey' in item && !allows(p.profileIds, item.id as number)) return false;
      return true;
    });
  }

  return {
    before(principal: Principal, params: unknown): void {
      if (principal.kind === 'api-token' && typeof params === 'object' && params !== null) check(principal, params as Record<string, unknown>);
    },
    after(principal: Principal, value: unknown): unknown {
      return principal.kind === 'api-token' ? narrow(principal, value) : value;
    },
  };
}
export type ScopeGuard = ReturnType<typeof createScopeGuard>;

import { ApiError } from '../../../shared/errors.ts';
import type { Db } from '../store/database.ts';
import type { Principal } from './router.ts';

type Scoped = Extract<Principal, { kind: 'api-token' }>;
type Item = Record<string, unknown>;

/** Methods whose `name` param is a device name (others use `name` for profiles, targets...); `device` always is. */
const deviceNameMethods = new Set(['devices.get', 'devices.events', 'devices.markInstalled', 'devices.reset']);

/**
 * Batch and profile limits of scoped API tokens. Params naming a batch, profile or device outside the token's
 * scope are refused (403); the lists that carry batch or profile data are narrowed to what the token may see.
 */
export function createScopeGuard(db: Db) {
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const profileId = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck();
  const deviceScope = db.prepare('SELECT batch_id AS batchId, profile_id AS profileId FROM devices WHERE name = ?');

  const allows = (ids: readonly number[] | null, id: number | null | undefined) => ids === null || (id != null && ids.includes(id));
  const allowsBatchName = (p: Scoped, name: unknown) => p.batchIds === null || (typeof name === 'string' && allows(p.batchIds, batchId.get(name) as number | undefined));
  const allowsProfileName = (p: Scoped, name: unknown) =>
    p.profileIds === null || (typeof name === 'string' && allows(p.profileIds, profileId.get(name) as number | undefined));
  const allowsDevice = (p: Scoped, name: unknown) => {
    const d = typeof name === 'string' ? (deviceScope.get(name) as { batchId: number | null; profileId: number } | undefined) : undefined;
    return d === undefined || (allows(p.batchIds, d.batchId) && allows(p.profileIds, d.profileId));
  };

  /** How each list is narrowed: by the batch/profile its items belong to, or by their own id. */
  const narrowers: Record<string, (p: Scoped, item: Item) => boolean> = {
    'devices.list': (p, d) => allowsBatchName(p, d.batch) && allowsProfileName(p, d.profile),
    'tokens.list': (p, t) => allowsBatchName(p, t.batch) && allowsProfileName(p, t.profile),
    'batches.list': (p, b) => allows(p.batchIds, b.id as number) && (b.profile === null || allowsProfileName(p, b.profile)),
    'profiles.list': (p, pr) => allows(p.profileIds, pr.id as number),
    'sync.devices': (p, s) => allowsDevice(p, s.device),
  };

  function check(method: string, p: Scoped, rawParams: Item): void {
    // attributes.set / attributes.authored name their target as {level, name}: check it as that kind of param.
    const leveled = typeof rawParams.level === 'string' && typeof rawParams.name === 'string' && method.startsWith('attributes.');
    const params = leveled ? { ...rawParams, [rawParams.level as string]: rawParams.name } : rawParams;
    if (typeof params.batch === 'string' && !allowsBatchName(p, params.batch)) {
      throw new ApiError('forbidden', `this API token may not access batch '${params.batch}'`);
    }
    if (typeof params.profile === 'string' && !allowsProfileName(p, params.profile)) {
      throw new ApiError('forbidden', `this API token may not access profile '${params.profile}'`);
    }
    // A selection of devices by name (remove, move to another profile): every one must be in scope.
    if (Array.isArray(params.names)) {
      const outside = params.names.find((n) => !allowsDevice(p, n));
      if (outside !== undefined) throw new ApiError('forbidden', `this API token may not access device '${String(outside)}'`);
    }
    const device = deviceNameMethods.has(method) ? params.name : params.device;
    if (typeof device === 'string' && !allowsDevice(p, device)) {
      throw new ApiError('forbidden', `this API token may not access device '${device}'`);
    }
  }

  return {
    /** `method` is a contract method, or the name of a raw route (e.g. the labels download) for messages. */
    before(method: string, principal: Principal, params: unknown): void {
      if (principal.kind === 'api-token' && typeof params === 'object' && params !== null) check(method, principal, params as Item);
    },
    after(method: string, principal: Principal, value: unknown): unknown {
      const narrow = narrowers[method];
      if (principal.kind !== 'api-token' || !narrow || !Array.isArray(value)) return value;
      return value.filter((item: Item) => narrow(principal, item));
    },
  };
}
export type ScopeGuard = ReturnType<typeof createScopeGuard>;

import { ApiError } from '../../../../shared/errors.ts';
import type { StationKeys } from '../../keys.ts';
import type { Db } from '../../store/database.ts';
import { BundleError, exportBundle, verifyBundle } from '../../sync/bundle.ts';
import { importBundle } from '../../sync/bundle-import.ts';
import { openBundle, sealBundle, sealedWith } from '../../sync/bundle-seal.ts';
import { jsonText } from '../../json-pieces.ts';
import { oneAtATime } from '../../loop-turns.ts';
import { syncDevices, syncStatus, targetView } from '../../sync/status.ts';
import type { SyncService } from '../../sync/worker.ts';
import type { Handlers } from '../router.ts';
import type { Params, Result } from '../../../../shared/api/contract.ts';

export function syncHandlers({ db, keys, sync }: { db: Db; keys: StationKeys; sync: SyncService }) {
  const exports = oneAtATime(() => new ApiError('conflict', 'an export bundle is being made already; try again when it is done'));
  return {
    'sync.targets.list': () => sync.targets.all().map((row) => targetView(sync, row)),
    'sync.targets.add': (p) => {
      const { target } = sync.targets.add(p);
      sync.wake();
      return targetView(sync, target);
    },
    'sync.targets.remove': (p) => {
      sync.targets.remove(p.name);
      return {};
    },
    'sync.targets.update': (p) => {
      const target = sync.targets.edit(p);
      sync.wake();
      return targetView(sync, target);
    },
    'sync.targets.test': (p, ctx) => {
      // Trying credentials that are not stored sends them to a URL of the caller's choice: that is managing targets.
      const draft = Object.entries(p).some(([k, v]) => k !== 'name' && v !== undefined);
      if (draft && ctx.principal.kind === 'api-token' && !ctx.principal.actions.includes('ManageSyncTargets')) {
        throw new ApiError('forbidden', 'this API token may not ManageSyncTargets (needed to test changed settings)');
      }
      return sync.test(p);
    },
    'sync.status': () => syncStatus(db, sync),
    'sync.devices': (p) => syncDevices(db, sync, p),
    'sync.run': (p) => sync.runOnce(p.target === undefined ? {} : { target: p.target }),
    'sync.retry': (p) => {
      const targetId = p.target === undefined ? undefined : sync.targets.get(p.target).id;
      let deviceId: number | undefined;
      if (p.device !== undefined) {
        deviceId = db.prepare('SELECT id FROM devices WHERE name = ?').pluck().get(p.device) as number | undefined;
        if (deviceId === undefined) throw new ApiError('not_found', `there is no device named '${p.device}'`);
      }
      // "Try again" also means: try a target that stopped on refused credentials (fixed on the cloud's side).
      for (const row of sync.targets.all()) if (targetId === undefined || row.id === targetId) sync.targets.resume(row.id);
      const retried = sync.deliveries.retry({
        ...(targetId === undefined ? {} : { targetId }),
        ...(deviceId === undefined ? {} : { deviceId }),
        ...(p.problem === undefined ? {} : { problem: p.problem }),
        states: p.states ?? ['conflict', 'error'],
      });
      sync.wake();
      return { retried };
    },
    'sync.bundle.export': (p) => exports(() => exportText(db, keys, p)),
    'sync.bundle.import': async (p) => {
      try {
        const encryption = sealedWith(p.text);
        const opened = await openBundle(p.text, { passphrase: p.passphrase, identity: p.identity });
        const bundle = verifyBundle(opened, p.fingerprint);
        const result = importBundle(db, bundle);
        sync.wake();
        return { fingerprint: bundle.fingerprint, createdAt: bundle.payload.createdAt, encryption, ...result };
      } catch (e) {
        throw new ApiError(e instanceof BundleError ? 'bad_request' : 'conflict', (e as Error).message);
      }
    },
  } satisfies Partial<Handlers>;
}

/** The bundle's text (signed, and sealed when asked), built with turns of the loop between pieces. */
async function exportText(db: Db, keys: StationKeys, p: Params<'sync.bundle.export'>): Promise<Result<'sync.bundle.export'>> {
  let bundle: Awaited<ReturnType<typeof exportBundle>>;
  try {
    bundle = await exportBundle(db, keys, p.batch ?? null);
  } catch (e) {
    throw new ApiError('not_found', (e as Error).message);
  }
  // Pretty-printed with turns of the loop between pieces: the text of a big bundle is tens of MB.
  const signed = `${await jsonText(bundle, '  ')}\n`;
  let text = signed;
  try {
    if (p.encryptTo !== undefined) text = await sealBundle(signed, p.encryptTo);
  } catch (e) {
    throw new ApiError('bad_request', (e as Error).message);
  }
  const encryption = p.encryptTo === undefined ? 'none' : 'passphrase' in p.encryptTo ? 'passphrase' : 'recipient';
  return { text, devices: bundle.payload.devices.length, fingerprint: bundle.signature.fingerprint, encryption };
}

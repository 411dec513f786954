import type { EventBus } from '../../event-bus.ts';
import type { ImportLog } from '../../provisioning/imports.ts';
import type { Removal } from '../../provisioning/removal.ts';
import type { RevokedLogins } from '../../provisioning/revoked-logins.ts';
import type { ProvisioningJobs } from '../../provisioning/writer-jobs.ts';
import type { WriteGate } from '../../store/write-gate.ts';
import type { Writer } from '../../store/writer-thread.ts';
import type { Handlers } from '../router.ts';

interface RemovalDeps {
  removal: Removal;
  imports: ImportLog;
  /** Removals and profile moves run there, one transaction each, off this event loop (writer-jobs.ts). */
  writer: Writer<ProvisioningJobs>;
  gate: WriteGate;
  /** Removed devices lose their login: their open MQTT sessions are closed (revoked-logins.ts). */
  logins: RevokedLogins;
  bus: EventBus;
}

/** Removing and undoing (provisioning/removal.ts), and moving devices to another profile. */
export function removalHandlers({ removal, imports, writer, gate, logins, bus }: RemovalDeps) {
  // Lists refetch instead of receiving one event per removed device (a batch may hold 10,000).
  const changed = (batches: readonly string[]) => {
    bus.publish({ type: 'changed', entity: 'devices', batch: batches.length === 1 ? batches[0]! : null });
    bus.publish({ type: 'changed', entity: 'batches', batch: null });
    bus.publish({ type: 'changed', entity: 'tokens', batch: null });
  };
  // Events only after the writer committed: nobody hears of a removal that a crash could still undo.
  const run = async (selection: ProvisioningJobs['removeDevices']['input']['selection'], provisioned: ProvisioningJobs['removeDevices']['input']['provisioned']) => {
    const { batches, ids, ...result } = await gate.exclusive(() => writer.run('removeDevices', { selection, provisioned }));
    if (result.removed > 0 || result.batchRemoved) changed(batches);
    logins.revoke(ids);
    return result;
  };
  return {
    'imports.list': (p) => imports.list(p.batch ?? null, p.limit),
    'imports.undo': (p) => run({ importId: p.id }, p.provisioned),
    'devices.removal.preview': (p) => removal.preview(p),
    'devices.remove': ({ provisioned, ...selection }) => run(selection, provisioned),
    'batches.remove': (p) => run({ batch: p.batch }, p.provisioned),
    'devices.setProfile': async (p) => {
      const { moved } = await gate.exclusive(() => writer.run('setProfile', { names: p.names, profile: p.profile }));
      if (moved > 0) bus.publish({ type: 'changed', entity: 'devices', batch: null });
      return { moved };
    },
  } satisfies Partial<Handlers>;
}

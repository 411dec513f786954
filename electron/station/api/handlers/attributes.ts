import { ApiError } from '../../../../shared/errors.ts';
import type { AttributeAuthoring } from '../../device-api/authoring.ts';
import type { DeviceApi } from '../../device-api/service.ts';
import type { Db } from '../../store/database.ts';
import type { EventBus } from '../../event-bus.ts';
import type { Handlers } from '../router.ts';

interface Deps {
  db: Db;
  bus: EventBus;
  authoring: AttributeAuthoring;
  deviceApi: DeviceApi;
}

/** Shared attributes and server-side RPC: the station's side of ThingsBoard's device API after provisioning. */
export function attributeHandlers({ db, bus, authoring, deviceApi }: Deps) {
  const deviceByName = db.prepare('SELECT id, name FROM devices WHERE name = ?');
  return {
    'attributes.set': (p) => {
      const result = authoring.set(p);
      bus.publish({ type: 'changed', entity: 'attributes', batch: p.level === 'batch' ? p.name : null });
      return result;
    },
    'attributes.list': (p) => authoring.ofDevice(p.device),
    'attributes.authored': (p) => authoring.authored(p.level, p.name),
    'rpc.send': async (p) => {
      const device = deviceByName.get(p.device) as { id: number; name: string } | undefined;
      if (!device) throw new ApiError('not_found', `no device named '${p.device}'`);
      const outcome = await deviceApi.sendRpc(device, p.method, p.params, p.timeoutMs);
      if (outcome.ok) return { id: outcome.id, response: parseAnswer(outcome.payload) };
      const seconds = `${p.timeoutMs / 1000} s`;
      // RpcError.TIMEOUT / NO_ACTIVE_CONNECTION, said plainly.
      throw new ApiError(
        'timeout',
        outcome.error === 'TIMEOUT'
          ? `device '${device.name}' received RPC '${p.method}' but did not answer within ${seconds}`
          : `device '${device.name}' was not listening for RPC within ${seconds} (connect it and subscribe to RPC requests)`,
        { error: outcome.error, id: outcome.id },
      );
    },
  } satisfies Partial<Handlers>;
}

function parseAnswer(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

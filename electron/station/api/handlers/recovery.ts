import type { EventBus } from '../../event-bus.ts';
import type { Recovery } from '../../provisioning/recovery.ts';
import type { RevokedLogins } from '../../provisioning/revoked-logins.ts';
import { withoutSecret } from '../../store/devices.ts';
import type { Handlers } from '../router.ts';

/** The way back for stuck devices (provisioning/recovery.ts): the UI's device drawer and token dialog, the CLI. */
export function recoveryHandlers({ recovery, bus, logins }: { recovery: Recovery; bus: EventBus; logins: RevokedLogins }) {
  return {
    'devices.reset': (p) => {
      const { device, tokensFreed } = recovery.reset(p.name, p.keepCredentials);
      // Credentials dropped: a session that logged in with them must not go on (revoked-logins.ts).
      if (!p.keepCredentials) logins.revoke([device.id]);
      const shown = withoutSecret(device);
      bus.publish({ type: 'device', device: shown });
      bus.publish({ type: 'changed', entity: 'devices', batch: device.batch });
      if (tokensFreed.length > 0) bus.publish({ type: 'changed', entity: 'tokens', batch: device.batch });
      return { device: shown, tokensFreed };
    },
    'tokens.unlock': async (p) => {
      const result = await recovery.unlock(p.id, p.secret);
      if (result.unlocked) bus.publish({ type: 'changed', entity: 'tokens', batch: null });
      return result;
    },
    'tokens.allowMore': (p) => {
      const result = recovery.allowMore(p.id, p.uses);
      bus.publish({ type: 'changed', entity: 'tokens', batch: null });
      return result;
    },
  } satisfies Partial<Handlers>;
}

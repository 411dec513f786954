import type { EventBus } from '../../event-bus.ts';
import type { Batches } from '../../provisioning/batches.ts';
import type { DeviceImport } from '../../provisioning/import-devices.ts';
import type { OnboardingTokens } from '../../provisioning/onboarding-tokens.ts';
import type { Handlers } from '../router.ts';

interface Deps {
  batches: Batches;
  tokens: OnboardingTokens;
  deviceImport: DeviceImport;
  bus: EventBus;
}

export function onboardingHandlers({ batches, tokens, deviceImport, bus }: Deps) {
  return {
    'devices.import': (p, ctx) =>
      deviceImport.run({
        ...p,
        onProgress: (done, total) => {
          ctx.onProgress?.(done, total);
          bus.publish({ type: 'progress', task: `import:${p.batch}`, done, total });
        },
      }),
    'batches.list': () => batches.list(),
    'batches.get': (p) => batches.get(p.batch),
    'batches.create': (p) => batches.create(p),
    'batches.update': (p) => batches.update(p),
    'tokens.issue': (p) => tokens.issue(p),
    'tokens.list': (p) => tokens.list(p.batch ?? null),
    'tokens.revoke': (p) => tokens.revoke(p),
    'tokens.printable': (p) => tokens.printable(p.id),
    'tokens.reissue': (p) => tokens.reissue(p.id),
  } satisfies Partial<Handlers>;
}

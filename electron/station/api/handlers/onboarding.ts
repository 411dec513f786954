import type { EventBus } from '../../event-bus.ts';
import type { Batches } from '../../provisioning/batches.ts';
import type { DeviceImport } from '../../provisioning/import-devices.ts';
import type { OnboardingTokens } from '../../provisioning/onboarding-tokens.ts';
import type { Handlers } from '../router.ts';
import { readInPages } from '../../loop-turns.ts';

interface Deps {
  batches: Batches;
  tokens: OnboardingTokens;
  deviceImport: DeviceImport;
  bus: EventBus;
}

export function onboardingHandlers({ batches, tokens, deviceImport, bus }: Deps) {
  const changed = <T>(entity: 'batches' | 'devices' | 'tokens', value: T, batch: string | null = null): T => {
    bus.publish({ type: 'changed', entity, batch });
    return value;
  };
  return {
    'devices.import': (p, ctx) => {
      const report = deviceImport.run({
        ...p,
        onProgress: (done, total) => {
          ctx.onProgress?.(done, total);
          bus.publish({ type: 'progress', task: `import:${p.batch}`, done, total });
        },
      });
      return report.dryRun || report.problems.length > 0 ? report : changed('devices', report, p.batch);
    },
    'batches.list': () => batches.list(),
    'batches.get': (p) => batches.get(p.batch),
    'batches.create': (p) => changed('batches', batches.create(p), p.name),
    'batches.update': (p) => changed('batches', batches.update(p), p.batch),
    'tokens.issue': async (p) => changed('tokens', await tokens.issue(p), p.batch),
    // A batch of 100,000 per-device tokens is read in pages, the loop free between them (loop-turns.ts).
    'tokens.list': (p) => readInPages((afterId, limit) => tokens.list(p.batch ?? null, { afterId, limit }), (t) => t.id),
    'tokens.revoke': (p) => changed('tokens', tokens.revoke(p), p.batch ?? null),
    'tokens.printable': (p) => tokens.printable(p.id),
    'tokens.reissue': (p) => changed('tokens', tokens.reissue(p.id)),
  } satisfies Partial<Handlers>;
}

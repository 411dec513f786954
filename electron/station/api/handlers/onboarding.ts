import type { EventBus } from '../../event-bus.ts';
import type { Batches } from '../../provisioning/batches.ts';
import type { OnboardingTokens } from '../../provisioning/onboarding-tokens.ts';
import type { ProvisioningJobs } from '../../provisioning/writer-jobs.ts';
import type { WriteGate } from '../../store/write-gate.ts';
import type { Writer } from '../../store/writer-thread.ts';
import type { Handlers } from '../router.ts';
import { readInPages } from '../../loop-turns.ts';

interface Deps {
  batches: Batches;
  tokens: OnboardingTokens;
  /** Imports and tokens are written there, one transaction each, off this event loop (writer-jobs.ts). */
  writer: Writer<ProvisioningJobs>;
  gate: WriteGate;
  bus: EventBus;
}

export function onboardingHandlers({ batches, tokens, writer, gate, bus }: Deps) {
  const changed = <T>(entity: 'batches' | 'devices' | 'tokens', value: T, batch: string | null = null): T => {
    bus.publish({ type: 'changed', entity, batch });
    return value;
  };
  return {
    // Parsed, checked and written on the writer thread, the loop free meanwhile; the gate is closed even for a dry
    // run or a refused file, which write nothing: the job still runs in a writer transaction.
    'devices.import': async (p, ctx) => {
      const onProgress = (done: number, total: number) => {
        ctx.onProgress?.(done, total);
        bus.publish({ type: 'progress', task: `import:${p.batch}`, done, total });
      };
      const report = await gate.exclusive(() => writer.run('importDevices', p, { onProgress }));
      return report.dryRun || report.problems.length > 0 ? report : changed('devices', report, p.batch);
    },
    'batches.list': () => batches.list(),
    'batches.get': (p) => batches.get(p.batch),
    'batches.create': (p) => changed('batches', batches.create(p), p.name),
    'batches.update': (p) => changed('batches', batches.update(p), p.batch),
    'tokens.issue': async (p) => {
      const plan = await tokens.plan(p);
      const written = await gate.exclusive(() => writer.run('issueTokens', plan));
      return changed('tokens', await tokens.issuedOf(written), p.batch);
    },
    // A batch of 100,000 per-device tokens is read in pages, the loop free between them (loop-turns.ts).
    'tokens.list': (p) => readInPages((afterId, limit) => tokens.list(p.batch ?? null, { afterId, limit }), (t) => t.id),
    'tokens.revoke': (p) => changed('tokens', tokens.revoke(p), p.batch ?? null),
    'tokens.printable': (p) => tokens.printable(p.id),
    'tokens.reissue': (p) => changed('tokens', tokens.reissue(p.id)),
  } satisfies Partial<Handlers>;
}

import type { Batches } from '../../provisioning/batches.ts';
import type { OnboardingTokens } from '../../provisioning/onboarding-tokens.ts';
import type { Handlers } from '../router.ts';

export function onboardingHandlers({ batches, tokens }: { batches: Batches; tokens: OnboardingTokens }) {
  return {
    'batches.list': () => batches.list(),
    'batches.get': (p) => batches.get(p.batch),
    'batches.create': (p) => batches.create(p),
    'batches.update': (p) => batches.update(p),
    'tokens.issue': (p) => tokens.issue(p),
    'tokens.list': (p) => tokens.list(p.batch ?? null),
    'tokens.revoke': (p) => tokens.revoke(p),
    'tokens.printable': (p) => tokens.printable(p.id),
  } satisfies Partial<Handlers>;
}

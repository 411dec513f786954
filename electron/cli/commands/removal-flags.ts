import type { ProvisionedChoice, RemovalResult } from '../../../shared/removal.ts';
import { type ParsedArgs, UsageError } from '../command.ts';

/** `--include-provisioned` / `--keep-provisioned`: what a removal does with devices that already provisioned. */
export const provisionedOptions = { 'include-provisioned': { type: 'boolean' }, 'keep-provisioned': { type: 'boolean' } } as const;

export function provisionedChoice(args: ParsedArgs, keepAllowed: boolean): ProvisionedChoice {
  const include = args.values['include-provisioned'] === true;
  const keep = args.values['keep-provisioned'] === true;
  if (include && keep) throw new UsageError('give --include-provisioned or --keep-provisioned, not both');
  if (keep && !keepAllowed) throw new UsageError('--keep-provisioned does not apply here: a batch goes with all its devices or not at all');
  return include ? 'remove' : keep ? 'keep' : 'refuse';
}

export function describeRemoval(r: RemovalResult, what: string): string {
  const kept = r.kept ? `; ${r.kept} provisioned kept` : '';
  return `${what}: ${r.removed} device${r.removed === 1 ? '' : 's'} removed${kept}`;
}

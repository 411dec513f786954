import type { TargetFailure } from './http-errors.ts';

// What a target answered for one device or one batch, before the worker turns it into stored state.

export type ChannelResult =
  | { kind: 'confirmed'; cloudId: string | null }
  /** `cause`: the stable key of the kind of conflict (see failureCause). */
  | { kind: 'conflict'; message: string; detail: unknown; cause: string }
  | { kind: 'failed'; failure: TargetFailure };

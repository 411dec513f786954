import type { TargetFailure } from './http-errors.ts';

// What a target answered for one device or one batch, before the worker turns it into stored state.

export type ChannelResult =
  | { kind: 'confirmed'; cloudId: string | null }
  | { kind: 'conflict'; message: string; detail: unknown }
  | { kind: 'failed'; failure: TargetFailure };

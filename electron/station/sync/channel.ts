import type { TargetFailure } from './http-errors.ts';

// What a target answered for one device or one batch, before the worker turns it into stored state.

export type ChannelResult =
  /** `telemetryThrough`: the device's telemetry rows the target now has, up to this id. */
  | { kind: 'confirmed'; cloudId: string | null; telemetryThrough?: number }
  /** `cause`: the stable key of the kind of conflict (see failureCause). */
  | { kind: 'conflict'; message: string; detail: unknown; cause: string }
  | { kind: 'failed'; failure: TargetFailure };

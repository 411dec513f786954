// The logic behind every ipcMain handler: refuse senders that are not our own page's top frame,
// parse the arguments, run the verb, and answer with a value, never a rejection (STYLE.md §2, §10).
// Pure (no `electron` import): ipc.ts adapts Electron's event to it, and tests call it directly.
import { z } from 'zod';
import type { DesktopResult, DesktopVerb, VerbArgs, VerbResult } from '../../shared/desktop-bridge.ts';
import { isTrustedSender, type SenderFrame } from './navigation-policy.ts';

/** One implementation per declared verb; the compiler checks none is missing. */
export type VerbHandlers = {
  readonly [V in DesktopVerb]: (...args: VerbArgs<V>) => VerbResult<V> | Promise<VerbResult<V>>;
};

export interface VerbSchemas<A extends unknown[], R> {
  readonly args: z.ZodType<A, unknown>;
  readonly result: z.ZodType<R, unknown>;
}

export type VerbInvoker<R> = (frame: SenderFrame | null | undefined, rawArgs: unknown[]) => Promise<DesktopResult<R>>;

export function createVerbInvoker<A extends unknown[], R>(
  schemas: VerbSchemas<A, R>,
  fn: (...args: A) => R | Promise<R>,
  appOrigin: () => string | null,
): VerbInvoker<R> {
  return async (frame, rawArgs) => {
    if (!isTrustedSender(frame, appOrigin())) {
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This call is only accepted from the Fieldstation window.' } };
    }
    const args = schemas.args.safeParse(rawArgs);
    if (!args.success) {
      return { ok: false, error: { code: 'INVALID_ARGUMENTS', message: z.prettifyError(args.error) } };
    }
    try {
      // Parsing the result too means the renderer never receives more than the contract declares.
      return { ok: true, value: schemas.result.parse(await fn(...args.data)) };
    } catch (err) {
      return { ok: false, error: { code: 'FAILED', message: err instanceof Error ? err.message : String(err) } };
    }
  };
}

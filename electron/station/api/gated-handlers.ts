import { gateOpen, type WriteGate } from '../store/write-gate.ts';
import type { Handlers } from './router.ts';

/**
 * The methods that close the gate themselves around their writer-thread job (handlers/removal.ts, onboarding.ts);
 * every other admin call waits for it.
 */
export const gatedMethods: ReadonlySet<string> = new Set(['imports.undo', 'devices.remove', 'batches.remove', 'devices.setProfile', 'tokens.issue', 'devices.import']);

/**
 * Every admin call except those that close the gate themselves waits while a long writer-thread job runs
 * (store/write-gate.ts): many of them write on the main connection, and waiting for SQLite's lock there would hold
 * the event loop for the job's whole length. Open, a call goes straight through (no extra turn).
 */
export function waitingForGate(handlers: Handlers, gate: WriteGate, own: ReadonlySet<string>): Handlers {
  const table = handlers as Record<string, (params: unknown, ctx: unknown) => unknown>;
  const out: Record<string, (params: unknown, ctx: unknown) => unknown> = {};
  for (const [method, handler] of Object.entries(table)) {
    out[method] = own.has(method)
      ? handler
      : (params, ctx) => (gate.closed() ? gateOpen(gate).then(() => handler(params, ctx)) : handler(params, ctx));
  }
  return out as Handlers;
}

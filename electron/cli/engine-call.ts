import { ADMIN } from '../station/api/router.ts';
import { type Engine, openEngine } from '../station/engine.ts';
import { defaultDataDir } from '../station/data-dir.ts';
import type { MethodName, ParamsIn, Result } from '../../shared/api/contract.ts';
import { type ParsedArgs, stringOption } from './command.ts';

/** An admin API error, printed as its plain message. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type Call = <M extends MethodName>(method: M, params: ParamsIn<M>) => Promise<Result<M>>;

/**
 * Runs CLI work against the data directory through the same router the UI uses, so a command behaves exactly
 * like the API whether or not a station is serving that directory (SQLite WAL lets both write).
 */
export async function withEngine<T>(args: ParsedArgs, work: (call: Call, engine: Engine) => Promise<T>): Promise<T> {
  const engine = openEngine({ dataDir: stringOption(args, 'data') ?? defaultDataDir() });
  const call: Call = async (method, params) => {
    const reply = await engine.router.call(method, params, ADMIN);
    if (!reply.ok) throw new CommandError(reply.error.message);
    return reply.value as never;
  };
  try {
    return await work(call, engine);
  } finally {
    await engine.close();
  }
}

/** Prints rows as an aligned plain-text table (or a line saying there are none). */
export function printTable(rows: Record<string, unknown>[], columns: string[], empty: string): void {
  if (rows.length === 0) {
    console.log(empty);
    return;
  }
  const text = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  // A loop, not Math.max(...rows): spreading a few hundred thousand arguments overflows the stack.
  const widths = columns.map((c) => rows.reduce((w, r) => Math.max(w, text(r[c]).length), c.length));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  // One write for the whole table: 100,000 console.log calls cost far more than one string (exit.ts waits for it).
  process.stdout.write(`${[line(columns), ...rows.map((r) => line(columns.map((c) => text(r[c]))))].join('\n')}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

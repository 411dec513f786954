import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake of the person typing: printed as one plain line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** Whether positional arguments are accepted (e.g. the file of `import`). */
  positionals?: boolean;
  run(args: ParsedArgs): Promise<number | undefined> | number | undefined;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export const dataOption: Options = { data: { type: 'string' }, json: { type: 'boolean' } };

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: command.options,
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    // node's messages are fine but long; keep the first sentence and point at the usage.
    const message = (err as Error).message.split('. ')[0]!.replace(/^Unknown option/, 'unknown option');
    throw new UsageError(`${message} (usage: ${command.usage})`);
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(args: ParsedArgs, name: string): string {
  const value = stringOption(args, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A flag that takes one of a fixed set of words; the error lists them. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T | undefined {
  const value = stringOption(args, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

export function requiredChoice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T {
  const value = choiceOption(args, name, allowed);
  if (value === undefined) throw new UsageError(`--${name} is required (one of ${allowed.join(', ')})`);
  return value;
}

/** A port flag: 0..65535, 0 picks a free port. */
export function portOption(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--${name} must be a port number from 0 to 65535, not '${raw}'`);
  return port;
}

/** A count flag: a whole number from 1 to `max`; `fallback` when not given (required when there is none). */
export function positiveInteger(args: ParsedArgs, name: string, fallback: number | undefined, max: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not '${raw}'`);
  return n;
}

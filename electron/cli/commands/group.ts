import { type Command, parseCommandArgs, UsageError } from '../command.ts';

/** A command with sub-commands (`profile add`, `tokens issue`, ...). */
export function group(name: string, summary: string, subcommands: Record<string, Command>): Command & { subcommands: Record<string, Command> } {
  const names = Object.keys(subcommands).join('|');
  return {
    summary,
    usage: `fieldstation ${name} ${names} [options]`,
    options: {},
    subcommands,
    positionals: true,
    run() {
      throw new UsageError(`usage: fieldstation ${name} ${names}`);
    },
  };
}

/** Resolves `argv` after the group's name to the sub-command and its parsed arguments. */
export function resolveSubcommand(command: Command & { subcommands?: Record<string, Command> }, name: string, argv: string[]) {
  if (!command.subcommands) return { command, args: parseCommandArgs(command, argv) };
  const [sub, ...rest] = argv;
  const chosen = sub === undefined ? undefined : command.subcommands[sub];
  if (!chosen) {
    const known = Object.keys(command.subcommands).join(', ');
    throw new UsageError(sub === undefined ? `${name} needs a sub-command: ${known}` : `unknown ${name} sub-command '${sub}' (expected ${known})`);
  }
  return { command: chosen, args: parseCommandArgs(chosen, rest) };
}

import { DataDirError } from '../station/data-dir.ts';
import { ListenError } from '../station/net/listen.ts';
import { version } from '../station/paths.ts';
import { type Command, UsageError } from './command.ts';
import { apiToken } from './commands/api-token.ts';
import { attributes } from './commands/attributes.ts';
import { batch } from './commands/batch.ts';
import { imports } from './commands/imports.ts';
import { ca } from './commands/ca.ts';
import { device, devices } from './commands/devices.ts';
import { exportCommand, importBundleCommand } from './commands/export.ts';
import { handover } from './commands/handover.ts';
import { importCommand } from './commands/import.ts';
import { labels } from './commands/labels.ts';
import { resolveSubcommand } from './commands/group.ts';
import { profile } from './commands/profile.ts';
import { rpc } from './commands/rpc.ts';
import { serve } from './commands/serve.ts';
import { simulate } from './commands/simulate.ts';
import { sync } from './commands/sync.ts';
import { tokens } from './commands/tokens.ts';
import { uiUrl } from './commands/ui-url.ts';
import { CommandError } from './engine-call.ts';

const commands: Record<string, Command> = { serve, profile, batch, device, devices, import: importCommand, imports, tokens, labels, 'api-token': apiToken, simulate, sync, export: exportCommand, 'import-bundle': importBundleCommand, handover, attributes, rpc, ca, 'ui-url': uiUrl };

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Fieldstation ${version}: onboard fleets of IoT devices at install sites.\n\nUsage: fieldstation <command> [options]\n\n${lines.join('\n')}\n\nEvery command takes --data DIR (or FIELDSTATION_DATA).`;
}

/** Runs one CLI invocation; every failure is one plain line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version);
    return 0;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (see fieldstation --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      const sub = 'subcommands' in command ? (command.subcommands as Record<string, Command>)[rest[0] ?? ''] : undefined;
      const shown = sub ?? command;
      console.log(`${shown.usage}\n\n${shown.summary}`);
      return 0;
    }
    const resolved = resolveSubcommand(command, name, rest);
    return (await resolved.command.run(resolved.args)) ?? 0;
  } catch (err) {
    console.error(`fieldstation: ${describe(err)}`);
    if (process.env.FIELDSTATION_DEBUG && err instanceof Error) console.error(err.stack);
    return err instanceof UsageError ? 2 : 1;
  }
}

function describe(err: unknown): string {
  if (err instanceof UsageError || err instanceof CommandError || err instanceof DataDirError || err instanceof ListenError) {
    return err.message;
  }
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err);
}

import { main } from './cli.ts';

const exitCode = await main(process.argv.slice(2));
// Output to a pipe is written asynchronously: exiting at once cut `devices --json | jq` at 64 KiB. An empty write's
// callback runs once everything written before it is flushed.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Commands other than serve hold nothing open once done; serve resolves only after a clean stop.
process.exit(exitCode);

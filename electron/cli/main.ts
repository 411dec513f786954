import { main } from './cli.ts';

const exitCode = await main(process.argv.slice(2));
// Commands other than serve hold nothing open once done; serve resolves only after a clean stop.
process.exit(exitCode);

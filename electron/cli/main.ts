import { main } from './cli.ts';
import { endQuietlyWhenReaderGoes, exitWhenWritten } from './exit.ts';

endQuietlyWhenReaderGoes();
// Every exit path (success, error, --json, tables, serve after a clean stop) ends here, once output is delivered.
await exitWhenWritten(await main(process.argv.slice(2)));

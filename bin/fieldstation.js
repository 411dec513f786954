#!/usr/bin/env node
// The `fieldstation` command: runs the built CLI (npm ci builds it through the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  console.error('fieldstation: not built yet; run `npm run build` in the Fieldstation folder first');
  process.exitCode = 1;
} else {
  await import(cli.href);
}

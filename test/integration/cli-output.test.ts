import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// Scripts read the CLI's JSON through a pipe (`fieldstation devices --json | jq`). Node writes to a pipe
// asynchronously, so a CLI that exits right after printing cut its output at the pipe's 64 KiB.

describe('CLI output through a pipe', () => {
  it('devices --json prints all of a large list before exiting', async () => {
    const data = tempDir();
    expect(runCli(['profile', 'add', '--data', data, '--name', 'meters', '--key', 'k', '--secret', 's', '--strategy', 'allow-create']).status).toBe(0);
    const csv = join(data, 'devices.csv');
    writeFileSync(csv, `name\n${Array.from({ length: 800 }, (_, i) => `pipe-device-${i}`).join('\n')}\n`);
    const imported = runCli(['import', '--data', data, '--profile', 'meters', '--batch', 'big', csv]);
    expect(imported.status, imported.stderr).toBe(0);

    // A pipe read slowly, as `| jq` on a busy machine does: the writer must wait for it rather than exit.
    const child = spawn(process.execPath, [cliPath, 'devices', '--data', data, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 5);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const text = Buffer.concat(chunks).toString('utf8');
    expect(code).toBe(0);
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect((JSON.parse(text) as unknown[]).length).toBe(800);
  }, 120_000);
});

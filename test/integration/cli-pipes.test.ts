import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// The built CLI writing into a real OS pipe whose other end is another process, as in
// `fieldstation devices --json | python3 -c 'import json,sys; json.load(sys.stdin)'`. Node writes to pipes
// asynchronously, so output bigger than the pipe's 64 KiB buffer arrives whole only if the CLI waits for it.

const deviceCount = 5_000;

interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ReturnType<typeof spawn>): Promise<Ended> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return once(child, 'close').then(([status, signal]) => {
    clearTimeout(timer);
    return { status, signal, stdout, stderr };
  });
}

/**
 * Runs `fieldstation ARGS` with its stdout (or stderr) connected straight to the stdin of `consumer`, a pipe
 * between the two processes that this test never reads from.
 */
async function pipe(args: string[], consumer: [string, ...string[]], from: 'stdout' | 'stderr' = 'stdout') {
  const reader = spawn(consumer[0], consumer.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdio = from === 'stdout' ? (['ignore', reader.stdin, 'pipe'] as const) : (['ignore', 'pipe', reader.stdin] as const);
  const cli = spawn(process.execPath, [cliPath, ...args], { stdio: [...stdio] });
  // The child holds its own copy of the pipe; closing ours lets the reader see end-of-file when the CLI exits.
  reader.stdin.destroy();
  const [cliEnded, readerEnded] = await Promise.all([collect(cli), collect(reader)]);
  return { cli: cliEnded, reader: readerEnded };
}

// Parses stdin whole as JSON and prints the length of the array; any truncation is a parse error, exit 1.
const pythonCount = ['/usr/bin/python3', '-c', 'import json,sys; print(len(json.load(sys.stdin)))'] as [string, ...string[]];

describe('CLI output through a pipe', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    const csv = ['name,serial', ...Array.from({ length: deviceCount }, (_, i) => `pipe-${String(i).padStart(5, '0')},SN${i}`)].join('\n');
    writeFileSync(join(dataDir, 'devices.csv'), `${csv}\n`);
    const steps = [
      ['profile', 'add', '--name', 'fleet', '--key', 'fk', '--secret', 'fs', '--strategy', 'allow-create'],
      ['import', '--profile', 'fleet', '--batch', 'site-1', join(dataDir, 'devices.csv')],
      ['tokens', 'issue', '--batch', 'site-1', '--per-device', '--json'],
    ];
    for (const step of steps) {
      const r = await runCliAsync([...step, '--data', dataDir]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  }, 60_000);

  it('hands a consumer the whole `devices --json` of 5,000 devices', async () => {
    const { cli, reader } = await pipe(['devices', '--json', '--data', dataDir], pythonCount);
    expect(reader.stderr).toBe('');
    expect(reader.stdout.trim()).toBe(String(deviceCount));
    expect(cli).toMatchObject({ status: 0, stderr: '' });
  });

  it('hands a consumer the whole `tokens list --json` of 5,000 tokens', async () => {
    const { cli, reader } = await pipe(['tokens', 'list', '--json', '--data', dataDir], pythonCount);
    expect(reader.stderr).toBe('');
    expect(reader.stdout.trim()).toBe(String(deviceCount));
    expect(cli).toMatchObject({ status: 0, stderr: '' });
  });

  it('hands a consumer the whole `labels --list-templates --json`', async () => {
    const { cli, reader } = await pipe(['labels', '--list-templates', '--json', '--data', dataDir], pythonCount);
    expect(reader.stderr).toBe('');
    expect(Number(reader.stdout.trim())).toBeGreaterThanOrEqual(8);
    expect(cli).toMatchObject({ status: 0, stderr: '' });
  });

  it('hands a consumer the whole `devices` table: a header and one line per device', async () => {
    const { cli, reader } = await pipe(['devices', '--data', dataDir], ['/usr/bin/wc', '-l']);
    expect(reader.stdout.trim()).toBe(String(deviceCount + 1));
    expect(cli).toMatchObject({ status: 0, stderr: '' });
  });

  it('ends quietly when the reader stops after one line: `devices | head -1`', async () => {
    const { cli, reader } = await pipe(['devices', '--data', dataDir], ['/usr/bin/head', '-1']);
    expect(reader.stdout).toMatch(/^name\s+profile\s+batch\s+state/);
    expect(reader.stdout.split('\n')).toHaveLength(2);
    expect(cli).toMatchObject({ status: 0, signal: null, stderr: '' });
  });

  it('hands a piped stderr the one-line error of a bad command, with a non-zero exit', async () => {
    const { cli, reader } = await pipe(['devices', '--state', 'lost', '--data', dataDir], ['/bin/cat'], 'stderr');
    expect(reader.stdout).toMatch(/^fieldstation: --state must be one of pending, provisioned, online.*, not 'lost'\n$/);
    expect(cli).toMatchObject({ status: 2, stdout: '' });
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Third-party device clients, run as child processes the way a technician (or a device's firmware) would use them:
// Debian's curl and libcoap's coap-client-notls. Every run is bounded by the client's own timeout and a kill timer.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A network namespace to run the client in (`ip netns exec NS …`), as a device on another host of the LAN. */
export type InNamespace = { netns?: string };

function run(command: string, args: string[], input: string | Buffer | undefined, killAfterMs: number, netns?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = netns === undefined ? [command, args] : ['ip', ['netns', 'exec', netns, command, ...args]];
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A server that refuses early (413) may close before the whole body is written: that is not our failure.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

export interface CurlReply {
  /** HTTP status; 0 when curl got no reply at all. */
  status: number;
  /** The body exactly as received. */
  body: string;
  contentType: string;
  /** curl's own complaint when it failed (exit code ≠ 0), else ''. */
  error: string;
}

const marker = '\n--curl-write-out--';

/** `curl -X METHOD [--data-binary @-] URL`, as a device's HTTP stack would send it (content-type application/json). */
export async function curl(
  url: string,
  options: { method?: string; body?: string | Buffer; headers?: Record<string, string>; timeoutSec?: number } & InNamespace = {},
): Promise<CurlReply> {
  const timeoutSec = options.timeoutSec ?? 10;
  const args = ['-sS', '--max-time', String(timeoutSec), '-X', options.method ?? 'POST'];
  if (options.body !== undefined) args.push('--data-binary', '@-', '-H', 'content-type: application/json');
  // `Name:` with no value makes curl drop a header it would add itself (e.g. Expect).
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', value === '' ? `${name}:` : `${name}: ${value}`);
  args.push('--write-out', `${marker}%{http_code} %{content_type}`, url);
  const r = await run('curl', args, options.body, (timeoutSec + 5) * 1000, options.netns);
  const at = r.stdout.lastIndexOf(marker);
  if (at === -1) throw new Error(`curl produced no status (exit ${r.code}): ${r.stderr}`);
  const [status, contentType = ''] = r.stdout.slice(at + marker.length).split(' ');
  return { status: Number(status), body: r.stdout.slice(0, at), contentType, error: r.code === 0 ? '' : r.stderr.trim() };
}

export interface CoapClientReply {
  /** The final response code, e.g. "2.01", "4.00"; null when none came (timeout, refused). */
  code: string | null;
  /** The payload exactly as received ('' when none). */
  payload: string;
  /** The final response's options as libcoap prints them, e.g. "Content-Format:application/json". */
  options: string;
  /** Everything the client printed, for failure messages. */
  log: string;
}

/**
 * `coap-client-notls -m METHOD -f FILE URI`. The payload goes through a file: given a 1 MB body on stdin (`-f -`),
 * libcoap 4.3.1 sent only its first 20,000 bytes. The client exits 0 even on 4.xx and on timeouts, so the reply is
 * read from its verbose trace (`-v 6`: one `v:1 t:… c:…` line per PDU) and from its output.
 */
export async function coapClient(
  uri: string,
  options: { method?: string; payload?: string | Buffer; timeoutSec?: number; observe?: boolean; blockSize?: number } & InNamespace = {},
): Promise<CoapClientReply> {
  const timeoutSec = options.timeoutSec ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'coap-client-'));
  const outFile = join(dir, 'payload');
  try {
    const args = ['-v', '6', '-B', String(timeoutSec), '-m', options.method ?? 'post', '-o', outFile];
    // -s: the Observe option (subscribe) on the request, for as long as the wait lasts.
    if (options.observe === true) args.push('-s', String(timeoutSec));
    // -b: send the payload blockwise (Block1) in blocks of this size.
    if (options.blockSize !== undefined) args.push('-b', String(options.blockSize));
    if (options.payload !== undefined) {
      const inFile = join(dir, 'request');
      writeFileSync(inFile, options.payload);
      args.push('-f', inFile);
    }
    args.push(uri);
    const r = await run('coap-client-notls', args, undefined, (timeoutSec + 5) * 1000, options.netns);
    const log = `${r.stdout}\n${r.stderr}`;
    // The request is printed with its method name (c:POST), replies with a code; 0.00 is an empty ACK and 2.31 asks
    // for the next block of a blockwise request: neither is the answer.
    const replies = [...r.stdout.matchAll(/^v:1 t:\w+ c:(\d\.\d\d) i:\w+ \{\w*\} \[ ?(.*?) ?\]/gm)].filter(
      (m) => m[1] !== '0.00' && m[1] !== '2.31',
    );
    const last = replies.at(-1);
    if (!last) return { code: null, payload: '', options: '', log };
    const code = last[1]!;
    // 2.xx payloads go to the -o file; for 4.xx/5.xx libcoap prints "<code> <payload>" on stderr instead.
    let payload = '';
    if (code.startsWith('2.')) {
      try {
        payload = readFileSync(outFile, 'utf8');
      } catch {
        payload = '';
      }
    } else {
      const line = r.stderr.split('\n').find((l) => l === code || l.startsWith(`${code} `));
      payload = line === undefined ? '' : line.slice(code.length + 1);
    }
    return { code, payload, options: last[2] ?? '', log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

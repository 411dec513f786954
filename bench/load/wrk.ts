import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadFigures } from './types.ts';

/**
 * wrk (a C, epoll-based HTTP load generator) as the HTTP side's devices. Its Lua script builds every request's
 * body with a counter, so under allow-create each request provisions a new device, and checks every answer is a
 * SUCCESS (status 200 and "status":"SUCCESS" in the body), printing the first non-SUCCESS it saw.
 * The request is one concatenation of a prefix made once in init() (request line, Host, Content-Type,
 * "Content-Length: "), the body's length and the body: the same bytes wrk.format() makes, without its per-request
 * walk over the headers table and table.concat.
 */
const script = String.raw`
local threads = {}
-- Globals, not locals: done() reads them from each thread with thread:get.
counter, ok, bad, sample = 0, 0, 0, ""
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
  head = '{"provisionDeviceKey":"' .. args[2] .. '","provisionDeviceSecret":"' .. args[3] .. '","deviceName":"'
  top = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port .. "\r\nContent-Type: application/json\r\nContent-Length: "
end
function request()
  counter = counter + 1
  local body = head .. prefix .. counter .. '"}'
  return top .. #body .. "\r\n\r\n" .. body
end
function response(status, headers, body)
  if status == 200 and string.find(body, '"status":"SUCCESS"', 1, true) and string.find(body, '"credentialsValue":"', 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 100) end
  end
end
function done(summary, latency, requests)
  local allOk, allBad, first = 0, 0, ""
  for _, t in ipairs(threads) do
    allOk = allOk + t:get("ok")
    allBad = allBad + t:get("bad")
    if first == "" then first = t:get("sample") end
  end
  local e = summary.errors
  io.write(string.format("WRK_RESULT %d %d %d %d %d %d %d %d %d %d %d %s\n",
    summary.requests, summary.duration, allOk, allBad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), (string.gsub(first, "[^%w%p ]", "?"))))
end
`;

/** wrk's version line, or null when it is not installed. */
export function wrkVersion(): string | null {
  const run = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (run.error) return null;
  return /wrk \S+/.exec(`${run.stdout}${run.stderr}`)?.[0] ?? 'wrk';
}

export interface WrkRun {
  port: number;
  connections: number;
  seconds: number;
  namePrefix: string;
  key: string;
  secret: string;
}

export interface Wrk {
  run(load: WrkRun): Promise<LoadFigures>;
  close(): void;
}

/** wrk with the provisioning script, threads = min(`threads`, connections). */
export function createWrk(threads: number): Wrk {
  const dir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-wrk-'));
  const scriptPath = join(dir, 'provision.lua');
  writeFileSync(scriptPath, script);
  return {
    async run(load) {
      const args = [
        `-t${Math.min(threads, load.connections)}`,
        `-c${load.connections}`,
        `-d${load.seconds}s`,
        '--timeout',
        '10s',
        '-s',
        scriptPath,
        `http://127.0.0.1:${load.port}/api/v1/provision`,
        '--',
        load.namePrefix,
        load.key,
        load.secret,
      ];
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
        child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${out.trim()}`))));
      });
      return parse(output);
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function parse(output: string): LoadFigures {
  const m = /^WRK_RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ?(.*)$/m.exec(output);
  if (!m) throw new Error(`wrk printed no result: ${output.trim().slice(0, 300)}`);
  const [requests, durationUs, ok, bad, connect, read, write, status, timeout, p50, p99] = m.slice(1, 12).map(Number) as number[];
  const errors: LoadFigures['errors'] = [];
  if (bad! > 0) errors.push({ message: `not SUCCESS, first: ${m[12]}`, count: bad! });
  for (const [what, count] of [['connect', connect], ['read', read], ['write', write], ['timeout', timeout]] as const) {
    if (count! > 0) errors.push({ message: `wrk socket ${what} errors`, count: count! });
  }
  // wrk's own count of non-2xx answers overlaps `bad`; kept only as a cross-check.
  if (status! > bad!) errors.push({ message: 'wrk counted more non-2xx answers than the script', count: status! - bad! });
  return {
    rate: (ok! * 1e6) / durationUs!,
    succeeded: ok!,
    failed: requests! - ok! + connect! + read! + write! + timeout!,
    totalSucceeded: ok!,
    latencyMs: { p50: round(p50! / 1000), p99: round(p99! / 1000) },
    requestLatencyMs: null,
    errors,
    durationMs: durationUs! / 1000,
    generatorCpuUs: null,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

import { choiceOption, type Command, dataOption, type ParsedArgs, portOption, positiveInteger, requiredChoice, requiredOption, stringOption, UsageError } from '../command.ts';
import { defaultFollowNames } from '../simulate/follow-handover.ts';
import { defaultConcurrency, defaultTimeoutMs, handoverProblem, runSimulation, telemetryProblem } from '../simulate/run.ts';
import {
  defaultSimPorts,
  type SimCredentials,
  type SimProtocol,
  type SimulationProgress,
  type SimulationSummary,
  simCredentials,
  simProtocols,
} from '../simulate/types.ts';

const usage =
  'fieldstation simulate --protocol http|mqtt|coap --devices N [--concurrency C] --key K --secret S [--host H] [--port P] ' +
  '[--credentials access-token|mqtt-basic|x509] [--telemetry] [--name-prefix P] [--timeout SECONDS] ' +
  '[--follow-handover [--handover-timeout SECONDS] [--host-key K] [--port-key K] [--confirm-key K]] [--json]';

export const simulate: Command = {
  summary: 'rehearse a site: provision N simulated devices against a station over HTTP, MQTT or CoAP',
  usage,
  options: {
    ...dataOption,
    protocol: { type: 'string' },
    devices: { type: 'string' },
    concurrency: { type: 'string' },
    key: { type: 'string' },
    secret: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    credentials: { type: 'string' },
    telemetry: { type: 'boolean' },
    'name-prefix': { type: 'string' },
    timeout: { type: 'string' },
    'follow-handover': { type: 'boolean' },
    'handover-timeout': { type: 'string' },
    'host-key': { type: 'string' },
    'port-key': { type: 'string' },
    'confirm-key': { type: 'string' },
  },
  async run(args) {
    const protocol = requiredChoice(args, 'protocol', simProtocols);
    const devices = positiveInteger(args, 'devices', undefined, 1_000_000);
    const concurrency = positiveInteger(args, 'concurrency', defaultConcurrency, 100_000);
    const credentials = choiceOption(args, 'credentials', simCredentials) ?? 'access-token';
    const telemetry = args.values.telemetry === true;
    const problem = telemetry ? telemetryProblem(protocol, credentials) : null;
    if (problem !== null) throw new UsageError(problem);
    const follow = args.values['follow-handover'] === true;
    const followProblem = follow ? handoverProblem(protocol, credentials) : null;
    if (followProblem !== null) throw new UsageError(followProblem);
    const portKey = stringOption(args, 'port-key');
    const json = args.values.json === true;
    const progress = progressPrinter(protocol);
    const summary = await runSimulation({
      protocol,
      devices,
      concurrency,
      key: requiredOption(args, 'key'),
      // An empty secret is a legitimate rehearsal of a misconfigured device (NOT_FOUND), so only absence is refused.
      secret: stringOrThrow(args, 'secret'),
      host: stringOption(args, 'host') ?? '127.0.0.1',
      port: portOption(args, 'port') ?? defaultSimPorts[protocol],
      credentials,
      telemetry,
      namePrefix: stringOption(args, 'name-prefix'),
      timeoutMs: positiveInteger(args, 'timeout', defaultTimeoutMs / 1000, 3600) * 1000,
      ...(follow
        ? {
            followHandover: {
              names: {
                host: stringOption(args, 'host-key') ?? defaultFollowNames.host,
                mqttPort: portKey ?? defaultFollowNames.mqttPort,
                httpPort: portKey ?? defaultFollowNames.httpPort,
                confirmKey: stringOption(args, 'confirm-key') ?? defaultFollowNames.confirmKey,
              },
              timeoutMs: positiveInteger(args, 'handover-timeout', 600, 86_400) * 1000,
            },
          }
        : {}),
      onProgress: progress.update,
    });
    progress.finish();
    if (json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary);
    return summary.ok ? 0 : 1;
  },
};

function stringOrThrow(args: ParsedArgs, name: string): string {
  const value = stringOption(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** Progress on stderr: rewritten in place on a terminal, otherwise one line per tenth so logs stay short. */
function progressPrinter(protocol: SimProtocol) {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  const line = (p: SimulationProgress) =>
    `${p.phase === 'provision' ? 'provisioning' : p.phase === 'handover' ? 'following the hand-over' : 'telemetry'} over ${protocol}: ${p.done}/${p.total} (${Math.floor((p.done * 100) / p.total)}%)`;
  return {
    update(p: SimulationProgress) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.done < p.total) return;
        lastDraw = now;
        process.stderr.write(`\r\x1b[K${line(p)}`);
        drawn = true;
        if (p.done === p.total) {
          process.stderr.write('\n');
          drawn = false;
        }
        return;
      }
      const tenth = Math.floor((p.done * 10) / p.total);
      if (p.done === 1) lastTenth = -1;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      process.stderr.write(`${line(p)}\n`);
    },
    finish() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function printSummary(s: SimulationSummary): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const latency = (l: SimulationSummary['latencyMs']) => `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`;
  const credentials: Record<SimCredentials, string> = { 'access-token': 'access tokens', 'mqtt-basic': 'MQTT basic', x509: 'X.509' };
  console.log(
    `${s.devices} devices over ${s.protocol} to ${s.host}:${s.port}, ${s.concurrency} at a time, ${credentials[s.credentials]}, named ${s.namePrefix}-0…${s.devices - 1}`,
  );
  console.log(`provisioned ${s.succeeded}/${s.devices} in ${seconds(s.durationMs)}: ${s.rate} devices/s, latency ${latency(s.latencyMs)}`);
  const o = s.outcomes;
  console.log(`  SUCCESS ${o.SUCCESS}  NOT_FOUND ${o.NOT_FOUND}  FAILURE ${o.FAILURE}  errors ${o.errors}`);
  for (const e of s.errors) console.log(`  error ×${e.count}: ${e.message}`);
  const t = s.telemetry;
  if (t) {
    console.log(`telemetry acknowledged ${t.acknowledged}/${t.sent} in ${seconds(t.durationMs)}: ${t.rate} messages/s, latency ${latency(t.latencyMs)}`);
    for (const e of t.errors) console.log(`  error ×${e.count}: ${e.message}`);
  }
  const h = s.handover;
  if (h) {
    console.log(`hand-over: ${h.moved}/${h.followed} moved, ${h.accepted}/${h.followed} accepted by the cloud in ${seconds(h.durationMs)}`);
    for (const e of h.errors) console.log(`  error ×${e.count}: ${e.message}`);
  }
  const problems = [
    h && h.accepted < h.followed ? `${h.followed - h.accepted} of ${h.followed} devices did not reach their cloud` : '',
    s.failed > 0 ? `${s.failed} of ${s.devices} devices did not provision` : '',
    t?.failed ? `${t.failed} of ${t.sent} telemetry messages were not acknowledged` : '',
  ].filter(Boolean);
  console.log(problems.length === 0 ? `all ${s.devices} devices provisioned${t ? ' and sent telemetry' : ''}` : problems.join('; '));
}

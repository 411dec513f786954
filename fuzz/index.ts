import { parseArgs } from 'node:util';
import { formatReport } from './report.ts';
import { allTargets, describeInput, runFuzz } from './run.ts';

// `npm run fuzz`: seeded, bounded random and mutated inputs at every device-facing endpoint and the admin API of a
// real `fieldstation serve` child process. Exit 0 only if nothing was found.

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    inputs: { type: 'string', default: '120000' },
    'per-round': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    targets: { type: 'string' },
    replay: { type: 'string' },
    'healthz-limit': { type: 'string', default: '100' },
    'cpu-profile': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    show: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`npm run fuzz -- [--seed N] [--inputs N] [--per-round N] [--concurrency N] [--targets a,b] [--replay target:index] [--healthz-limit MS] [--cpu-profile FILE] [--show]
--replay target:index --show prints that input without running it
--cpu-profile FILE writes the station's CPU profile of the run to FILE (open it in Chrome DevTools)
targets: ${allTargets.map((t) => t.name).join(', ')}`);
  process.exit(0);
}

const int = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name} must be a whole number`);
    process.exit(2);
  }
  return n;
};

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : int('seed', values.seed);
let replay: { target: string; index: number } | undefined;
if (values.replay) {
  const m = /^([\w-]+):(\d+)$/.exec(values.replay);
  if (!m) {
    console.error('fuzz: --replay takes target:index, as a finding prints it');
    process.exit(2);
  }
  replay = { target: m[1]!, index: Number(m[2]) };
}

if (values.show) {
  if (!replay) {
    console.error('fuzz: --show needs --replay target:index');
    process.exit(2);
  }
  const input = describeInput(seed, replay.target, replay.index);
  console.log(`${input.summary}\n${input.show()}`);
  process.exit(0);
}

console.log(`fuzz: seed ${seed} (replay the whole run with --seed ${seed})`);
const report = await runFuzz({
  seed,
  inputs: int('inputs', values.inputs),
  perRound: int('per-round', values['per-round']),
  concurrency: int('concurrency', values.concurrency),
  targets: values.targets?.split(','),
  replay,
  healthzLimitMs: int('healthz-limit', values['healthz-limit']),
  cpuProfile: values['cpu-profile'],
  log: values.quiet ? undefined : (line) => console.error(line),
});
console.log(formatReport(report));
process.exitCode = report.ok ? 0 : 1;

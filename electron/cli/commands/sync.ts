import type { SyncProblem, SyncRunSummary, SyncTargetChanges, SyncTargetInput } from '../../../shared/sync.ts';
import { openEngine } from '../../station/engine.ts';
import { defaultDataDir } from '../../station/data-dir.ts';
import { startSyncWorker } from '../../station/sync/worker.ts';
import { type Command, type ParsedArgs, UsageError, dataOption, requiredOption, stringOption } from '../command.ts';
import { type Call, printJson, printTable, withEngine } from '../engine-call.ts';

// `fieldstation sync ...`: one command with positional sub-commands, because plain `sync [--once]` runs the sync
// itself while `sync target add|list|remove|test`, `sync status`, `sync devices` and `sync retry` manage it.

const usage = `fieldstation sync [--once] [--target NAME]
       fieldstation sync target add --name NAME --type thingsboard|webhook --url URL
           [--username U --password P | --api-key KEY | --secret HMAC_SECRET] [--create-profiles]
       fieldstation sync target list [--json]
       fieldstation sync target remove --name NAME
       fieldstation sync target edit --name NAME [--url URL] [--username U --password P | --api-key K | --secret S] [--create-profiles|--no-create-profiles]
       fieldstation sync target test --name NAME [--type T --url URL --username U --password P | --api-key K | --secret S]
       fieldstation sync status [--devices] [--json]      (problems grouped by cause; --devices lists each one's devices)
       fieldstation sync devices [--target NAME] [--state synced|pending|conflict|error] [--problem ID] [--json]
       fieldstation sync retry [--target NAME] [--device NAME] [--problem ID]`;

/** Flags each form accepts besides --data and --json (parseArgs has already rejected unknown ones). */
const allowed: Record<string, string[]> = {
  run: ['once', 'target'],
  'target add': ['name', 'type', 'url', 'username', 'password', 'api-key', 'secret', 'create-profiles'],
  'target list': [],
  'target remove': ['name'],
  'target edit': ['name', 'url', 'username', 'password', 'api-key', 'secret', 'create-profiles', 'no-create-profiles'],
  'target test': ['name', 'type', 'url', 'username', 'password', 'api-key', 'secret', 'create-profiles', 'no-create-profiles'],
  status: ['devices'],
  devices: ['target', 'state', 'device', 'problem'],
  retry: ['target', 'device', 'problem'],
};

function formOf(args: ParsedArgs): string {
  const [a, b, ...extra] = args.positionals;
  const form = a === undefined ? 'run' : a === 'target' ? `target ${b ?? ''}`.trim() : a;
  if (!(form in allowed) || extra.length > 0 || (a !== 'target' && b !== undefined)) {
    throw new UsageError(`unknown sync command '${args.positionals.join(' ')}' (usage: ${usage.split('\n')[0]} ...; see fieldstation sync --help)`);
  }
  const ok = new Set(['data', 'json', ...allowed[form]!]);
  const stray = Object.keys(args.values).find((k) => args.values[k] !== undefined && !ok.has(k));
  if (stray) throw new UsageError(`--${stray} does not apply to 'fieldstation sync ${form === 'run' ? '' : form}'`.replace(/ '$/, "'"));
  return form;
}

/** A problem id as one shell word (profile names may hold spaces or quotes), for the commands printed. */
function shellWord(word: string): string {
  return /^[\w:.@%+=,/-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * One grouped problem as text: what, how many, the fix, and the commands for its devices. `devices`, when given,
 * are listed under it.
 */
function problemText(p: SyncProblem, devices?: readonly string[]): string[] {
  const id = shellWord(p.id);
  const count = `${p.count} device${p.count === 1 ? '' : 's'}`;
  const lines = [`${p.state} on ${p.target}, ${count} [${p.id}]: ${p.message}`, `  fix: ${p.fix}`];
  if (p.example) lines.push(`  e.g. ${p.example}`);
  if (devices) lines.push(...devices.map((d) => `  - ${d}`));
  else lines.push(`  devices: fieldstation sync devices --target ${shellWord(p.target)} --problem ${id}`);
  lines.push(`  then: fieldstation sync retry --target ${shellWord(p.target)} --problem ${id}`);
  return lines;
}

/** The device names of each problem, in the problems' order. */
async function devicesOf(call: Call, problems: readonly SyncProblem[]): Promise<string[][]> {
  const lists: string[][] = [];
  for (const p of problems) {
    const rows = await call('sync.devices', { target: p.target, problem: p.id, limit: 100_000 });
    lists.push(rows.map((r) => r.device));
  }
  return lists;
}

/** Prints a run's outcome: the summary on stdout, what needs a person on stderr. True when nothing failed. */
export function printSummary(summary: SyncRunSummary, problems: readonly SyncProblem[], json: boolean): boolean {
  if (json) printJson(summary);
  else {
    for (const t of summary.targets) {
      const c = t.counts;
      console.log(`${t.target}: ${t.synced} synced now; ${c.synced} synced, ${c.pending} waiting, ${c.conflict} conflicts, ${c.error} errors`);
    }
    console.log(`synced ${summary.synced}, conflicts ${summary.conflicts}, errors ${summary.errors}, waiting ${summary.pending}`);
  }
  for (const t of summary.targets) {
    if (t.status === 'stopped') console.error(`fieldstation: sync target '${t.target}' stopped: ${t.message} Fix it with: fieldstation sync target edit --name ${t.target} --password P (or --api-key K), then fieldstation sync target test --name ${t.target}`);
    else if (t.message) console.error(`fieldstation: sync target '${t.target}': ${t.message}`);
  }
  // Grouped by cause: thirty devices refused for one missing profile are one problem, stated once.
  const shown = 20;
  for (const p of problems.slice(0, shown)) console.error(problemText(p).join('\n'));
  if (problems.length > shown) console.error(`... and ${problems.length - shown} more problems (fieldstation sync status)`);
  if (summary.pending > 0 && summary.targets.every((t) => t.status !== 'stopped')) {
    console.error(`fieldstation: ${summary.pending} device deliveries are still waiting; run fieldstation sync --once again later`);
  }
  return summary.ok;
}

async function problemsOf(call: Call, target: string | undefined): Promise<SyncProblem[]> {
  const { problems } = await call('sync.status', {});
  return target === undefined ? problems : problems.filter((p) => p.target === target);
}

function targetInput(args: ParsedArgs): SyncTargetInput {
  const type = requiredOption(args, 'type');
  if (type !== 'thingsboard' && type !== 'webhook') throw new UsageError(`--type must be thingsboard or webhook, not '${type}'`);
  const opt = (n: string) => stringOption(args, n);
  return {
    name: requiredOption(args, 'name'),
    type,
    url: requiredOption(args, 'url'),
    ...(opt('username') === undefined ? {} : { username: opt('username') }),
    ...(opt('password') === undefined ? {} : { password: opt('password') }),
    ...(opt('api-key') === undefined ? {} : { apiKey: opt('api-key') }),
    ...(opt('secret') === undefined ? {} : { secret: opt('secret') }),
    ...(args.values['create-profiles'] ? { allowCreateProfiles: true } : {}),
  } as SyncTargetInput;
}

/** `target edit` / `target test`: only what was given; the rest stays as stored. */
function targetChanges(args: ParsedArgs): SyncTargetChanges {
  const opt = (n: string) => stringOption(args, n);
  const type = opt('type');
  if (type !== undefined && type !== 'thingsboard' && type !== 'webhook') throw new UsageError(`--type must be thingsboard or webhook, not '${type}'`);
  if (args.values['create-profiles'] && args.values['no-create-profiles']) throw new UsageError('give --create-profiles or --no-create-profiles, not both');
  const allow = args.values['create-profiles'] ? true : args.values['no-create-profiles'] ? false : undefined;
  return {
    name: requiredOption(args, 'name'),
    ...(type === undefined ? {} : { type }),
    ...(opt('url') === undefined ? {} : { url: opt('url') }),
    ...(opt('username') === undefined ? {} : { username: opt('username') }),
    ...(opt('password') === undefined ? {} : { password: opt('password') }),
    ...(opt('api-key') === undefined ? {} : { apiKey: opt('api-key') }),
    ...(opt('secret') === undefined ? {} : { secret: opt('secret') }),
    ...(allow === undefined ? {} : { allowCreateProfiles: allow }),
  };
}

/** `fieldstation sync` without --once: keep syncing in the foreground until Ctrl-C. */
async function runForever(args: ParsedArgs): Promise<number> {
  const engine = openEngine({ dataDir: stringOption(args, 'data') ?? defaultDataDir(), log: (line) => console.error(line) });
  const target = stringOption(args, 'target');
  if (engine.sync.targets.all().length === 0) {
    await engine.close();
    throw new UsageError('no sync target is set up; add one with: fieldstation sync target add ...');
  }
  if (target !== undefined) engine.sync.targets.get(target);
  const off = engine.bus.subscribe((e) => {
    if (e.type !== 'sync' || (target !== undefined && e.progress.target !== target)) return;
    const c = e.progress.counts;
    console.log(`${e.progress.target}: ${e.progress.status}; ${c.synced} synced, ${c.pending} waiting, ${c.conflict} conflicts, ${c.error} errors${e.progress.message ? ` (${e.progress.message})` : ''}`);
  });
  const worker = startSyncWorker(engine);
  console.log('syncing; press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await worker.stop();
  off();
  await engine.close();
  return 0;
}

export const sync: Command = {
  summary: 'sync provisioned devices to the cloud (ThingsBoard, webhook): targets, runs, per-device state',
  usage,
  positionals: true,
  options: {
    ...dataOption,
    once: { type: 'boolean' },
    target: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    url: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    'api-key': { type: 'string' },
    secret: { type: 'string' },
    'create-profiles': { type: 'boolean' },
    'no-create-profiles': { type: 'boolean' },
    state: { type: 'string' },
    device: { type: 'string' },
    problem: { type: 'string' },
    devices: { type: 'boolean' },
  },
  async run(args) {
    const form = formOf(args);
    const target = stringOption(args, 'target');
    if (form === 'run' && !args.values.once) return runForever(args);
    return withEngine(args, async (call) => {
      switch (form) {
        case 'run': {
          const summary = await call('sync.run', target === undefined ? {} : { target });
          return printSummary(summary, await problemsOf(call, target), args.values.json === true) ? 0 : 1;
        }
        case 'target add': {
          const t = await call('sync.targets.add', targetInput(args));
          console.log(`sync target '${t.name}' (${t.type}, ${t.url}) saved; its credentials are stored encrypted`);
          return 0;
        }
        case 'target list': {
          const list = await call('sync.targets.list', {});
          if (args.values.json) printJson(list);
          else {
            const rows = list.map((t) => ({ ...t, ...t.counts, login: t.username ?? t.auth }));
            printTable(rows, ['name', 'type', 'url', 'login', 'status', 'synced', 'pending', 'conflict', 'error'], 'no sync targets');
          }
          return 0;
        }
        case 'target remove':
          await call('sync.targets.remove', { name: requiredOption(args, 'name') });
          console.log(`sync target '${stringOption(args, 'name')}' removed`);
          return 0;
        case 'target edit': {
          const t = await call('sync.targets.update', targetChanges(args));
          console.log(`sync target '${t.name}' (${t.type}, ${t.url}) saved; its credentials are stored encrypted`);
          return 0;
        }
        case 'target test': {
          const r = await call('sync.targets.test', targetChanges(args));
          (r.ok ? console.log : console.error)(r.ok ? r.message : `fieldstation: ${r.message}`);
          return r.ok ? 0 : 1;
        }
        case 'status': {
          const s = await call('sync.status', {});
          const devices = args.values.devices === true ? await devicesOf(call, s.problems) : undefined;
          if (args.values.json) {
            printJson(devices ? { ...s, problems: s.problems.map((p, i) => ({ ...p, devices: devices[i] })) } : s);
            return 0;
          }
          console.log(`queue ${s.queue}, outbox ${s.outbox}${s.running ? ', syncing now' : ''}`);
          printTable(s.targets.map((t) => ({ ...t, ...t.counts })), ['name', 'status', 'synced', 'pending', 'conflict', 'error', 'message'], 'no sync targets');
          if (s.problems.length > 0) {
            console.log(`\n${s.problems.length} problem${s.problems.length === 1 ? '' : 's'} need${s.problems.length === 1 ? 's' : ''} you:`);
            console.log(s.problems.map((p, i) => problemText(p, devices?.[i]).join('\n')).join('\n\n'));
          }
          return 0;
        }
        case 'devices': {
          const state = stringOption(args, 'state');
          if (state !== undefined && !['synced', 'pending', 'conflict', 'error'].includes(state)) {
            throw new UsageError(`--state must be synced, pending, conflict or error, not '${state}'`);
          }
          const list = await call('sync.devices', {
            limit: 100_000,
            ...(target === undefined ? {} : { target }),
            ...(state === undefined ? {} : { state: state as 'synced' }),
            ...(stringOption(args, 'device') === undefined ? {} : { device: stringOption(args, 'device') }),
            ...(stringOption(args, 'problem') === undefined ? {} : { problem: stringOption(args, 'problem') }),
          });
          if (args.values.json) printJson(list);
          else printTable(list, ['device', 'target', 'state', 'attempts', 'nextAttemptAt', 'message'], 'no devices to sync');
          return 0;
        }
        case 'retry': {
          const device = stringOption(args, 'device');
          const problem = stringOption(args, 'problem');
          const { retried } = await call('sync.retry', { ...(target ? { target } : {}), ...(device ? { device } : {}), ...(problem ? { problem } : {}) });
          console.log(`${retried} device deliver${retried === 1 ? 'y' : 'ies'} queued again`);
          return 0;
        }
      }
      throw new UsageError(`usage: ${usage}`);
    });
  },
};

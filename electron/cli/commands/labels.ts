import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { LabelJob, type LabelJobInput } from '../../../shared/labels.ts';
import type { Engine } from '../../station/engine.ts';
import { type Command, type ParsedArgs, portOption, requiredOption, stringOption, UsageError, dataOption } from '../command.ts';
import { printJson, printTable, withEngine } from '../engine-call.ts';

// `fieldstation labels ...`: plain `labels --batch B --template T --out F` prints (CLI.md), `--list-templates` lists
// stock, and the positional forms `offset` and `history` manage printer offsets and read the print history.

const usage = `fieldstation labels --batch NAME --template NAME [--payload token|url|json] [--dpi 203|300] [--ecc M|Q]
           [--host H] [--http-port N] [--devices a,b] [--pending-only] [--unprinted-only] [--skip-missing]
           [--copies N] [--group] [--skip N] [--outlines] (--out FILE.pdf|FILE.zpl [--printed] | --printer HOST[:PORT] [--test])
       fieldstation labels --list-templates [--json]
       fieldstation labels offset [--template NAME --x MM --y MM] [--json]     (negative: --y=-0.5)
       fieldstation labels history --device NAME [--json]`;

const renderFlags = [
  'batch', 'template', 'payload', 'dpi', 'ecc', 'host', 'http-port', 'mqtt-port', 'coap-port', 'devices', 'pending-only',
  'unprinted-only', 'skip-missing', 'group', 'copies', 'skip', 'outlines', 'out', 'printer', 'printed', 'test',
];
const booleanFlags = ['pending-only', 'unprinted-only', 'skip-missing', 'group', 'outlines', 'printed', 'test'];
/** Flags each form accepts besides --data and --json (parseArgs has already rejected unknown ones). */
const allowed: Record<string, string[]> = {
  render: renderFlags,
  list: ['list-templates'],
  offset: ['template', 'x', 'y'],
  history: ['device'],
};

function formOf(args: ParsedArgs): string {
  const [first, ...extra] = args.positionals;
  if (extra.length > 0 || (first !== undefined && first !== 'offset' && first !== 'history')) {
    throw new UsageError(`unknown labels command '${args.positionals.join(' ')}' (see fieldstation labels --help)`);
  }
  const form = first ?? (args.values['list-templates'] ? 'list' : 'render');
  const ok = new Set(['data', 'json', ...allowed[form]!]);
  const stray = Object.keys(args.values).find((k) => args.values[k] !== undefined && !ok.has(k));
  const shown = form === 'render' ? '' : form === 'list' ? ' --list-templates' : ` ${form}`;
  if (stray) throw new UsageError(`--${stray} does not apply to 'fieldstation labels${shown}'`);
  return form;
}

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, not '${raw}'`);
  return value;
}

/** `HOST[:PORT]`, `[v6]:PORT` or a bare IPv6 address; the port defaults to raw printing's 9100. */
export function parsePrinter(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]] : plain ? [plain[1]!, plain[2]] : [text, undefined];
  const port = portText === undefined ? 9100 : Number(portText);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--printer must be HOST or HOST:PORT, not '${text}'`);
  return { host, port };
}

// zod paths back to the flags a person typed.
const flagOf: Record<string, string> = { payload: '--payload', ecc: '--ecc', dpi: '--dpi', copies: '--copies', skip: '--skip', 'station.host': '--host' };

function jobOf(args: ParsedArgs): LabelJob {
  const devices = stringOption(args, 'devices')
    ?.split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const input: LabelJobInput = {
    batch: requiredOption(args, 'batch'),
    template: requiredOption(args, 'template'),
    payload: stringOption(args, 'payload') as LabelJobInput['payload'],
    ecc: stringOption(args, 'ecc')?.toUpperCase() as LabelJobInput['ecc'],
    dpi: numberFlag(args, 'dpi'),
    selection: {
      devices: devices?.length ? devices : undefined,
      state: args.values['pending-only'] ? 'pending' : undefined,
      unprintedOnly: args.values['unprinted-only'] === true,
      skipMissing: args.values['skip-missing'] === true,
    },
    group: args.values.group === true,
    copies: numberFlag(args, 'copies'),
    station: {
      host: stringOption(args, 'host'),
      httpPort: portOption(args, 'http-port'),
      mqttPort: portOption(args, 'mqtt-port'),
      coapPort: portOption(args, 'coap-port'),
    },
    skip: numberFlag(args, 'skip'),
    outlines: args.values.outlines === true,
  };
  const parsed = LabelJob.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new UsageError(`${flagOf[path] ?? (path || 'labels')}: ${issue.message}`);
  }
  return parsed.data;
}

interface RenderRequest {
  job: LabelJob;
  format: 'pdf' | 'zpl' | 'printer';
  out: string | undefined;
  target: { host: string; port: number } | null;
}

/** Everything about a print checked before the data directory is opened, so a typo creates nothing. */
function renderRequest(args: ParsedArgs): RenderRequest {
  const out = stringOption(args, 'out');
  const printer = stringOption(args, 'printer');
  if ((out === undefined) === (printer === undefined)) throw new UsageError('give --out FILE.pdf|FILE.zpl, or --printer HOST[:PORT] to print directly');
  const lower = out?.toLowerCase();
  const format = printer !== undefined ? 'printer' : lower!.endsWith('.pdf') ? 'pdf' : lower!.endsWith('.zpl') ? 'zpl' : null;
  if (format === null) throw new UsageError(`--out must end in .pdf or .zpl, not '${out}'`);
  return { job: jobOf(args), format, out, target: printer === undefined ? null : parsePrinter(printer) };
}

async function render(args: ParsedArgs, engine: Engine, { job, format, out, target }: RenderRequest): Promise<number> {
  const json = args.values.json === true;
  // --test: the job's first label alone, to check position and scan; not recorded.
  const test = args.values.test === true;
  if (test && !target) throw new UsageError('--test sends one label to --printer; for a file use --devices NAME');
  if (args.values.printed === true && target) throw new UsageError('--printed is for --out files; a --printer job is recorded as printed by itself');
  const plan = engine.labels.plan(job, test ? 1 : undefined);

  let shown = 0;
  const onProgress = (done: number, total: number) => {
    // Only big batches are worth a progress line; scripts asking for JSON get none.
    if (json || total < 1_000 || done === total || done - shown < total / 10) return;
    shown = done;
    console.error(`labels: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
  };
  // A file is a download until someone prints it: --printed says it goes to a printer now (labels history counts it).
  const options = { record: !test, printed: args.values.printed === true, onProgress };

  if (target) {
    const sent = await engine.labels.runs.printer(plan, target.host, target.port, options);
    if (json) printJson({ ...sent, printer: `${target.host}:${target.port}` });
    else console.log(`sent ${test ? 'a test label' : `${sent.labels} label${sent.labels === 1 ? '' : 's'}`} (${sent.bytes.toLocaleString('en')} bytes of ZPL) to ${target.host}:${target.port}`);
    return 0;
  }
  // Written beside the target and renamed at the end, so a failed run never leaves a half PDF that looks complete.
  const partial = `${out}.partial-${process.pid}`;
  const file = createWriteStream(partial);
  try {
    const result = format === 'pdf' ? await engine.labels.runs.pdf(plan, file, options) : await engine.labels.runs.zpl(plan, file, options);
    await rename(partial, out!);
    if (json) printJson({ ...result, out });
    else {
      const pages = 'pages' in result ? ` on ${result.pages} page${result.pages === 1 ? '' : 's'}` : '';
      console.log(`wrote ${result.labels} label${result.labels === 1 ? '' : 's'}${pages} to ${out}`);
    }
    return 0;
  } catch (err) {
    file.destroy();
    throw err;
  } finally {
    await rm(partial, { force: true });
  }
}

async function offset(args: ParsedArgs, engine: Engine): Promise<number> {
  const template = stringOption(args, 'template');
  const x = numberFlag(args, 'x');
  const y = numberFlag(args, 'y');
  if (x === undefined && y === undefined) {
    const rows = engine.labels.offsets.list(template);
    if (args.values.json) printJson(rows);
    else printTable(rows, ['template', 'x', 'y'], 'no templates');
    return 0;
  }
  if (template === undefined) throw new UsageError('--template is required to set an offset');
  for (const [name, v] of [['x', x], ['y', y]] as const) {
    if (v !== undefined && Math.abs(v) > 20) throw new UsageError(`--${name} must be between -20 and 20 mm, not ${v}`);
  }
  // Setting one axis keeps the other as it was.
  const current = engine.labels.offsets.list(template)[0]!;
  const saved = engine.labels.offsets.set({ template, x: x ?? current.x, y: y ?? current.y });
  if (args.values.json) printJson(saved);
  else console.log(`offset for ${saved.template}: x ${saved.x} mm, y ${saved.y} mm (applied to every print on it)`);
  return 0;
}

async function history(args: ParsedArgs, engine: Engine): Promise<number> {
  const h = engine.labels.history.forDevice(requiredOption(args, 'device'), 50);
  if (args.values.json) printJson(h);
  else {
    const downloads = h.downloads > 0 ? ` (${h.downloads} label file${h.downloads === 1 ? '' : 's'} downloaded, not known to be printed)` : '';
    if (h.count === 0) console.log(`${h.device}: no label printed yet${downloads}`);
    else console.log(`${h.device}: printed ${h.count}×, last ${h.lastPrintedAt} on ${h.lastTemplate}${downloads}`);
    if (h.prints.length > 0) printTable(h.prints, ['printedAt', 'printed', 'template', 'payload', 'output', 'tokenId'], '');
  }
  return 0;
}

export const labels: Command = {
  summary: 'print QR onboarding labels for a batch: PDF, ZPL or a label printer; templates, offsets, history',
  usage,
  positionals: true,
  options: {
    ...dataOption,
    ...Object.fromEntries(renderFlags.map((f) => [f, { type: booleanFlags.includes(f) ? 'boolean' : 'string' }])),
    'list-templates': { type: 'boolean' },
    x: { type: 'string' },
    y: { type: 'string' },
    device: { type: 'string' },
  } as Command['options'],
  run: async (args) => {
    const form = formOf(args);
    const request = form === 'render' ? renderRequest(args) : null;
    return withEngine(args, async (_call, engine) => {
      if (form === 'list') {
        const templates = engine.labels.templates();
        if (args.values.json) printJson(templates);
        else {
          const rows = templates.map((t) => ({ ...t, size: `${t.labelMm.width} × ${t.labelMm.height} mm`, dpis: t.dpis.join('/') || '-' }));
          printTable(rows, ['name', 'kind', 'size', 'labelsPerPage', 'dpis', 'title'], 'no templates');
        }
        return 0;
      }
      if (form === 'offset') return offset(args, engine);
      if (form === 'history') return history(args, engine);
      return render(args, engine, request!);
    });
  },
};

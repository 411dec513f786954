import type { ServerResponse } from 'node:http';
import { ApiError } from '../../../../shared/errors.ts';
import { LabelJob, LabelJobId, type LabelJobInput } from '../../../../shared/labels.ts';
import { precheck } from '../../labels/runs.ts';
import type { LabelService } from '../../labels/service.ts';
import type { Db } from '../../store/database.ts';
import type { Handlers, Principal } from '../router.ts';
import { createScopeGuard } from '../scopes.ts';

interface Deps {
  labels: LabelService;
  db: Db;
}

export function labelHandlers({ labels }: Pick<Deps, 'labels'>) {
  // Printer jobs sending now, by the caller's job id, so another request can cancel one.
  const sending = new Map<string, AbortController>();
  return {
    'labels.templates': () => labels.templates(),
    'labels.check': (p) => labels.check(p),
    'labels.offsets.get': (p) => labels.offsets.list(p.template),
    'labels.offsets.set': (p) => labels.offsets.set(p),
    // The router checks the `device` param against a scoped token's batches and profiles.
    'labels.history': (p) => labels.history.forDevice(p.device, p.limit),
    'labels.sendToPrinter': async (p, ctx) => {
      const { host, port, test, job: jobId, ...job } = p;
      if (jobId !== undefined && sending.has(jobId)) throw new ApiError('conflict', `label job '${jobId}' is sending already`);
      const abort = new AbortController();
      if (jobId !== undefined) sending.set(jobId, abort);
      try {
        // A test label is the job's first label, to hold against the stock and scan: printing, but not the job.
        const plan = labels.plan(job, test ? 1 : undefined);
        return await labels.runs.printer(plan, host, port, { record: !test, onProgress: ctx.onProgress, signal: abort.signal });
      } finally {
        if (jobId !== undefined) sending.delete(jobId);
      }
    },
    'labels.cancel': (p) => {
      const abort = sending.get(p.job);
      abort?.abort();
      return { cancelled: abort !== undefined };
    },
    'labels.markPrinted': (p) => ({ labels: labels.history.markPrinted(p.job) }),
  } satisfies Partial<Handlers>;
}

/** `GET /api/labels.pdf` and `.zpl`: what the admin server needs to stream a job to a browser. */
export interface LabelDownloads {
  serve(format: 'pdf' | 'zpl', query: URLSearchParams, principal: Principal, res: ServerResponse): Promise<void>;
}

const flag = (query: URLSearchParams, name: string) => ['1', 'true', 'yes'].includes(query.get(name) ?? '');

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ApiError('invalid_params', `${name} must be a number, not '${raw}'`);
  return value;
}

/**
 * The query string as a job: the same names as `labels.check`'s params, flattened. `devices=a,b` (or repeated
 * `device=` for names with commas), `state=pending`, `unprintedOnly=1`, `skipMissing=1`, `host`/`httpPort`/...
 */
export function jobFromQuery(query: URLSearchParams): LabelJobInput {
  const devices = [...(query.get('devices')?.split(',') ?? []), ...query.getAll('device')].map((d) => d.trim()).filter(Boolean);
  const offsetX = numberParam(query, 'offsetX');
  const offsetY = numberParam(query, 'offsetY');
  const state = query.get('state');
  return {
    batch: query.get('batch') ?? '',
    template: query.get('template') ?? '',
    payload: (query.get('payload') ?? undefined) as LabelJobInput['payload'],
    ecc: (query.get('ecc') ?? undefined) as LabelJobInput['ecc'],
    dpi: numberParam(query, 'dpi'),
    selection: {
      devices: devices.length ? devices : undefined,
      state: (state ?? undefined) as 'pending' | undefined,
      unprintedOnly: flag(query, 'unprintedOnly'),
      skipMissing: flag(query, 'skipMissing'),
    },
    group: flag(query, 'group'),
    copies: numberParam(query, 'copies'),
    station: { host: query.get('host') ?? undefined, httpPort: numberParam(query, 'httpPort'), mqttPort: numberParam(query, 'mqttPort'), coapPort: numberParam(query, 'coapPort') },
    offset: offsetX === undefined && offsetY === undefined ? undefined : { x: offsetX ?? 0, y: offsetY ?? 0 },
    skip: numberParam(query, 'skip'),
    outlines: flag(query, 'outlines'),
  };
}

/** RFC 6266: an ASCII fallback name, and the exact one as RFC 5987 UTF-8 for browsers that read it. */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^\w.-]+/g, '-').replace(/-{2,}/g, '-');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

export function createLabelDownloads({ labels, db }: Deps): LabelDownloads {
  const scope = createScopeGuard(db);
  return {
    async serve(format, query, principal, res) {
      // The same rules as the router: the action, then the batch (a scoped token may print only its batches).
      if (principal.kind === 'api-token' && !principal.actions.includes('PrintLabels')) {
        throw new ApiError('forbidden', 'this API token may not PrintLabels');
      }
      const parsed = LabelJob.safeParse(jobFromQuery(query));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ApiError('invalid_params', `${issue.path.map(String).join('.') || 'query'}: ${issue.message}`);
      }
      const job = parsed.data;
      scope.before('labels.download', principal, { batch: job.batch });
      // A preview is the first page at true scale for the screen: never recorded, shown inline. A test label is
      // the first label alone, for the printer: not recorded either.
      const preview = flag(query, 'preview');
      const test = flag(query, 'test');
      const firstPageOnly = preview || flag(query, 'firstPageOnly');
      const plan = labels.plan(job, test ? 1 : firstPageOnly ? labels.firstPage(job) : undefined);
      // A download is recorded as downloaded, not printed, under the job id the client chose (if any), so that
      // `labels.markPrinted` can say later that it was printed.
      const jobId = query.get('job');
      if (jobId !== null && !LabelJobId.safeParse(jobId).success) throw new ApiError('invalid_params', 'job: a job id is 8 to 64 letters, digits, - or _');
      const options = { record: !preview && !test, printed: false, ...(jobId ? { job: jobId } : {}) };
      const name = `fieldstation-${job.batch}-${job.template}${preview ? '-preview' : test ? '-test' : ''}.${format}`;
      // The desktop app prints by loading this URL in a hidden window: Chromium only shows an inline PDF.
      const disposition = preview || flag(query, 'inline') ? 'inline' : 'attachment';
      const head = (type: string) => {
        res.writeHead(200, {
          'content-type': type,
          'content-disposition': contentDisposition(disposition, name),
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          // Total labels, so a client can show progress without the event stream.
          'x-label-count': String(plan.total),
        });
      };
      // Refusals (no tokens, QR too small, ZPL on a sheet) throw here, while the error can still be a JSON reply.
      precheck(plan, format);
      head(format === 'pdf' ? 'application/pdf' : 'text/plain; charset=utf-8');
      if (format === 'pdf') await labels.runs.pdf(plan, res, options);
      else await labels.runs.zpl(plan, res, options);
    },
  };
}

import { ApiError } from '../../../shared/errors.ts';
import type { LabelCheckResult, LabelJob, LabelTemplateInfo, TemplateOffset } from '../../../shared/labels.ts';
import type { ListenerInfo } from '../../../shared/station.ts';
import type { EventBus } from '../event-bus.ts';
import type { StationKeys } from '../keys.ts';
import type { Db } from '../store/database.ts';
import { createLabelHistory } from './history.ts';
import { createLabelJobs, type LabelPlan } from './jobs.ts';
import { createLabelOffsets } from './offsets.ts';
import { checkFit } from './qr.ts';
import { createLabelRuns, pagesOf } from './runs.ts';
import { type LabelTemplate, labelsPerPage } from './templates.ts';
import { findUnprintableText } from './text-check.ts';

export interface LabelServiceDeps {
  db: Db;
  keys: StationKeys;
  bus: EventBus;
  listeners: () => readonly ListenerInfo[];
  templates?: () => LabelTemplate[];
}

/** The station's label printing: jobs, renders, print history and printer offsets, shared by API, route and CLI. */
export function createLabelService(deps: LabelServiceDeps) {
  const offsets = createLabelOffsets(deps.db);
  const history = createLabelHistory(deps.db);
  const jobs = createLabelJobs({ db: deps.db, keys: deps.keys, offsets, listeners: deps.listeners, templates: deps.templates });
  const runs = createLabelRuns({ history, bus: deps.bus });

  function info(t: LabelTemplate): LabelTemplateInfo {
    return {
      name: t.name,
      title: t.title,
      kind: t.media,
      pageMm: { width: t.pageMm.width, height: t.pageMm.height },
      labelMm: { width: t.labelMm.width, height: t.labelMm.height },
      labelsPerPage: labelsPerPage(t),
      dpis: t.dpi ?? [],
      fields: [...t.text.lines],
      offset: offsets.get(t.name),
      layout: {
        ...(t.grid ? { grid: { cols: t.grid.cols, rows: t.grid.rows, originMm: t.grid.originMm, pitchMm: t.grid.pitchMm } } : {}),
        qrMm: t.qrMm,
        text: { boxMm: t.text.boxMm, fontPt: t.text.fontPt },
        ...(t.labelMm.cornerRadius === undefined ? {} : { cornerRadiusMm: t.labelMm.cornerRadius }),
      },
    };
  }

  /** Whether the job would print: counts, and the reason it would not (the library's message names a template that fits). */
  function check(job: LabelJob): LabelCheckResult {
    const plan = jobs.plan(job, { dryRun: true });
    let refusal: string | null = null;
    try {
      jobs.plan(job);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      refusal = err.message;
    }
    const first = plan.labels().next();
    const payload = first.done ? jobs.samplePayload(job) : first.value.payload;
    // Rolls are checked as a printer encodes the symbol (ZPL): never smaller than the PDF's, so both print.
    const fit = checkFit(plan.template, payload, job.ecc, { dpi: plan.dpi, catalog: plan.catalog, printerEncoded: plan.template.media === 'roll' });
    // A name the label font cannot draw, said before printing rather than printed as empty boxes.
    refusal ??= findUnprintableText(plan.template, plan.labels())?.message ?? null;
    return {
      ok: fit.ok && refusal === null,
      message: fit.ok ? refusal : fit.error.message,
      suggestion: fit.ok ? null : (fit.error.suggestion ?? null),
      labels: plan.total,
      pages: pagesOf(plan),
      missing: plan.missing,
      moduleMm: fit.ok ? Math.round(fit.placement.moduleMm * 1000) / 1000 : null,
    };
  }

  return {
    jobs,
    runs,
    history,
    /** A checked job, ready to render; `limit` cuts it to a preview. Throws ApiError with a plain message. */
    plan: (job: LabelJob, limit?: number): LabelPlan => jobs.plan(job, { limit }),
    /** How many labels fit on the first page of this job (a preview), counting skipped slots. */
    firstPage: (job: LabelJob): number => labelsPerPage(jobs.template(job.template)) - job.skip,
    templates: (): LabelTemplateInfo[] => jobs.templates().map(info),
    check,
    offsets: {
      list(template?: string): TemplateOffset[] {
        const names = template === undefined ? jobs.templates().map((t) => t.name) : [jobs.template(template).name];
        return names.map((name) => ({ template: name, ...offsets.get(name) }));
      },
      set(input: TemplateOffset): TemplateOffset {
        const name = jobs.template(input.template).name;
        return { template: name, ...offsets.set(name, input) };
      },
    },
  };
}
export type LabelService = ReturnType<typeof createLabelService>;

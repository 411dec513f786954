import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/errors.ts';
import type { LabelOutput } from '../../../shared/labels.ts';
import type { EventBus } from '../event-bus.ts';
import type { LabelHistoryStore } from './history.ts';
import type { LabelPlan, PlannedLabel } from './jobs.ts';
import { type PdfResult, renderLabelsPdf } from './pdf.ts';
import { checkFit, LabelFitError, PayloadTooLongError } from './qr.ts';
import { PrinterError, sendRaw } from './raw-printer.ts';
import { labelsPerPage } from './templates.ts';
import { findUnprintableText, LabelTextError } from './text-check.ts';
import { zplLabels } from './zpl.ts';

export interface RunOptions {
  /** Record the labels in the print history once the job has completed (a preview is not printing). */
  record: boolean;
  /** Recorded as printed (a printer took them) rather than downloaded; see migration 0012. */
  printed?: boolean;
  /** Names the recorded rows, for `labels.markPrinted`. */
  job?: string;
  onProgress?: (done: number, total: number) => void;
  /** Printer jobs: cancels sending (labels.cancel). */
  signal?: AbortSignal;
}

/** The library's refusals as API errors: plain messages, the template that would fit in `details`. */
export function labelApiError(err: unknown): unknown {
  if (err instanceof LabelFitError) return new ApiError('invalid_params', err.message, { template: err.template, suggestion: err.suggestion ?? null });
  if (err instanceof PayloadTooLongError) return new ApiError('invalid_params', err.message);
  if (err instanceof LabelTextError) {
    return new ApiError('invalid_params', err.message, { device: err.device, field: err.field, characters: err.characters });
  }
  // No error code says "the printer failed"; bad_request (the address given does not work) with the printer's own code.
  if (err instanceof PrinterError) return new ApiError('bad_request', err.message, { printer: err.code });
  if (err instanceof RangeError) return new ApiError('invalid_params', err.message);
  return err;
}

const rethrow = (err: unknown): never => {
  throw labelApiError(err);
};

/**
 * Refuses a job before its first byte: a payload too large for the template, ZPL on a sheet, a label whose text
 * would print unreadably. Payloads of one job share their format and length, so the first label stands for all
 * (the renderers still check every one); text differs per device, so every label's is checked.
 */
export function precheck(plan: LabelPlan, output: LabelOutput): void {
  const t = plan.template;
  if (output !== 'pdf' && t.media !== 'roll') {
    throw new ApiError('invalid_params', `"${t.name}" is a sheet template; ZPL prints on roll templates only (${rolls(plan)})`);
  }
  const first = plan.labels().next();
  if (first.done) return;
  const fit = checkFit(t, first.value.payload, plan.job.ecc, { dpi: plan.dpi, catalog: plan.catalog, printerEncoded: output !== 'pdf' });
  if (!fit.ok) throw labelApiError(fit.error);
  const unprintable = findUnprintableText(t, plan.labels());
  if (unprintable) throw labelApiError(unprintable);
}

const rolls = (plan: LabelPlan) =>
  plan.catalog
    .filter((t) => t.media === 'roll')
    .map((t) => t.name)
    .join(', ');

/** Renders plans to PDF, ZPL or a raw printer, reporting progress and recording what was printed. */
export function createLabelRuns(deps: { history: LabelHistoryStore; bus: EventBus }) {
  function track(plan: LabelPlan, output: LabelOutput, options: RunOptions) {
    const ids: number[] = [];
    // About 50 progress events a job: enough for a smooth bar, few enough for the live stream.
    const step = Math.max(1, Math.ceil(plan.total / 50));
    const report = (done: number, total: number) => {
      options.onProgress?.(done, total);
      deps.bus.publish({ type: 'progress', task: `labels:${plan.job.batch}`, done, total });
    };
    report(0, plan.total);
    return {
      *labels(): Generator<PlannedLabel> {
        for (const label of plan.labels()) {
          ids.push(label.deviceId, label.tokenId);
          yield label;
          // Resumed: the consumer has drawn this label and asks for the next.
          const done = ids.length / 2;
          if (done % step === 0 && done < plan.total) report(done, plan.total);
        }
      },
      /** Records the labels drawn (or only the first `sent`, when a cancelled job took fewer). */
      finish(sent = ids.length / 2): number {
        const count = Math.min(sent, ids.length / 2);
        const taken = ids.slice(0, count * 2);
        if (options.record && count > 0) {
          const job = { template: plan.template.name, payload: plan.job.payload, output, ids: taken, printed: options.printed ?? false };
          deps.history.record(options.job ? { ...job, job: options.job } : job);
        }
        report(count, count);
        return count;
      },
    };
  }

  const zplOptions = (plan: LabelPlan) => ({ dpi: plan.dpi, offsetMm: plan.offset, ecc: plan.job.ecc, catalog: plan.catalog });

  return {
    /**
     * Streams the plan's PDF into `out` (a file, an HTTP response) and ends it. Through a PassThrough and
     * pipeline, so a download the client abandons stops the render instead of leaving it waiting for 'drain'.
     */
    async pdf(plan: LabelPlan, out: Writable, options: RunOptions): Promise<PdfResult> {
      precheck(plan, 'pdf');
      const run = track(plan, 'pdf', options);
      const sink = new PassThrough();
      const piping = pipeline(sink, out);
      let result: PdfResult;
      try {
        result = await renderLabelsPdf(plan.template, run.labels(), sink, {
          ecc: plan.job.ecc,
          offsetMm: plan.offset,
          dpi: plan.dpi,
          skip: plan.job.skip,
          outlines: plan.job.outlines,
          catalog: plan.catalog,
        });
        await piping;
      } catch (err) {
        sink.destroy(err as Error);
        await piping.catch(() => {});
        return rethrow(err);
      }
      run.finish();
      return result;
    },

    /** Streams one ^XA…^XZ format per label into `out` and ends it. */
    async zpl(plan: LabelPlan, out: Writable, options: RunOptions): Promise<{ labels: number; bytes: number }> {
      precheck(plan, 'zpl');
      const run = track(plan, 'zpl', options);
      let bytes = 0;
      async function* formats() {
        for await (const format of zplLabels(plan.template, run.labels(), zplOptions(plan))) {
          bytes += Buffer.byteLength(format);
          yield format;
        }
      }
      await pipeline(Readable.from(formats()), out).catch(rethrow);
      return { labels: run.finish(), bytes };
    },

    /** Sends the plan as ZPL to a raw (port 9100) printer; resolves once the printer has taken the whole job. */
    async printer(
      plan: LabelPlan,
      host: string,
      port: number,
      options: RunOptions,
    ): Promise<{ labels: number; bytes: number; cancelled: boolean; total: number }> {
      precheck(plan, 'printer');
      const run = track(plan, 'printer', { ...options, printed: true });
      const data = zplLabels(plan.template, run.labels(), zplOptions(plan));
      const sent = await sendRaw({ host, port, data, ...(options.signal ? { signal: options.signal } : {}) }).catch(rethrow);
      // Cancelled: how many of the labels sent the printer read before the reset is unknown, so none is recorded
      // as printed; "only labels never printed" offers them again (a duplicate label is harmless, a missing one not).
      const recorded = run.finish(sent.cancelled ? 0 : undefined);
      return { labels: sent.cancelled ? sent.chunks : recorded, bytes: sent.bytes, cancelled: sent.cancelled, total: plan.total };
    },
  };
}
export type LabelRuns = ReturnType<typeof createLabelRuns>;

/** Pages a job fills, counting the slots skipped on a part-used first sheet. */
export const pagesOf = (plan: LabelPlan, labels = plan.total): number =>
  labels === 0 ? 0 : Math.ceil((plan.job.skip + labels) / labelsPerPage(plan.template));

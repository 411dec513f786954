import type { LabelInput, QrPlacement } from './layout.ts';
import { checkFit, type Ecc, type FitOptions, fitSymbol, type QrSize } from './qr.ts';
import type { LabelTemplate } from './templates.ts';
import { requirePrintableText } from './text-check.ts';

export type Labels = Iterable<LabelInput> | AsyncIterable<LabelInput>;

export async function* eachLabel(labels: Labels): AsyncGenerator<LabelInput> {
  yield* labels;
}

/** Where one label's QR goes, or throws the LabelFitError that names a template it would fit. */
export function requirePlacement(template: LabelTemplate, symbol: QrSize, ecc: Ecc, options: FitOptions): QrPlacement {
  const fit = fitSymbol(template, symbol, ecc, options);
  if (!fit.ok) throw fit.error;
  return fit.placement;
}

/**
 * Refuses an in-memory batch before a byte is written, at the cost of one extra encode: payloads in a batch
 * share a format, so the longest needs the largest symbol; and any label whose text would print unreadably
 * (LabelTextError). Every label is still checked as it is drawn, so a stream (or an odd array) that fails later
 * stops the render with the same error.
 */
export function precheckBatch(template: LabelTemplate, labels: Labels, ecc: Ecc, options: FitOptions): void {
  if (!Array.isArray(labels) || labels.length === 0) return;
  let longest = labels[0] as LabelInput;
  for (const label of labels as LabelInput[]) {
    requirePrintableText(template, label);
    if (label.payload.length > longest.payload.length) longest = label;
  }
  const fit = checkFit(template, longest.payload, ecc, options);
  if (!fit.ok) throw fit.error;
}

export function requireSkip(template: LabelTemplate, skip: number): void {
  const perPage = template.grid.cols * template.grid.rows;
  if (!Number.isInteger(skip) || skip < 0 || skip >= perPage) {
    throw new RangeError(`skip must be a whole number from 0 to ${perPage - 1} for "${template.name}", got ${skip}`);
  }
}

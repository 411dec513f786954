import { eachLabel, type Labels, precheckBatch, requirePlacement } from './batch.ts';
import { type LabelInput, MM_PER_INCH, type OffsetMm, resolveDpi, textLines } from './layout.ts';
import { type Ecc, printerQrSize } from './qr.ts';
import { LINE_HEIGHT, type LabelTemplate } from './templates.ts';
import { requirePrintableText } from './text-check.ts';
import { fitLine } from './text-fit.ts';

/*
 * ZPL II for Zebra thermal printers: one ^XA…^XZ format per label, positions in dots.
 * Command reference: Zebra ZPL II Programming Guide (^BQ, ^FH, ^CI, ^FT, ^A0).
 */

export interface ZplOptions {
  /** Print head resolution; must be one the template lists (default: its first). */
  dpi?: number;
  offsetMm?: OffsetMm;
  ecc?: Ecc;
  catalog?: readonly LabelTemplate[];
}

// Font 0 is a condensed face; 0.6 × height per character over-estimates its widest capitals, so text
// measured this way never runs off the label (we cannot ask the printer for real metrics).
const FONT0_CHAR_WIDTH = 0.6;
const CAP_HEIGHT = 0.72;

/**
 * ^FD ends at the next ^ and ~ starts a control command, so either inside data would corrupt the format.
 * ^FH makes `_` an escape for a hex byte; we only switch it on when needed, and then escape `_` too.
 * Control characters have no business on a label and are dropped.
 */
export function zplFieldData(data: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = data.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!/[\^~]/.test(clean)) return `^FD${clean}^FS`;
  const escaped = clean.replace(/[\^~_]/g, (ch) => `_${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `^FH_^FD${escaped}^FS`;
}

function requireRoll(t: LabelTemplate): void {
  if (t.media !== 'roll') throw new RangeError(`"${t.name}" is a sheet template; ZPL prints on roll templates only`);
}

/**
 * The ZPL format for one label. Throws LabelFitError if the QR would be too small to scan, LabelTextError if its
 * text has characters the station's label font lacks (Chinese, Thai...): the printer's built-in font 0 has no
 * glyphs for those scripts either, and a refusal naming the device beats a label printed with blanks. Text the
 * font has goes to the printer as UTF-8 (^CI28) in the printer's own font.
 */
export function zplLabel(t: LabelTemplate, label: LabelInput, options: ZplOptions = {}): string {
  requireRoll(t);
  requirePrintableText(t, label);
  const dpi = resolveDpi(t, options.dpi) as number;
  const ecc = options.ecc ?? 'M';
  const placement = requirePlacement(t, printerQrSize(label.payload, ecc), ecc, { dpi, catalog: options.catalog });
  const dotsPerMm = dpi / MM_PER_INCH;
  const dots = (mm: number) => Math.round(mm * dotsPerMm);
  const offset = options.offsetMm ?? { x: 0, y: 0 };
  const at = (x: number, y: number) => `${Math.max(0, x + dots(offset.x))},${Math.max(0, y + dots(offset.y))}`;
  const qr = placement.dots!;

  // ^CI28: field data is UTF-8, so names with accents print as typed.
  const parts = ['^XA', '^CI28', `^PW${dots(t.pageMm.width)}`, `^LL${dots(t.pageMm.height)}`, '^LH0,0'];
  // ^FD for ^BQ starts with the error correction level and A (automatic mode selection).
  parts.push(`^FO${at(qr.x, qr.y)}^BQN,2,${qr.module}`, zplFieldData(`${ecc}A,${label.payload}`));

  const lines = textLines(t, label);
  const box = t.text.boxMm;
  const lineHeight = dots((t.text.fontPt * LINE_HEIGHT * MM_PER_INCH) / 72);
  let top = dots(box.y) + Math.floor((dots(box.height) - lines.length * lineHeight) / 2);
  const measure = (text: string, sizeDots: number) => Array.from(text).length * FONT0_CHAR_WIDTH * sizeDots;
  for (const line of lines) {
    const baseSize = dots((t.text.fontPt * MM_PER_INCH) / 72);
    const fitted = fitLine(line.text, dots(box.width), baseSize, measure, { shrinkFirst: line.shrinkFirst, ellipsis: '...' });
    const height = Math.max(1, Math.floor(fitted.sizePt));
    const baseline = top + Math.round((lineHeight + CAP_HEIGHT * height) / 2);
    // ^FT places the baseline, like the PDF renderer, so both outputs line up the same.
    parts.push(`^FT${at(dots(box.x), baseline)}^A0N,${height},${height}`, zplFieldData(fitted.text));
    top += lineHeight;
  }
  parts.push('^XZ');
  return `${parts.join('\n')}\n`;
}

/** One format per label, produced as they are consumed (pipe it straight into sendRaw). */
export async function* zplLabels(t: LabelTemplate, labels: Labels, options: ZplOptions = {}): AsyncGenerator<string> {
  requireRoll(t);
  precheckBatch(t, labels, options.ecc ?? 'M', { dpi: resolveDpi(t, options.dpi), catalog: options.catalog, printerEncoded: true });
  for await (const label of eachLabel(labels)) yield zplLabel(t, label, options);
}

import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { wordsFor } from '../../../shared/label-words.ts';
import { eachLabel, type Labels, precheckBatch, requirePlacement, requireSkip } from './batch.ts';
import { type LabelInput, MM_PER_INCH, type OffsetMm, type QrPlacement, resolveDpi, type SlotPosition, slotPosition, textLines } from './layout.ts';
import { type Ecc, encodeQr, forEachDarkRun, type QrSymbol } from './qr.ts';
import { LINE_HEIGHT, type LabelTemplate } from './templates.ts';
import { capHeight, forgetLayouts, LABEL_FONT, registerLabelFonts } from './label-font.ts';
import { requirePrintableText } from './text-check.ts';
import { fitLine } from './text-fit.ts';
import { PageContent } from './page-content.ts';
import { LabelTextSetter, pdfNumber } from './pdf-text.ts';

export interface PdfOptions {
  ecc?: Ecc;
  offsetMm?: OffsetMm;
  /** Roll templates: the print head resolution to snap modules to (default: the template's first). */
  dpi?: number;
  /** Slots already used on the first sheet, so a part-used sheet can go back in the printer. */
  skip?: number;
  /** Draw each label's outline: for a test print on plain paper held against the stock to measure the offset. */
  outlines?: boolean;
  /** Templates to suggest from when a payload does not fit. */
  catalog?: readonly LabelTemplate[];
  /** Called after each page; `total` is known when `labels` is an array. */
  onProgress?: (done: number, total?: number) => void;
  /** End `out` when done (default true), as stream.pipe does. */
  end?: boolean;
}

export interface PdfResult {
  labels: number;
  pages: number;
}

const PT_PER_MM = 72 / MM_PER_INCH;
const pt = (mm: number): number => mm * PT_PER_MM;

function snapToDots(mm: number, dpi: number): number {
  const dotsPerMm = dpi / MM_PER_INCH;
  return Math.round(mm * dotsPerMm) / dotsPerMm;
}

const num = pdfNumber;

/**
 * The symbol as one path of rectangles, one per run of dark modules in a row, filled once so no seams show
 * between runs: the operators pdfkit's transform/rect/fill write, written as bytes (a pdfkit call per run cost
 * more than the rest of the symbol, a string per symbol more than the bytes).
 */
function drawQr(page: PageContent, symbol: QrSymbol, placement: QrPlacement, xMm: number, yMm: number): void {
  const module = num(pt(placement.moduleMm));
  // Module units: every rectangle is small integers.
  page.line(`q\n${module} 0 0 ${module} ${num(pt(xMm + placement.xMm))} ${num(pt(yMm + placement.yMm))} cm`);
  forEachDarkRun(symbol, (row, col, length) => page.moduleRun(col, row, length));
  page.line('/DeviceRGB cs\n0 0 0 scn\nf\nQ');
}

/** Cap heights of the label faces over the font size: centres capitals in their line. */
interface CapHeights {
  regular: number;
  bold: number;
}

/**
 * Lines measured with the embedded font that draws them, so they fit the same on every machine, and clipped to
 * the text box, so no glyph overhang can reach into the QR code's quiet zone next to it. Lines go through the
 * setter's cached glyphs; one it cannot set exactly goes through pdfkit's text(), after what `page` holds.
 */
function drawText(doc: PDFKit.PDFDocument, setter: LabelTextSetter, page: PageContent, t: LabelTemplate, label: LabelInput, xMm: number, yMm: number, caps: CapHeights): void {
  const lines = textLines(t, label);
  const box = t.text.boxMm;
  const lineHeight = t.text.fontPt * LINE_HEIGHT;
  let top = pt(yMm + box.y) + (pt(box.height) - lines.length * lineHeight) / 2;
  page.line(`q\n${num(pt(xMm + box.x))} ${num(pt(yMm + box.y))} ${num(pt(box.width))} ${num(pt(box.height))} re\nW n`);
  for (const line of lines) {
    const style = line.bold ? 'bold' : 'regular';
    let viaPdfkit = false;
    const measure = (text: string, size: number) => {
      const width = setter.width(style, text, size);
      if (width !== null) return width;
      viaPdfkit = true;
      return doc.font(LABEL_FONT[style]).fontSize(size).widthOfString(text);
    };
    const fitted = fitLine(line.text, pt(box.width), t.text.fontPt, measure, { shrinkFirst: line.shrinkFirst, ellipsis: '…' });
    const x = pt(xMm + box.x);
    const baseline = top + (lineHeight + caps[style] * fitted.sizePt) / 2;
    const ops = viaPdfkit ? null : setter.operators(style, fitted.text, fitted.sizePt, x, baseline);
    if (ops !== null) page.line(ops);
    else {
      page.handOver();
      doc.font(LABEL_FONT[style]).fontSize(fitted.sizePt).text(fitted.text, x, baseline, { lineBreak: false, baseline: 'alphabetic' });
    }
    top += lineHeight;
  }
  page.line('Q');
}

function drawOutline(doc: PDFKit.PDFDocument, t: LabelTemplate, xMm: number, yMm: number): void {
  const { width, height, cornerRadius } = t.labelMm;
  doc.save();
  doc.roundedRect(pt(xMm), pt(yMm), pt(width), pt(height), pt(cornerRadius)).lineWidth(0.25).stroke('#9a9a9a');
  doc.restore();
}

function labelOrigin(position: SlotPosition, placement: QrPlacement): { x: number; y: number } {
  const dpi = placement.dots?.dpi;
  return dpi === undefined ? { x: position.xMm, y: position.yMm } : { x: snapToDots(position.xMm, dpi), y: snapToDots(position.yMm, dpi) };
}

/**
 * Moves what pdfkit has produced so far into `out`; true when `out` asks us to wait for 'drain'.
 * Read synchronously: pdfkit's 'data' events ride on process.nextTick, which never runs while the render
 * loop awaits only promises (an async iterable of labels), so the document would pile up inside pdfkit.
 */
function flushTo(doc: PDFKit.PDFDocument, out: NodeJS.WritableStream): boolean {
  let full = false;
  for (let chunk: Buffer | null = doc.read(); chunk !== null; chunk = doc.read()) {
    if (!out.write(chunk)) full = true;
  }
  return full;
}

/**
 * Streams a vector PDF of `labels` laid out on `template` into `out`, one page at a time: pdfkit serialises
 * each page when the next begins, we hand it to `out` and wait for 'drain' when `out` is full, so memory
 * stays flat for 10,000 labels. Refuses (LabelFitError) before writing anything if the QR would be too small to scan;
 * a streamed label that fails later rejects the promise and leaves `out` unended.
 */
export async function renderLabelsPdf(t: LabelTemplate, labels: Labels, out: NodeJS.WritableStream, options: PdfOptions = {}): Promise<PdfResult> {
  const ecc = options.ecc ?? 'M';
  const offset = options.offsetMm ?? { x: 0, y: 0 };
  const skip = options.skip ?? 0;
  requireSkip(t, skip);
  const fitOptions = { dpi: resolveDpi(t, options.dpi), catalog: options.catalog };
  const total = Array.isArray(labels) ? labels.length : undefined;
  precheckBatch(t, labels, ecc, fitOptions);

  const iterator = eachLabel(labels);
  let next = await iterator.next();
  if (next.done) throw new RangeError('no labels to render');
  const fitLabel = (label: LabelInput) => {
    requirePrintableText(t, label);
    const symbol = encodeQr(label.payload, ecc);
    return { symbol, placement: requirePlacement(t, symbol, ecc, fitOptions) };
  };
  let fit = fitLabel(next.value);

  const doc = new PDFDocument({
    size: [pt(t.pageMm.width), pt(t.pageMm.height)],
    margin: 0,
    autoFirstPage: false,
    // One render is one batch, so one language: the first label's.
    info: { Title: wordsFor(next.value.language).documentTitle(t.name), Creator: 'Fieldstation' },
  });
  registerLabelFonts(doc);
  const setter = new LabelTextSetter(doc);
  const content = new PageContent(doc);
  const caps: CapHeights = { regular: capHeight('regular'), bold: capHeight('bold') };
  // Rejects the render if `out` fails; aborted at the end so no listener is left on the caller's stream.
  const stopWatching = new AbortController();
  const outError = once(out, 'error', { signal: stopWatching.signal }).then(([error]) => Promise.reject(error));
  outError.catch(() => {});
  const flushed = async () => {
    if (flushTo(doc, out)) await Promise.race([once(out, 'drain', { signal: stopWatching.signal }), outError]);
  };

  let done = 0;
  let page = -1;
  try {
    while (!next.done) {
      const label = next.value;
      if (done > 0) fit = fitLabel(label);
      const position = slotPosition(t, skip + done, offset);
      if (position.page !== page) {
        // Adding a page ends the previous one, which pdfkit then serialises: hand it on before drawing more.
        if (page >= 0) content.end();
        doc.addPage();
        content.begin();
        forgetLayouts(doc);
        if (page >= 0) {
          options.onProgress?.(done, total);
          await flushed();
        }
        page = position.page;
      }
      const origin = labelOrigin(position, fit.placement);
      if (options.outlines) {
        content.handOver();
        drawOutline(doc, t, origin.x, origin.y);
      }
      drawQr(content, fit.symbol, fit.placement, origin.x, origin.y);
      drawText(doc, setter, content, t, label, origin.x, origin.y, caps);
      done++;
      next = await iterator.next();
    }
    content.end();
    const docEnded = once(doc, 'end');
    doc.end();
    await flushed();
    // Anything pdfkit still finishes asynchronously flows on from here (nothing in pdfkit 0.17: end() embeds the
    // font subsets synchronously).
    doc.on('data', (chunk: Buffer) => out.write(chunk));
    await Promise.race([docEnded, outError]);
    if (options.end !== false) {
      out.end();
      await Promise.race([finished(out), outError]);
    }
  } finally {
    stopWatching.abort();
    if (!next.done) await iterator.return(undefined);
    doc.removeAllListeners('data');
  }
  options.onProgress?.(done, total);
  return { labels: done, pages: page + 1 };
}

import { deflateSync } from 'node:zlib';

/*
 * A label page's content stream is about 80 kB of operators (30 QR codes as rectangles, 120 lines of text), and
 * pdfkit deflates every stream at zlib's default level 6. On this text that level spends twice the time of level 5
 * for 6 % less output: at level 6 compression was 40–50 µs a label, the largest cost left once QR codes and text
 * were fast. So the page's content is deflated here, at level 5, when the page is done; fonts and everything
 * else keep pdfkit's own compression.
 */

/** zlib level for page content: level 6's output within about 6 %, at about 60 % of its time (bench/labels.ts). */
export const PAGE_DEFLATE_LEVEL = 5;

/** The part of pdfkit's PDFReference (a page's content stream) this module uses: pdfkit 0.17, js/pdfkit.js. */
interface ContentReference {
  compress: boolean;
  buffer: Buffer[];
  data: { Filter?: string };
}

const contentOf = (doc: PDFKit.PDFDocument) => (doc.page as unknown as { content: ContentReference }).content;

/** From now on pdfkit keeps the current page's content as written (call right after addPage). */
export function deferPageCompression(doc: PDFKit.PDFDocument): void {
  contentOf(doc).compress = false;
}

/**
 * Deflates the current page's content, for pdfkit to write as it is when the page ends (call before the next
 * addPage or end). pdfkit marks a stream FlateDecode only while compressing it itself, so the filter is set here.
 */
export function compressPage(doc: PDFKit.PDFDocument): void {
  const content = contentOf(doc);
  if (content.compress || content.buffer.length === 0) return;
  content.buffer = [deflateSync(Buffer.concat(content.buffer), { level: PAGE_DEFLATE_LEVEL })];
  content.data.Filter = 'FlateDecode';
}

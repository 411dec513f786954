import { deflateSync } from 'node:zlib';

/*
 * A label page's content stream is about 80 kB of operators (30 QR codes as rectangles, 120 lines of text), and
 * pdfkit deflates every stream at zlib's default level 6: 50 µs of CPU a label, more than everything else on the
 * page once QR codes and text were fast. On this text level 4 takes about 19 µs for 17 % more output (370 against
 * 315 bytes a label; level 5: 29 µs, 335 bytes; measured on 300 pages of the bench's labels with deflateSync). So
 * the page's content is deflated here, at level 4, when the page is done; fonts and everything else keep pdfkit's
 * own compression. A label spool of 10,000 labels grows from about 3.2 to 3.7 MB.
 */

/** zlib level for page content (see above). */
export const PAGE_DEFLATE_LEVEL = 4;

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

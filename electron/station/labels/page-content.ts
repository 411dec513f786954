import { deflateSync } from 'node:zlib';

/*
 * A label page's content stream is about 80 kB of operators (30 QR codes as rectangles, 120 lines of text). Written
 * through pdfkit it was a string per label, a Buffer per addContent, a concatenation per page and a deflate at
 * zlib's default level 6: together the largest cost of a label PDF once QR codes and text were fast. So the page's
 * operators are written here as bytes into one buffer kept for the whole document, and deflated from it in one
 * call when the page is done; pdfkit writes the result as it is. Fonts and everything else keep pdfkit's own
 * compression.
 *
 * Level 1 (zlib's fastest, deflate_fast): on the bench's pages it takes about two thirds of level 4's time (best of
 * 7 passes with deflateSync over 334 pages: 15–18 against 24–33 µs a label) for 87 bytes more a label (456 against
 * 369; level 2: 419 bytes, some 10 % slower than level 1; level 6: 315 bytes, three times level 1's time). Z_RLE and
 * Huffman-only are no faster here and triple the output (1,198 bytes a label): the operators repeat as text, not as
 * byte runs. A 10,000-label spool grows from about 3.7 to 4.5 MB.
 */

/** zlib level for page content (see above). */
export const PAGE_DEFLATE_LEVEL = 1;

/** The part of pdfkit's PDFReference (a page's content stream) this module uses: pdfkit 0.17, js/pdfkit.js. */
interface ContentReference {
  compress: boolean;
  buffer: Buffer[];
  data: { Filter?: string };
}

const contentOf = (doc: PDFKit.PDFDocument) => (doc.page as unknown as { content: ContentReference }).content;

const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;
const ONE = 0x31;

/** The current page's content stream as bytes; one per document, reused from page to page. */
export class PageContent {
  private bytes = Buffer.allocUnsafe(128 * 1024);
  private length = 0;

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /**
   * Takes over the page pdfkit has just added (call right after addPage): what pdfkit wrote to it (its flip to
   * top-down coordinates) moves here, and pdfkit keeps the page's content uncompressed for end() to deflate.
   */
  begin(): void {
    const content = contentOf(this.doc);
    content.compress = false;
    this.length = 0;
    for (const chunk of content.buffer) {
      this.reserve(chunk.length);
      this.length += chunk.copy(this.bytes, this.length);
    }
    content.buffer = [];
  }

  /** Appends `operators` and a newline, as pdfkit's addContent does. Operators are ASCII. */
  line(operators: string): void {
    this.reserve(operators.length + 1);
    this.length += this.bytes.write(operators, this.length, 'latin1');
    this.bytes[this.length++] = NEWLINE;
  }

  /** Appends `x y w 1 re` and a newline: one run of dark modules in module units (all small whole numbers). */
  moduleRun(x: number, y: number, w: number): void {
    this.reserve(40);
    this.wholeNumber(x);
    this.bytes[this.length++] = SPACE;
    this.wholeNumber(y);
    this.bytes[this.length++] = SPACE;
    this.wholeNumber(w);
    // ' 1 re\n' byte by byte: Buffer.copy's call costs more than six stores.
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = SPACE;
    bytes[at++] = ONE;
    bytes[at++] = SPACE;
    bytes[at++] = 0x72; // r
    bytes[at++] = 0x65; // e
    bytes[at++] = NEWLINE;
    this.length = at;
  }

  /** Hands what is written so far to pdfkit, before pdfkit itself draws on the page. */
  handOver(): void {
    if (this.length === 0) return;
    contentOf(this.doc).buffer.push(Buffer.from(this.bytes.subarray(0, this.length)));
    this.length = 0;
  }

  /**
   * Deflates the page's content, for pdfkit to write as it is when the page ends (call before the next addPage
   * or end). pdfkit marks a stream FlateDecode only while compressing it itself, so the filter is set here.
   */
  end(): void {
    const content = contentOf(this.doc);
    let plain = this.bytes.subarray(0, this.length);
    if (content.buffer.length > 0) plain = Buffer.concat([...content.buffer, plain]);
    this.length = 0;
    if (plain.length === 0) return;
    content.buffer = [deflateSync(plain, { level: PAGE_DEFLATE_LEVEL })];
    content.data.Filter = 'FlateDecode';
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** A non-negative integer in decimal, as pdfkit writes it; module counts are under 1,000 (177 at most). */
  private wholeNumber(n: number): void {
    const bytes = this.bytes;
    if (n >= 1000) {
      this.length += bytes.write(String(n), this.length, 'latin1');
      return;
    }
    if (n >= 100) bytes[this.length++] = ZERO + Math.floor(n / 100);
    if (n >= 10) bytes[this.length++] = ZERO + (Math.floor(n / 10) % 10);
    bytes[this.length++] = ZERO + (n % 10);
  }
}

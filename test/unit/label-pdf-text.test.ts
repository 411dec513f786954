import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it } from 'vitest';
import { hasLabelGlyph, LABEL_FONT, type LabelFontStyle, registerLabelFonts } from '../../electron/station/labels/label-font.ts';
import { renderLabelsPdf } from '../../electron/station/labels/pdf.ts';
import { LabelTextSetter } from '../../electron/station/labels/pdf-text.ts';
import { getTemplate } from '../../electron/station/labels/templates.ts';
import { encodeTokenPayload } from '../../shared/label-payload.ts';

const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-label-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/*
 * The label text setter writes lines from cached glyphs instead of calling pdfkit's text(). For every line it
 * takes on, it must write exactly what text() writes (same subset glyphs, same kerning, same position) and
 * measure exactly what widthOfString measures; lines it cannot reproduce it must leave to pdfkit.
 */

interface Content {
  buffer: Buffer[];
}

function newDoc() {
  const doc = new PDFDocument({ size: [300, 200], margin: 0, autoFirstPage: false, compress: false });
  registerLabelFonts(doc);
  doc.addPage();
  const content = (doc.page as unknown as { content: Content }).content;
  return { doc, content };
}

/** What pdfkit's text() writes for `text` (the newline pdfkit adds after each operator group trimmed). */
function pdfkitOperators(doc: PDFKit.PDFDocument, content: Content, style: LabelFontStyle, text: string, size: number, x: number, y: number): string {
  const before = content.buffer.length;
  doc.font(LABEL_FONT[style]).fontSize(size).text(text, x, y, { lineBreak: false, baseline: 'alphabetic' });
  return Buffer.concat(content.buffer.slice(before)).toString('latin1').trimEnd();
}

let seed = 5;
const next = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
};
const pick = (alphabet: string) => {
  const chars = Array.from(alphabet);
  return chars[next() % chars.length]!;
};

// Kerning pairs (AV, To, Ty, LT, "7 "), DejaVu's ligatures (fi, fl, ffi), accents, Greek, Cyrillic, marks.
const ALPHABETS = [
  'AVTWYLPFoaeyrv.,-7 ',
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_/:#()',
  'fiflffil ',
  'ÀÉÎÕÜàéîõüçÇñÑßŁłąęŚśŻżČčŘřŐő ',
  'ΑΒΓΔΩαβγδεζηθωάέήίόύώ ',
  'АБВГДЕЁЖЗИЙКЛМНабвгдеёжзийклмнЫыЭэЮюЯя ',
  'ae\u0301o\u0308n\u0303 ',
];

describe('label text setter', () => {
  it('writes and measures every line it takes exactly as pdfkit text() and widthOfString do, and leaves ligatures to pdfkit', () => {
    const { doc, content } = newDoc();
    const setter = new LabelTextSetter(doc);
    let taken = 0;
    let left = 0;
    for (let n = 0; n < 1_500; n++) {
      const alphabet = ALPHABETS[n % ALPHABETS.length]!;
      const length = 1 + (next() % 24);
      const text = Array.from({ length }, () => pick(alphabet)).join('');
      const style: LabelFontStyle = n % 2 === 0 ? 'regular' : 'bold';
      const size = [6, 7.5, 8, 9.25][n % 4]!;
      const x = 10 + (next() % 1000) / 7;
      const y = 20 + (next() % 1000) / 9;
      const width = setter.width(style, text, size);
      const ops = setter.operators(style, text, size, x, y);
      expect(ops === null).toBe(width === null);
      const theirs = pdfkitOperators(doc, content, style, text, size, x, y);
      if (ops === null) {
        left++;
        continue;
      }
      taken++;
      expect(ops).toBe(theirs);
      expect(width).toBeCloseTo(doc.font(LABEL_FONT[style]).fontSize(size).widthOfString(text), 9);
    }
    // Most lines take the fast path; ligatures and combining marks do not.
    expect(taken).toBeGreaterThan(1_000);
    expect(left).toBeGreaterThan(100);
    expect(setter.width('regular', 'office', 8)).toBeNull();
    expect(setter.width('regular', 'e\u0301', 8)).toBeNull();
  });

  it('the label font draws every printable ASCII character in both faces (the text check relies on it)', () => {
    for (let codePoint = 0x20; codePoint <= 0x7e; codePoint++) expect(hasLabelGlyph(codePoint)).toBe(true);
  });

  it('two documents rendered at the same time each embed and read back their own text', async () => {
    const names = [['Ölpumpe Süd', 'Насос 7', 'Αντλία'], ['Kraków Łąka', 'Zähler Nord', 'Office fan']];
    const files = names.map((_, i) => path.join(work, `together-${i}.pdf`));
    await Promise.all(
      names.map((group, i) =>
        renderLabelsPdf(
          getTemplate('avery-5160'),
          group.map((name, n) => ({ payload: encodeTokenPayload(`${i}${n}ABCDEFGH`, null), name, serial: `SN-${i}${n}` })),
          createWriteStream(files[i]!),
        ),
      ),
    );
    for (const [i, file] of files.entries()) {
      const text = (await run('pdftotext', [file, '-'])).stdout;
      for (const name of names[i]!) expect(text).toContain(name);
      for (const other of names[1 - i]!) expect(text).not.toContain(other);
      // Both faces, each an embedded subset with its Unicode map (pdffonts: emb sub uni), and no other font.
      const fonts = (await run('pdffonts', [file])).stdout.trim().split('\n').slice(2);
      expect(fonts).toHaveLength(2);
      for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+DejaVuSansCondensed(-Bold)?\s.*\syes\s+yes\s+yes\s/);
    }
  });
});

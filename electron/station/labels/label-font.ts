import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { resourcesDir } from '../paths.ts';

/*
 * Label text is set in DejaVu Sans Condensed (resources/fonts, Bitstream Vera / Arev licence in LICENSE-DejaVu.txt),
 * embedded in every PDF as a subset. PDF's built-in Helvetica is never embedded: each viewer and printer draws its
 * own substitute (DejaVu Sans on a Debian box), whose wider letters ran into the QR code's quiet zone on small
 * stock. With the font in the file, every machine measures and draws the same glyphs. Condensed, because label
 * text boxes are narrow; DejaVu, because it covers Latin, Greek and Cyrillic and is freely redistributable.
 */

const FILES = { regular: 'DejaVuSansCondensed.ttf', bold: 'DejaVuSansCondensed-Bold.ttf' } as const;
export type LabelFontStyle = keyof typeof FILES;

/** The names the faces are registered under in a PDFDocument (registerLabelFonts). */
export const LABEL_FONT: Record<LabelFontStyle, string> = { regular: 'label', bold: 'label-bold' };

/** The part of fontkit's font object we use: pdfkit embeds through fontkit and keeps it on its font. */
interface FontkitFont {
  unitsPerEm: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): { bbox: { maxY: number } };
}

interface Face {
  data: Buffer;
  font: FontkitFont;
}

export class LabelFontError extends Error {
  override readonly name = 'LabelFontError';
}

const faces = new Map<LabelFontStyle, Face>();

function loadFace(style: LabelFontStyle): Face {
  let face = faces.get(style);
  if (face) return face;
  // Found through the package root, so the same path works from the sources, from dist/ and in a packaged app
  // that ships resources/ beside its package.json.
  const path = join(resourcesDir, 'fonts', FILES[style]);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new LabelFontError(`cannot read the label font ${path}: ${(error as Error).message}`);
  }
  // pdfkit keeps the parsed font private; a throwaway document parses it once, the same way a render will.
  const probe = new PDFDocument({ autoFirstPage: false });
  probe.font(data);
  const font = (probe as unknown as { _font: { font: FontkitFont } })._font.font;
  face = { data, font };
  faces.set(style, face);
  return face;
}

/** Makes the label faces available to `doc` as LABEL_FONT.regular / .bold (pdfkit subsets what is drawn). */
export function registerLabelFonts(doc: PDFKit.PDFDocument): void {
  for (const style of Object.keys(FILES) as LabelFontStyle[]) doc.registerFont(LABEL_FONT[style], loadFace(style).data);
}

/**
 * Drops the glyph layouts pdfkit has cached for the label faces. pdfkit keeps one per distinct word for the
 * life of the document, and every label brings new words (serials, short codes), so a 10,000-label PDF would
 * hold them all; called once a page, the cache still serves a label's measuring and drawing of the same line.
 */
export function forgetLayouts(doc: PDFKit.PDFDocument): void {
  const families = (doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object } | undefined> })._fontFamilies;
  for (const name of Object.values(LABEL_FONT)) {
    const font = families[name];
    if (font?.layoutCache) font.layoutCache = Object.create(null);
  }
}

/** Height of a capital (H) over the font size: centres capitals in their line, like the printed glyphs. */
export function capHeight(style: LabelFontStyle): number {
  const { font } = loadFace(style);
  return font.glyphForCodePoint(0x48).bbox.maxY / font.unitsPerEm;
}

const coverage = new Map<number, boolean>();

/** Whether both faces have a glyph for `codePoint` (a line may be set in either). */
export function hasLabelGlyph(codePoint: number): boolean {
  let known = coverage.get(codePoint);
  if (known === undefined) {
    known = loadFace('regular').font.hasGlyphForCodePoint(codePoint) && loadFace('bold').font.hasGlyphForCodePoint(codePoint);
    coverage.set(codePoint, known);
  }
  return known;
}

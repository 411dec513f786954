import { LABEL_FONT, type LabelFontStyle } from './label-font.ts';

/*
 * Label lines set from cached glyphs instead of pdfkit's text(): pdfkit shapes every new word with fontkit (GSUB
 * and GPOS lookups, a layout object per word) and writes each operator as its own buffer, which made text the
 * largest cost of a label PDF after the QR code. Label text is a few fields in two faces, so each character's
 * glyph and each pair's kerning is shaped once per document, through pdfkit's own font object: the glyphs land in
 * pdfkit's subset with their Unicode mapping, so the text stays embedded, real and selectable, and the operators
 * written are the ones pdfkit's _fragment writes for the same line (kerning included, as TJ adjustments).
 *
 * Only what pair-wise shaping reproduces exactly takes this path: a character that shapes to other than one
 * glyph of its own advance, or a pair that forms a ligature (DejaVu's fi, fl) or moves the second glyph, sends its
 * whole line to pdfkit's text(); so do combining marks, which fontkit positions against their base.
 */

/** A glyph's place in pdfkit's layout, in thousandths of the font size (pdfkit scales fontkit's units so). */
interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

/** The part of pdfkit's EmbeddedFont this module uses (pdfkit 0.17, js/pdfkit.js). */
interface EmbeddedFont {
  id: string;
  ref(): unknown;
  /** Shapes `text`, adds its glyphs to the subset (with widths and Unicode), returns subset ids as 4-digit hex. */
  encode(text: string): [string[], GlyphPosition[]];
  /** Shapes `text` without touching the subset. */
  layoutRun(text: string): { glyphs: { id: number }[]; positions: GlyphPosition[] };
}

interface Glyph {
  /** Subset glyph id, 4 hex digits, as pdfkit writes it in a TJ string. */
  hex: string;
  /** fontkit's glyph id, to recognise it in a shaped pair. */
  id: number;
  advance: number;
}

/** Code points below this are cached in arrays, not maps: label text is mostly ASCII. */
const ARRAY_CACHED = 128;
/** In the ASCII kerning array: a pair not shaped yet, and a pair that is not pair-wise. */
const UNKNOWN = Number.NaN;
const NOT_PAIRWISE = Number.POSITIVE_INFINITY;

/**
 * Pair kerning in thousandths of the font size, keyed by both code points; null (NOT_PAIRWISE for ASCII) when a
 * pair is not pair-wise. A property of the font file, not of a document's subset, so kept for the process: shaping
 * the pairs of a batch's short codes again in every document cost more than its first page.
 */
interface PairCache {
  pairs: Map<number, number | null>;
  ascii: Float64Array;
}

const pairCaches = new Map<LabelFontStyle, PairCache>();

function pairCacheOf(style: LabelFontStyle): PairCache {
  let cache = pairCaches.get(style);
  if (!cache) {
    cache = { pairs: new Map(), ascii: new Float64Array(ARRAY_CACHED * ARRAY_CACHED).fill(UNKNOWN) };
    pairCaches.set(style, cache);
  }
  return cache;
}

/** What one face of the label font shapes: glyphs (with their subset ids) for one document, pairs for the process. */
class Face {
  private readonly glyphs = new Map<number, Glyph | null>();
  private readonly asciiGlyphs: (Glyph | null | undefined)[] = new Array(ARRAY_CACHED).fill(undefined);
  private readonly kerning: Map<number, number | null>;
  private readonly asciiKerning: Float64Array;

  constructor(
    readonly font: EmbeddedFont,
    pairs: PairCache,
  ) {
    this.kerning = pairs.pairs;
    this.asciiKerning = pairs.ascii;
  }

  glyph(codePoint: number): Glyph | null {
    if (codePoint < ARRAY_CACHED) {
      let glyph = this.asciiGlyphs[codePoint];
      if (glyph === undefined) {
        glyph = this.shapeGlyph(codePoint);
        this.asciiGlyphs[codePoint] = glyph;
      }
      return glyph;
    }
    let glyph = this.glyphs.get(codePoint);
    if (glyph === undefined) {
      glyph = this.shapeGlyph(codePoint);
      this.glyphs.set(codePoint, glyph);
    }
    return glyph;
  }

  kern(first: number, second: number, a: Glyph, b: Glyph): number | null {
    if (first < ARRAY_CACHED && second < ARRAY_CACHED) {
      const index = first * ARRAY_CACHED + second;
      let kern = this.asciiKerning[index]!;
      if (Number.isNaN(kern)) {
        kern = this.shapePair(first, second, a, b) ?? NOT_PAIRWISE;
        this.asciiKerning[index] = kern;
      }
      return kern === NOT_PAIRWISE ? null : kern;
    }
    const key = first * 0x200000 + second;
    let kern = this.kerning.get(key);
    if (kern === undefined) {
      kern = this.shapePair(first, second, a, b);
      // Bounded: a process may set text in many scripts over its life.
      if (this.kerning.size > 100_000) this.kerning.clear();
      this.kerning.set(key, kern);
    }
    return kern;
  }

  private shapeGlyph(codePoint: number): Glyph | null {
    const text = String.fromCodePoint(codePoint);
    const { glyphs: shaped } = this.font.layoutRun(text);
    if (shaped.length !== 1) return null;
    const [hex, positions] = this.font.encode(text);
    const position = positions[0]!;
    if (hex.length === 1 && !position.xOffset && !position.yOffset && position.xAdvance === position.advanceWidth) {
      return { hex: hex[0]!, id: shaped[0]!.id, advance: position.xAdvance };
    }
    return null;
  }

  private shapePair(first: number, second: number, a: Glyph, b: Glyph): number | null {
    const { glyphs, positions } = this.font.layoutRun(String.fromCodePoint(first, second));
    const [p, q] = positions;
    if (glyphs.length === 2 && glyphs[0]!.id === a.id && glyphs[1]!.id === b.id && p && q) {
      const plain = !p.xOffset && !p.yOffset && !q.xOffset && !q.yOffset && q.xAdvance === b.advance;
      if (plain) return p.xAdvance - a.advance;
    }
    return null;
  }
}

/** A line as glyphs: subset ids, and each glyph's advance in thousandths of the font size (kerning included). */
interface SetLine {
  glyphs: Glyph[];
  kerns: number[];
  width: number;
}

// pdfkit shapes a line word by word, each word with the space after it (EmbeddedFont.layout): a pair is kerned
// unless its first character is a space or tab.
const SPACE = 0x20;
const TAB = 0x09;

/** A number as pdfkit writes it in a content stream (PDFObject.number): six decimals. */
export const pdfNumber = (n: number): number => Math.round(n * 1e6) / 1e6;
const num = pdfNumber;

export class LabelTextSetter {
  private readonly faces: Record<LabelFontStyle, Face>;

  /** `doc` must have the label fonts registered (registerLabelFonts). */
  constructor(private readonly doc: PDFKit.PDFDocument) {
    const faceOf = (style: LabelFontStyle) => {
      doc.font(LABEL_FONT[style]);
      return new Face((doc as unknown as { _font: EmbeddedFont })._font, pairCacheOf(style));
    };
    this.faces = { regular: faceOf('regular'), bold: faceOf('bold') };
  }

  /** The last line set: a line is measured to fit, then drawn. */
  private last: { style: LabelFontStyle; text: string; line: SetLine | null } | undefined;

  /** The line as cached glyphs, or null when it needs pdfkit's full shaping. */
  private set(style: LabelFontStyle, text: string): SetLine | null {
    const last = this.last;
    if (last && last.text === text && last.style === style) return last.line;
    const line = this.shape(style, text);
    this.last = { style, text, line };
    return line;
  }

  private shape(style: LabelFontStyle, text: string): SetLine | null {
    const face = this.faces[style];
    const glyphs: Glyph[] = [];
    const kerns: number[] = [];
    let width = 0;
    let previous = -1;
    let previousGlyph: Glyph | null = null;
    for (let i = 0; i < text.length; i++) {
      const codePoint = text.codePointAt(i)!;
      if (codePoint > 0xffff) i++;
      const glyph = face.glyph(codePoint);
      if (!glyph) return null;
      if (previousGlyph && previous !== SPACE && previous !== TAB) {
        const kern = face.kern(previous, codePoint, previousGlyph, glyph);
        if (kern === null) return null;
        kerns[kerns.length - 1] = kern;
        width += kern;
      }
      glyphs.push(glyph);
      kerns.push(0);
      width += glyph.advance;
      previous = codePoint;
      previousGlyph = glyph;
    }
    return { glyphs, kerns, width };
  }

  /** Width of `text` at `sizePt`, as pdfkit's widthOfString measures it; null when only pdfkit can set it. */
  width(style: LabelFontStyle, text: string, sizePt: number): number | null {
    const line = this.set(style, text);
    return line && (line.width * sizePt) / 1000;
  }

  /**
   * The content-stream operators pdfkit's text(text, x, y, { lineBreak: false, baseline: 'alphabetic' }) writes
   * for this line, or null when only pdfkit can set it. `x`, `baseline`: pdfkit's top-down page coordinates.
   */
  operators(style: LabelFontStyle, text: string, sizePt: number, x: number, baseline: number): string | null {
    const line = this.set(style, text);
    if (!line) return null;
    const { font } = this.faces[style];
    const page = this.doc.page as unknown as { height: number; fonts: Record<string, unknown> };
    page.fonts[font.id] ??= font.ref();
    // One TJ string per run of unkerned glyphs, each followed by its kerning (TJ subtracts: moves left).
    let tj = '';
    let hex = '';
    for (let i = 0; i < line.glyphs.length; i++) {
      hex += line.glyphs[i]!.hex;
      const kern = line.kerns[i]!;
      if (kern !== 0 || i === line.glyphs.length - 1) {
        tj += `${tj ? ' ' : ''}<${hex}> ${num(-kern)}`;
        hex = '';
      }
    }
    return `q\n1 0 0 -1 0 ${num(page.height)} cm\nBT\n1 0 0 1 ${num(x)} ${num(page.height - baseline)} Tm\n/${font.id} ${num(sizePt)} Tf\n[${tj}] TJ\nET\nQ`;
  }
}

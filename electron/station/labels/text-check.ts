import { hasLabelGlyph } from './label-font.ts';
import { type LabelInput, type TextLine, textLines } from './layout.ts';
import type { LabelField, LabelTemplate } from './templates.ts';

/*
 * A label whose text would print as empty boxes (a name in Chinese or Thai, which the label font has no glyphs
 * for) is refused before printing, naming the device and the characters, rather than printed unreadable.
 */

// pdfkit has no bidirectional layout: a right-to-left name mixed with digits or Latin would print in the wrong
// order, so these scripts are refused although the font draws some of them (Hebrew, Arabic).
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
/** How many distinct characters a message lists before it says "and more". */
const SHOWN = 6;

const FIELD_WORDS: Record<LabelField, string> = {
  name: 'name',
  shortCode: 'short code',
  serial: 'serial number',
  batch: 'batch name',
  site: 'site name',
};

export class LabelTextError extends Error {
  override readonly name = 'LabelTextError';
  readonly code = 'LABEL_TEXT_UNPRINTABLE';
  constructor(
    message: string,
    /** The device's name, as the label shows it. */
    readonly device: string,
    readonly field: LabelField,
    /** The characters that cannot be printed, each once, in order of appearance. */
    readonly characters: string[],
  ) {
    super(message);
  }
}

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Printable ASCII, which the label font covers in both faces (test/unit/label-pdf-text.test.ts checks it). */
const PRINTABLE_ASCII = /^[ -~]*$/;

function unprintable(line: TextLine): { characters: string[]; rightToLeft: boolean } {
  if (PRINTABLE_ASCII.test(line.text)) return { characters: [], rightToLeft: false };
  const characters = new Set<string>();
  let rightToLeft = false;
  for (const ch of line.text) {
    const rtl = RIGHT_TO_LEFT.test(ch);
    if (rtl || !hasLabelGlyph(ch.codePointAt(0)!)) {
      characters.add(ch);
      rightToLeft ||= rtl;
    }
  }
  return { characters: [...characters], rightToLeft };
}

function describe(label: LabelInput, line: TextLine, characters: string[], rightToLeft: boolean): string {
  const shown = characters.slice(0, SHOWN).map((ch) => `"${ch}" (${codePoint(ch)})`);
  const more = characters.length > SHOWN ? ` and ${characters.length - SHOWN} more` : '';
  const what = line.field === 'name' ? 'its name' : `its ${FIELD_WORDS[line.field]} "${line.text}"`;
  const why = rightToLeft ? 'right-to-left text, which labels cannot print yet' : 'characters the label font cannot print';
  return (
    `Device "${label.name}" cannot get a readable label: ${what} has ${why}: ${shown.join(', ')}${more}. ` +
    `Change the ${FIELD_WORDS[line.field]} to Latin, Greek or Cyrillic letters, then print again.`
  );
}

/** The refusal for the first text line of `label` that `template` would print unreadably, or null when all print. */
export function checkLabelText(template: LabelTemplate, label: LabelInput): LabelTextError | null {
  for (const line of textLines(template, label)) {
    const { characters, rightToLeft } = unprintable(line);
    if (characters.length > 0) return new LabelTextError(describe(label, line, characters, rightToLeft), label.name, line.field, characters);
  }
  return null;
}

/** The refusal for the first label in `labels` whose text would print unreadably, or null. */
export function findUnprintableText(template: LabelTemplate, labels: Iterable<LabelInput>): LabelTextError | null {
  for (const label of labels) {
    const error = checkLabelText(template, label);
    if (error) return error;
  }
  return null;
}

export function requirePrintableText(template: LabelTemplate, label: LabelInput): void {
  const error = checkLabelText(template, label);
  if (error) throw error;
}

import type { ImportProblem } from '../../../shared/import.ts';

export type DecodedDeviceList =
  | { ok: true; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { ok: false; problem: ImportProblem };

/**
 * File bytes to text for parseDeviceList. UTF-8 with or without BOM; UTF-16 when it starts with a BOM (Excel's
 * "Unicode Text" export). Anything else is refused rather than guessed: Excel's plain "CSV" on Windows is
 * Windows-1252, and reading it as UTF-8 would turn "München" into "M�nchen" on every label without a word.
 * The BOM, if any, stays in the text; the parsers skip it.
 */
export function decodeDeviceList(bytes: Uint8Array): DecodedDeviceList {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { ok: true, text: new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes), encoding: 'utf-16be' };
  }
  try {
    return {
      ok: true,
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
      encoding: 'utf-8',
    };
  } catch {
    // The first replacement character marks the first bad byte, unless the file also holds a real U+FFFD before
    // it; the line is then too early, which still points the user at a line to check.
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    let line = 1;
    for (let i = lenient.indexOf('\n'); i !== -1 && i < at; i = lenient.indexOf('\n', i + 1)) line++;
    const message =
      'this line is not UTF-8 text (the file was probably saved as Windows "CSV"); save it as "CSV UTF-8" and import it again';
    return { ok: false, problem: { line, column: null, message } };
  }
}

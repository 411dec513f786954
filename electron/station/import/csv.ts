import type { CsvDelimiter } from '../../../shared/import.ts';

/**
 * RFC 4180 reader for device lists, tolerant where spreadsheets are not strict: a UTF-8 BOM, LF or lone-CR line
 * ends, a leading `sep=;` line (Excel's delimiter hint), and the delimiter detected from the header.
 * It knows nothing about devices: records in, records out.
 */

export interface CsvRecord {
  /** 1-based physical line of the file on which the record starts (a quoted field may carry it over several lines). */
  line: number;
  fields: string[];
  /** Set when a quoted field has text after its closing quote; the field then holds all of it, as read. */
  malformed?: { field: number; message: string };
}

/** The one error that stops reading: everything after an unclosed quote would be a single value. */
export interface CsvError {
  /** The line of the opening quote, which is where the user must look. */
  line: number;
  /** 0-based index of the field within its record. */
  field: number;
  message: string;
}

export interface CsvOptions {
  /** Skip detection. */
  delimiter?: CsvDelimiter;
}

export interface CsvResult {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
  error: CsvError | null;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const BOM = '\uFEFF';

// Order is the tie-break of detectDelimiter.
const candidates: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Reads a whole file. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvResult {
  const parser = new CsvParser(options);
  const records = parser.end(text);
  return { delimiter: parser.delimiter, records, error: parser.error };
}

/**
 * Reads a file in chunks (e.g. from a stream decoded with TextDecoder): `push` returns the records each chunk
 * completes, `end` the rest. A record split across chunks is re-read from its start when the next chunk arrives,
 * so only a single enormous quoted field spread over many chunks costs more than one pass.
 */
export class CsvParser {
  #buffer = '';
  /** Physical line number of #buffer[0]. */
  #line = 1;
  #delimiter: CsvDelimiter | null;
  #preambleDone = false;
  #error: CsvError | null = null;

  constructor(options: CsvOptions = {}) {
    this.#delimiter = options.delimiter ?? null;
  }

  /** The delimiter in use: given, detected, or ',' until the header line has been seen. */
  get delimiter(): CsvDelimiter {
    return this.#delimiter ?? ',';
  }

  get error(): CsvError | null {
    return this.#error;
  }

  push(chunk: string): CsvRecord[] {
    if (this.#error) return [];
    this.#buffer += chunk;
    return this.#drain(false);
  }

  end(chunk = ''): CsvRecord[] {
    if (this.#error) return [];
    this.#buffer += chunk;
    const records = this.#drain(true);
    this.#buffer = '';
    return records;
  }

  #drain(final: boolean): CsvRecord[] {
    if (!this.#preambleDone && !this.#readPreamble(final)) return [];
    if (this.#delimiter === null) {
      const detected = detectDelimiter(this.#buffer, final);
      if (detected === null) return [];
      this.#delimiter = detected;
    }
    const records: CsvRecord[] = [];
    const state = scan(this.#buffer, this.#line, this.#delimiter.charCodeAt(0), final, records);
    this.#buffer = this.#buffer.slice(state.next);
    this.#line = state.line;
    this.#error = state.error;
    return records;
  }

  /** Strips the BOM and an Excel `sep=X` line; false while the first line is still incomplete. */
  #readPreamble(final: boolean): boolean {
    const text = this.#buffer;
    const eol = lineEnd(text, 0);
    // A CR as the last char may be half of a CRLF, so wait for the next chunk.
    if (!final && (eol === -1 || eol === text.length - 1)) return false;
    let start = text.startsWith(BOM) ? 1 : 0;
    const first = text.slice(start, eol === -1 ? text.length : eol);
    const hint = /^sep=(.)$/i.exec(first)?.[1];
    if (hint !== undefined && (candidates as readonly string[]).includes(hint)) {
      this.#delimiter ??= hint as CsvDelimiter;
      start = eol === -1 ? text.length : skipLineBreak(text, eol);
      this.#line += 1;
    }
    this.#buffer = text.slice(start);
    this.#preambleDone = true;
    return true;
  }
}

/**
 * The delimiter is the candidate seen most often outside quotes on the header line: column names never contain a
 * delimiter unquoted, so the real one wins by a count of columns - 1. A tie means either a single-column header
 * (all zero) or a column name that contains another candidate unquoted (e.g. `attr:a,b` in a semicolon file); both
 * resolve to the earlier of comma, semicolon, tab, comma being RFC 4180's own. A wrong guess is not silent: the
 * header then yields a column such as 'name;mac' that columns.ts reports as unknown.
 * Returns null when the header line is not complete yet and more text may come.
 */
export function detectDelimiter(text: string, final: boolean): CsvDelimiter | null {
  const counts = [0, 0, 0];
  let i = 0;
  const n = text.length;
  while (i < n && isLineBreak(text.charCodeAt(i))) i++;
  let quoted = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === LF || c === CR) break;
    else if (c === 44) counts[0]!++;
    else if (c === 59) counts[1]!++;
    else if (c === 9) counts[2]!++;
  }
  if (i === n && !final) return null;
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
  return candidates[best]!;
}

interface ScanState {
  /** Index of the first character not consumed (the start of an incomplete record). */
  next: number;
  line: number;
  error: CsvError | null;
}

// One pass with charCodeAt and slice: fields are sliced out of the input, never built char by char, except
// quoted fields with doubled quotes, which are joined from the pieces between them.
function scan(text: string, startLine: number, delim: number, final: boolean, out: CsvRecord[]): ScanState {
  const n = text.length;
  let i = 0;
  let line = startLine;
  while (i < n) {
    const recordStart = i;
    const recordLine = line;
    const fields: string[] = [];
    let malformed: CsvRecord['malformed'];
    for (;;) {
      let value: string;
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const quoteLine = line;
        let from = i + 1;
        value = '';
        for (;;) {
          const q = text.indexOf('"', from);
          // A quote as the last char of a chunk may be the first of a doubled pair.
          if (!final && (q === -1 || q === n - 1)) return { next: recordStart, line: recordLine, error: null };
          if (q === -1) {
            const message =
              'a quoted value starts on this line but its closing quote (") is missing, so the rest of the file was read as one value';
            return { next: n, line, error: { line: quoteLine, field: fields.length, message } };
          }
          line += countLineBreaks(text, from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        // RFC 4180 allows only a delimiter or a line end after the closing quote; spaces there are harmless.
        const end = fieldEnd(text, i, delim);
        if (end > i) {
          const extra = text.slice(i, end);
          if (malformed === undefined && extra.trim() !== '') {
            malformed = {
              field: fields.length,
              message:
                'text follows the closing quote of this value; write a quote inside a quoted value as two quotes ("")',
            };
          }
          value += extra;
          i = end;
        }
      } else {
        const end = fieldEnd(text, i, delim);
        value = text.slice(i, end);
        i = end;
      }
      fields.push(value);
      if (i >= n) {
        if (!final) return { next: recordStart, line: recordLine, error: null };
        break;
      }
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      if (c === CR && i + 1 >= n && !final) return { next: recordStart, line: recordLine, error: null };
      i = skipLineBreak(text, i);
      line++;
      break;
    }
    // Blank lines carry no record; spreadsheets leave them at the end and people leave them between groups.
    if (fields.length === 1 && fields[0] === '' && text.charCodeAt(recordStart) !== QUOTE) continue;
    out.push(malformed ? { line: recordLine, fields, malformed } : { line: recordLine, fields });
  }
  return { next: i, line, error: null };
}

function fieldEnd(text: string, from: number, delim: number): number {
  const n = text.length;
  let j = from;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === delim || c === LF || c === CR) break;
    j++;
  }
  return j;
}

function isLineBreak(c: number): boolean {
  return c === LF || c === CR;
}

/** Index of the first CR or LF at or after `from`, or -1. */
function lineEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) if (isLineBreak(text.charCodeAt(j))) return j;
  return -1;
}

/** `i` is at a CR or LF; returns the index after CRLF, LF or a lone CR. */
function skipLineBreak(text: string, i: number): number {
  return text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
}

/** Line breaks in text[from, to): LF, CRLF and lone CR each count once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) count++;
  }
  return count;
}

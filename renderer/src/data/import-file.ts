import { encodeCsvValue } from '../../../shared/csv-text.ts';
import { getIntl } from '../i18n/intl.ts';
import { attributeColumnPrefix, type CsvDelimiter, type DeviceColumn, deviceColumns } from '../../../shared/import.ts';

/*
 * The device list as the import wizard sees it before the station does: decoded, split into rows with the same line
 * numbers the station's problems use, and editable in place (a header renamed, a cell corrected) by rewriting only
 * the characters of that field, so everything else in the technician's file stays exactly as it was.
 * The station stays the judge of what is valid (dry run); this file only reads, shows and rewrites.
 */

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; message: string; line: number };

/** UTF-8 (with or without BOM), or UTF-16 with a BOM, as the station reads files; anything else is refused in words. */
export function decodeFile(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: new TextDecoder('utf-16le').decode(bytes), encoding: 'UTF-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, text: new TextDecoder('utf-16be').decode(bytes), encoding: 'UTF-16' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const line = lenient.slice(0, Math.max(at, 0)).split('\n').length;
    return {
      ok: false,
      line,
      message: getIntl().formatMessage({ id: 'import.notUtf8', defaultMessage: 'Line {line} is not UTF-8 text: the file was probably saved as Windows “CSV”. In the spreadsheet, save it as “CSV UTF-8”, then choose it again.' }, { line }),
    };
  }
}

export type ColumnMeaning =
  | { kind: 'field'; field: DeviceColumn }
  /** `implicit`: a header with no `attr:` prefix that names no fixed column, imported as an attribute of that name. */
  | { kind: 'attribute'; key: string; implicit?: true }
  | { kind: 'unknown' }
  | { kind: 'blank' };

const fieldByLower = new Map<string, DeviceColumn>(deviceColumns.map((c) => [c.toLowerCase(), c]));

/**
 * What a header means to the station: the same rules as its import (case-insensitive names, `attr:<key>`, anything
 * else an attribute under its own name).
 */
export function columnMeaning(written: string): ColumnMeaning {
  const name = written.trim();
  if (name === '') return { kind: 'blank' };
  const field = fieldByLower.get(name.toLowerCase());
  if (field) return { kind: 'field', field };
  if (name.slice(0, attributeColumnPrefix.length).toLowerCase() === attributeColumnPrefix) {
    const key = name.slice(attributeColumnPrefix.length).trim();
    return key ? { kind: 'attribute', key } : { kind: 'unknown' };
  }
  return { kind: 'attribute', key: name, implicit: true };
}

/** The name problems use for a column: canonical when recognised (`clientId`, `attr:Floor`), as written otherwise. */
export function canonicalName(written: string): string {
  const m = columnMeaning(written);
  if (m.kind === 'field') return m.field;
  if (m.kind === 'attribute') return attributeColumnPrefix + m.key;
  return written.trim();
}

// Headers people write for the fixed columns (inventory exports, vendor lists).
const synonyms: Record<string, DeviceColumn> = {
  device: 'name',
  devicename: 'name',
  'device name': 'name',
  'device id': 'name',
  hostname: 'name',
  sn: 'serial',
  's/n': 'serial',
  'serial number': 'serial',
  serialnumber: 'serial',
  'serial no': 'serial',
  'mac address': 'mac',
  macaddress: 'mac',
  'access token': 'token',
  accesstoken: 'token',
  'client id': 'clientId',
  'user name': 'username',
  user: 'username',
  cert: 'certificate',
  description: 'label',
};

/** The fixed column a header obviously means ("Serial Number": serial), if it is not taken yet. */
export function suggestField(written: string, taken: ReadonlySet<string>): DeviceColumn | null {
  const field = synonyms[written.trim().toLowerCase().replace(/[_-]+/g, ' ')];
  return field && !taken.has(field) ? field : null;
}

/** A good first guess for an unknown header: a fixed column it obviously means, else an attribute of that name. */
export function suggestMapping(written: string, taken: ReadonlySet<string>): string {
  const field = suggestField(written, taken);
  if (field) return field;
  const key = written.trim().replace(/\s+/g, '_') || 'value';
  return attributeColumnPrefix + key;
}

export interface Cell {
  value: string;
  /** Offsets in the source text of the field as written (quotes included). */
  start: number;
  end: number;
}

export interface ParsedRow {
  /** The line the station reports problems on: the physical line where the record starts (CSV), or the element's position (JSON). */
  line: number;
  cells: string[];
}

export interface ParsedList {
  format: 'csv' | 'json';
  delimiter: CsvDelimiter | null;
  headers: string[];
  /** CSV: the header's line; JSON: 0. */
  headerLine: number;
  rows: ParsedRow[];
  /** Something that stops reading the rest: an unclosed quote, JSON that does not parse. */
  error: { line: number; message: string } | null;
  /** CSV only: the fields' places in the text, header first, for rewriting one of them. */
  spans: Cell[][];
}

export function detectFormat(text: string): 'csv' | 'json' {
  return /^[\uFEFF\s]*[[{]/.test(text) ? 'json' : 'csv';
}

export function parseList(text: string): ParsedList {
  return detectFormat(text) === 'json' ? parseJsonList(text) : parseCsvList(text);
}

const candidates: readonly CsvDelimiter[] = [',', ';', '\t'];

function detectDelimiter(text: string, from: number): CsvDelimiter {
  const counts = [0, 0, 0];
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ',') counts[0]!++;
    else if (c === ';') counts[1]!++;
    else if (c === '\t') counts[2]!++;
  }
  let best = 0;
  for (let k = 1; k < 3; k++) if (counts[k]! > counts[best]!) best = k;
  return candidates[best]!;
}

/** Index after the line break at `i` (CRLF, LF or a lone CR, each one line). */
function afterBreak(text: string, i: number): number {
  return text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
}

/** RFC 4180 with the station's tolerances: BOM, `sep=;` first line, LF/CR/CRLF, blank lines skipped. */
export function parseCsvList(text: string): ParsedList {
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  let delimiter: CsvDelimiter | null = null;
  const firstEnd = text.slice(i).search(/[\r\n]/);
  const first = text.slice(i, firstEnd === -1 ? text.length : i + firstEnd);
  const hint = /^sep=(.)$/i.exec(first)?.[1];
  if (hint && (candidates as readonly string[]).includes(hint)) {
    delimiter = hint as CsvDelimiter;
    i = firstEnd === -1 ? text.length : afterBreak(text, i + firstEnd);
    line++;
  }
  while (i < text.length && (text[i] === '\n' || text[i] === '\r')) {
    i = afterBreak(text, i);
    line++;
  }
  const delim = delimiter ?? detectDelimiter(text, i);
  const records: { line: number; cells: Cell[] }[] = [];
  let error: ParsedList['error'] = null;
  const n = text.length;

  outer: while (i < n) {
    const recordLine = line;
    const recordStart = i;
    const cells: Cell[] = [];
    for (;;) {
      const start = i;
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            error = {
              line: quoteLine,
              message: getIntl().formatMessage({ id: 'import.openQuote', defaultMessage: 'A quoted value starts on this line but its closing quote (") is missing.' }),
            };
            break outer;
          }
          const piece = text.slice(from, q);
          line += (piece.match(/\r\n|\r|\n/g) ?? []).length;
          if (text[q + 1] === '"') {
            value += `${piece}"`;
            from = q + 2;
            continue;
          }
          value += piece;
          i = q + 1;
          break;
        }
        // Text after the closing quote belongs to the value, as the station reads it (and reports it).
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      } else {
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
      }
      cells.push({ value, start, end: i });
      if (i >= n) break;
      if (text[i] === delim) {
        i++;
        continue;
      }
      i = afterBreak(text, i);
      line++;
      break;
    }
    if (cells.length === 1 && cells[0]!.value === '' && text[recordStart] !== '"') continue;
    records.push({ line: recordLine, cells });
  }

  const [header, ...data] = records;
  return {
    format: 'csv',
    delimiter: delim,
    headers: header?.cells.map((c) => c.value) ?? [],
    headerLine: header?.line ?? 1,
    rows: data.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.value) })),
    error,
    spans: records.map((r) => r.cells),
  };
}

function listOf(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object' && Array.isArray((doc as { devices?: unknown }).devices)) return (doc as { devices: unknown[] }).devices;
  return null;
}

const show = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function parseJsonList(text: string): ParsedList {
  const base: ParsedList = { format: 'json', delimiter: null, headers: [], headerLine: 0, rows: [], error: null, spans: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ...base, error: { line: 0, message: getIntl().formatMessage({ id: 'import.badJson', defaultMessage: 'This is not valid JSON: {reason}' }, { reason: (err as Error).message }) } };
  }
  const list = listOf(doc);
  if (!list) {
    return {
      ...base,
      error: {
        line: 0,
        message: getIntl().formatMessage({ id: 'import.jsonShape', defaultMessage: 'The JSON must be a list of devices ([\'{\'"name": "…"\'}\', …]) or an object with a "devices" list.' }),
      },
    };
  }
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const el of list) {
    if (el && typeof el === 'object' && !Array.isArray(el)) {
      for (const key of Object.keys(el)) {
        if (!seen.has(key)) {
          seen.add(key);
          headers.push(key);
        }
      }
    }
  }
  const rows = list.map((el, index) => ({
    line: index + 1,
    // A stray non-object element shows as written in the first column, where its problem points.
    cells: headers.map((h, c) => (el && typeof el === 'object' && !Array.isArray(el) ? show((el as Record<string, unknown>)[h]) : c === 0 ? show(el) : '')),
  }));
  return { ...base, headers, rows };
}


function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function rewriteJson(text: string, change: (list: Record<string, unknown>[]) => void): string {
  const doc: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  const list = listOf(doc) as Record<string, unknown>[];
  change(list);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Renames column `index` (CSV: the header cell; JSON: that key in every element, keeping key order). */
export function renameColumn(text: string, parsed: ParsedList, index: number, name: string): string {
  const old = parsed.headers[index];
  if (old === undefined) return text;
  if (parsed.format === 'csv') {
    const cell = parsed.spans[0]?.[index];
    return cell ? splice(text, cell.start, cell.end, encodeCsvValue(name, parsed.delimiter ?? ',')) : text;
  }
  return rewriteJson(text, (list) => {
    list.forEach((el, i) => {
      if (!el || typeof el !== 'object' || !Object.hasOwn(el, old)) return;
      list[i] = Object.fromEntries(Object.entries(el).map(([k, v]) => [k === old ? name : k, v]));
    });
  });
}

/** Sets one cell of data row `rowIndex` (0-based among the rows) to `value`. */
export function editCell(text: string, parsed: ParsedList, rowIndex: number, column: number, value: string): string {
  if (parsed.format === 'json') {
    const key = parsed.headers[column];
    if (key === undefined) return text;
    return rewriteJson(text, (list) => {
      const el = list[rowIndex];
      if (el && typeof el === 'object') el[key] = value;
    });
  }
  const cells = parsed.spans[rowIndex + 1];
  if (!cells || cells.length === 0) return text;
  const encoded = encodeCsvValue(value, parsed.delimiter ?? ',');
  const cell = cells[column];
  if (cell) return splice(text, cell.start, cell.end, encoded);
  // The row is shorter than the header: pad it with empty cells up to this one.
  const last = cells[cells.length - 1]!;
  return splice(text, last.end, last.end, (parsed.delimiter ?? ',').repeat(column - cells.length + 1) + encoded);
}

/** A delimiter's name in the chosen language, for “CSV, semicolon-separated”. */
export function delimiterName(delimiter: CsvDelimiter): string {
  const intl = getIntl();
  if (delimiter === ';') return intl.formatMessage({ id: 'import.delimiter.semicolon', defaultMessage: 'semicolon' });
  if (delimiter === '\t') return intl.formatMessage({ id: 'import.delimiter.tab', defaultMessage: 'tab' });
  return intl.formatMessage({ id: 'import.delimiter.comma', defaultMessage: 'comma' });
}

import type { CsvDelimiter, ImportFormat, ImportProblem, ImportRow } from '../../../shared/import.ts';
import { type HeaderMap, mapHeader, recordToDevice } from './columns.ts';
import { type CsvError, CsvParser, parseCsv } from './csv.ts';
import { readJsonDevices } from './json.ts';
import { DeviceValidator, type RawDevice } from './validate.ts';

export { CsvParser, parseCsv } from './csv.ts';
export { type DecodedDeviceList, decodeDeviceList } from './decode.ts';
export { DeviceValidator, type RawDevice, validateDevices } from './validate.ts';

export interface ParseDeviceListOptions {
  /**
   * Called every `progressInterval` rows and once at the end. Parsing is synchronous: a caller that must keep its
   * event loop responsive (the admin API's event stream) should run this in a worker or on a utility process.
   */
  onProgress?(rowsDone: number, rowsTotal: number): void;
  /** Rows between progress calls; default 1,000. */
  progressInterval?: number;
  /** Skip CSV delimiter detection. */
  delimiter?: CsvDelimiter;
}

export interface ParsedDeviceList {
  /** Rows without problems, in file order. */
  rows: ImportRow[];
  /** Sorted by line; the import should not proceed while there are any. */
  problems: ImportProblem[];
  /** Recognised columns (CSV) or keys (JSON), canonical: `name`, `clientId`, `attr:Floor`. */
  columns: string[];
  format: 'csv' | 'json';
  /** CSV only. */
  delimiter?: CsvDelimiter;
}

/** JSON when the first non-space character opens an array or object; no CSV header starts that way. */
export function detectFormat(text: string): 'csv' | 'json' {
  const match = /^[\uFEFF\s]*([[{])/.exec(text);
  return match ? 'json' : 'csv';
}

export function parseDeviceList(
  text: string,
  format: ImportFormat = 'auto',
  options: ParseDeviceListOptions = {},
): ParsedDeviceList {
  const resolved = format === 'auto' ? detectFormat(text) : format;
  const result = resolved === 'json' ? parseJson(text, options) : parseCsvDevices(text, options);
  // Stable: problems of one line keep the order they were found in (name before mac before credentials).
  result.problems.sort((a, b) => a.line - b.line);
  return result;
}

function parseJson(text: string, options: ParseDeviceListOptions): ParsedDeviceList {
  const json = readJsonDevices(text);
  const validated = validate(json.devices, (device) => device, options);
  return {
    rows: validated.rows,
    problems: json.problems.concat(validated.problems),
    columns: json.columns,
    format: 'json',
  };
}

function parseCsvDevices(text: string, options: ParseDeviceListOptions): ParsedDeviceList {
  const csv = parseCsv(text, options.delimiter ? { delimiter: options.delimiter } : {});
  const { delimiter, records, error } = csv;
  const [headerRecord, ...dataRecords] = records;
  if (!headerRecord) return { rows: [], ...csvFindings(null, [], error, delimiter) };

  const header = mapHeader(headerRecord);
  // Without a name column every row would repeat "name is empty"; the header problem says it once.
  const validated = header.hasName
    ? validate(dataRecords, (record) => recordToDevice(record, header), options)
    : { rows: [], problems: [] };
  return { rows: validated.rows, ...csvFindings(header, validated.problems, error, delimiter) };
}

/** What reading a CSV file found besides its rows: the header's and the rows' problems, then the error that stopped it. */
function csvFindings(header: HeaderMap | null, rowProblems: ImportProblem[], error: CsvError | null, delimiter: CsvDelimiter): Omit<ParsedDeviceList, 'rows'> {
  if (!header) {
    const message = 'the file is empty; its first line must be a header such as name,serial,mac';
    return { problems: [error ? { line: error.line, column: null, message: error.message } : { line: 1, column: null, message }], columns: [], format: 'csv', delimiter };
  }
  const problems = header.problems.concat(rowProblems);
  if (error) problems.push({ line: error.line, column: header.names[error.field] || null, message: error.message });
  return { problems, columns: header.columns, format: 'csv', delimiter };
}

function validate<T>(
  items: readonly T[],
  toDevice: (item: T) => RawDevice | null,
  options: ParseDeviceListOptions,
): DeviceValidator {
  const { onProgress } = options;
  const interval = Math.max(1, options.progressInterval ?? 1000);
  const validator = new DeviceValidator();
  const total = items.length;
  for (let i = 0; i < total; i++) {
    const device = toDevice(items[i]!);
    if (device) validator.add(device);
    if (onProgress && (i + 1) % interval === 0 && i + 1 < total) onProgress(i + 1, total);
  }
  onProgress?.(total, total);
  return validator;
}

export interface PieceProgress {
  bytesRead: number;
  bytesTotal: number;
  /** Problems found so far: the import stops writing at the first (it will write nothing) but reads on to list them all. */
  problems: number;
}

export interface DeviceListPieces {
  /** Rows without problems, handed out in file order, `rowsPerPiece` at a time; the first and the last piece shorter. */
  onRows(rows: ImportRow[], progress: PieceProgress): void;
  rowsPerPiece?: number;
  delimiter?: CsvDelimiter;
  /** CSV characters read at a time; the default suits the import, tests read a few at a time. */
  sliceChars?: number;
}

/** What a reading in pieces returns: everything parseDeviceList does but the rows, and how many rows went out. */
export type DeviceListSummary = Omit<ParsedDeviceList, 'rows'> & { rowCount: number };

/** CSV text read per slice, so the first rows are out after one slice, not after the whole file was tokenised. */
const defaultSliceChars = 64 * 1024;

/**
 * parseDeviceList for a caller that works on the rows while the rest of the file is still being read (the import's
 * parser thread, import/parser-thread.ts): the same reading and checks, the same problems, but the rows go out in
 * pieces instead of one array. Returns everything but the rows, and how many rows went out.
 */
export function parseDeviceListInPieces(text: string, format: ImportFormat, pieces: DeviceListPieces): DeviceListSummary {
  const resolved = format === 'auto' ? detectFormat(text) : format;
  const size = Math.max(1, pieces.rowsPerPiece ?? 2000);
  const validator = new DeviceValidator();
  let header: HeaderMap | null = null;
  let rowCount = 0;
  const handOut = (bytesRead: number, final: boolean) => {
    // The first piece goes out as soon as it has a row (after the first slice), so the writer starts ~30 ms sooner.
    if (validator.rows.length < (final || rowCount === 0 ? 1 : size)) return;
    const rows = validator.rows.splice(0, validator.rows.length);
    rowCount += rows.length;
    pieces.onRows(rows, { bytesRead, bytesTotal: text.length, problems: validator.problems.length + (header?.problems.length ?? 0) });
  };
  const finish = (result: Omit<ParsedDeviceList, 'rows'>): DeviceListSummary => {
    handOut(text.length, true);
    result.problems.sort((a, b) => a.line - b.line);
    return { rowCount, ...result };
  };
  if (resolved === 'json') {
    const json = readJsonDevices(text);
    json.devices.forEach((device, i) => {
      validator.add(device);
      if ((i + 1) % size === 0) handOut(Math.round((text.length * (i + 1)) / json.devices.length), false);
    });
    return finish({ problems: json.problems.concat(validator.problems), columns: json.columns, format: 'json' });
  }
  const parser = new CsvParser(pieces.delimiter ? { delimiter: pieces.delimiter } : {});
  const sliceChars = Math.max(1, pieces.sliceChars ?? defaultSliceChars);
  for (let at = 0; at < text.length || at === 0; at += sliceChars) {
    const end = Math.min(text.length, at + sliceChars);
    const records = end === text.length ? parser.end(text.slice(at, end)) : parser.push(text.slice(at, end));
    for (const record of records) {
      if (!header) {
        header = mapHeader(record);
        continue;
      }
      if (!header.hasName) continue;
      const device = recordToDevice(record, header);
      if (device) validator.add(device);
    }
    handOut(end, false);
    if (end === text.length) break;
  }
  return finish(csvFindings(header, validator.problems, parser.error, parser.delimiter));
}

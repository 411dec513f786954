import { fileTypeFromBuffer } from 'file-type';
import { encodeCsvValue } from './csv-text.ts';

/*
 * What a chosen device-list file is, before anyone reads it as text: the CLI's `import` and the UI's import wizard
 * both start here. A spreadsheet (.xlsx) is read directly; any other file with a recognisable binary signature (a
 * photo of the list, a PDF, a zip) is named, so the technician learns what they picked instead of "not UTF-8 text".
 * Text files (CSV, JSON) have no signature and go on to the text decoder.
 */

export type DeviceListFile =
  /** CSV or JSON text, or a file nobody recognises: decoded (and judged) as text. */
  | { kind: 'text' }
  /** The first worksheet of an Excel workbook, as CSV text whose line N is the sheet's row N. */
  | { kind: 'spreadsheet'; text: string; sheet: string }
  /** Something else: its type as file-type names it, and what kind of thing that is, to say so in words. */
  | { kind: 'wrong'; ext: string; mime: string; category: WrongFileCategory };

export type WrongFileCategory = 'image' | 'document' | 'archive' | 'oldExcel' | 'audio' | 'video' | 'other';

const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function categoryOf(ext: string, mime: string): WrongFileCategory {
  // file-type names the old binary Excel format by its container (Compound File Binary).
  if (ext === 'xls' || ext === 'cfb') return 'oldExcel';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (['pdf', 'docx', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'epub', 'ps'].includes(ext)) return 'document';
  if (['zip', 'gz', 'tar', '7z', 'rar', 'bz2', 'xz', 'zst'].includes(ext)) return 'archive';
  return 'other';
}

export async function identifyDeviceListFile(bytes: Uint8Array): Promise<DeviceListFile> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type) return { kind: 'text' };
  if (type.ext === 'xlsx' || type.mime === xlsxMime) return { kind: 'spreadsheet', ...(await firstSheetAsCsv(bytes)) };
  return { kind: 'wrong', ext: type.ext, mime: type.mime, category: categoryOf(type.ext, type.mime) };
}

const nouns: Record<WrongFileCategory, string> = {
  image: 'image',
  document: 'document',
  archive: 'archive',
  'oldExcel': 'Excel 97–2003 workbook',
  audio: 'audio file',
  video: 'video',
  other: 'file',
};

/** The CLI's (English) sentence for a wrong file: "photo.png: this is a PNG image (image/png), not a device list; …". */
export function wrongFileMessage(fileName: string, file: Extract<DeviceListFile, { kind: 'wrong' }>): string {
  const what = file.category === 'oldExcel' ? 'an Excel 97–2003 workbook (.xls)' : `a ${file.ext.toUpperCase()} ${nouns[file.category]} (${file.mime})`;
  const fix = file.category === 'oldExcel' ? 'save it as an Excel workbook (.xlsx) or as CSV UTF-8' : 'choose a CSV, JSON or Excel (.xlsx) file';
  return `${fileName}: this is ${what}, not a device list; ${fix}`;
}

/** One cell as the text the technician sees in it (exceljs hands over numbers, dates, rich text and formulas). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; formula?: string; text?: unknown; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v || 'formula' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return v.error;
  }
  return String(value);
}

/**
 * The first worksheet as CSV: every row padded to the widest row (in a spreadsheet an empty cell is an empty value,
 * not a missing one), blank rows kept as blank lines so that problems name the sheet's row numbers.
 */
async function firstSheetAsCsv(bytes: Uint8Array): Promise<{ text: string; sheet: string }> {
  // Loaded on demand: a large library that most imports (CSV) never need.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { text: '', sheet: '' };
  const rows: string[][] = [];
  let width = 0;
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    let last = cells.length;
    while (last > 0 && (cells[last - 1] ?? '').trim() === '') last--;
    width = Math.max(width, last);
    rows[number - 1] = cells.slice(0, last);
  });
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    if (cells.length === 0) {
      lines.push('');
      continue;
    }
    lines.push(Array.from({ length: width }, (_, c) => encodeCsvValue(cells[c] ?? '', ',')).join(','));
  }
  return { text: `${lines.join('\n')}\n`, sheet: sheet.name };
}

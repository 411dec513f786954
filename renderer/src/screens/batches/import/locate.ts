import type { ImportProblem } from '../../../../../shared/import.ts';
import { canonicalName, type ParsedList } from '../../../data/import-file.ts';

/** A cell of the preview the person is looking at (the wizard, the preview and the problem list share it). */
export interface CellRef {
  row: number;
  column: number;
}

export interface ProblemPlace {
  /** Data row index (0-based), or -1 for the header / the whole file. */
  row: number;
  /** Column index, or -1 when the problem is about the row as a whole. */
  column: number;
}

/** Which column a problem names: the station names recognised columns canonically (`clientId`), others as written. */
export function columnIndex(parsed: ParsedList, column: string | null): number {
  if (column === null) return -1;
  const exact = parsed.headers.findIndex((h) => canonicalName(h) === column);
  return exact >= 0 ? exact : parsed.headers.findIndex((h) => h.trim() === column);
}

/** Where in the preview a problem belongs: the header cell, a data cell, a whole row, or nowhere (the file). */
export function placeOf(parsed: ParsedList, rowByLine: ReadonlyMap<number, number>, p: ImportProblem): ProblemPlace | null {
  if (p.line === 0) return null;
  const column = columnIndex(parsed, p.column);
  if (parsed.format === 'csv' && p.line === parsed.headerLine) return { row: -1, column };
  const row = rowByLine.get(p.line);
  return row === undefined ? null : { row, column };
}

export const sentence = (text: string) => {
  const t = text.trim();
  if (!t) return t;
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};

/** Credentials are never repeated on screen (the station does not repeat them in problems either). */
export const secretColumns: ReadonlySet<string> = new Set(['password', 'certificate']);

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/*
 * Label stock is data (resources/label-templates/*.json), so adding a stock is a JSON file, not a release.
 * All lengths are millimetres, relative to the page (grid) or to the label's top-left corner (qr, text).
 */

const Point = z.object({ x: z.number(), y: z.number() });
const Size = z.object({ width: z.number().positive(), height: z.number().positive() });
const Box = z.object({ x: z.number().min(0), y: z.number().min(0), width: z.number().positive(), height: z.number().positive() });

export const LABEL_FIELDS = ['name', 'shortCode', 'serial', 'batch', 'site'] as const;
export type LabelField = (typeof LABEL_FIELDS)[number];

const TemplateFile = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  source: z.string().optional(),
  media: z.enum(['sheet', 'roll']),
  /** Print head resolutions this roll is used with; modules and positions snap to their dot grid. */
  dpi: z.array(z.number().int().positive()).min(1).optional(),
  pageMm: Size,
  labelMm: Size.extend({ cornerRadius: z.number().min(0).default(0) }),
  /** Sheets only; a roll prints one label per page at the page origin. */
  grid: z
    .object({ cols: z.number().int().positive(), rows: z.number().int().positive(), originMm: Point, pitchMm: Point })
    .optional(),
  /** Square box for the whole symbol, quiet zone included. */
  qrMm: z.object({ x: z.number().min(0), y: z.number().min(0), size: z.number().positive() }),
  text: z.object({
    boxMm: Box,
    fontPt: z.number().positive(),
    lines: z.array(z.enum(LABEL_FIELDS)).min(1),
  }),
});

type TemplateFileData = z.infer<typeof TemplateFile>;
export type LabelTemplate = Omit<TemplateFileData, 'grid'> & { grid: NonNullable<TemplateFileData['grid']> };

/** Line height relative to font size, shared by the PDF and ZPL renderers so both lay text out alike. */
export const LINE_HEIGHT = 1.25;
const PT_PER_MM = 72 / 25.4;
const EPSILON_MM = 0.01;

export class LabelTemplateError extends Error {
  override readonly name = 'LabelTemplateError';
}

function inside(what: string, box: { x: number; y: number; width: number; height: number }, within: { width: number; height: number }): string[] {
  return box.x + box.width > within.width + EPSILON_MM || box.y + box.height > within.height + EPSILON_MM
    ? [`${what} does not fit inside the label`]
    : [];
}

function geometryProblems(t: LabelTemplate): string[] {
  const { labelMm: label, pageMm: page, grid } = t;
  const problems: string[] = [];
  const right = grid.originMm.x + (grid.cols - 1) * grid.pitchMm.x + label.width;
  const bottom = grid.originMm.y + (grid.rows - 1) * grid.pitchMm.y + label.height;
  if (grid.originMm.x < 0 || grid.originMm.y < 0 || right > page.width + EPSILON_MM || bottom > page.height + EPSILON_MM) {
    problems.push('label grid runs off the page');
  }
  if (grid.pitchMm.x < label.width - EPSILON_MM || grid.pitchMm.y < label.height - EPSILON_MM) problems.push('labels overlap');
  problems.push(...inside('QR box', { ...t.qrMm, width: t.qrMm.size, height: t.qrMm.size }, label));
  problems.push(...inside('text box', t.text.boxMm, label));
  // The QR box holds the symbol's quiet zone: text inside it would make the code hard to find for a scanner.
  const qr = t.qrMm;
  const text = t.text.boxMm;
  const apart = (a0: number, a1: number, b0: number, b1: number) => a1 <= b0 + EPSILON_MM || b1 <= a0 + EPSILON_MM;
  if (!apart(qr.x, qr.x + qr.size, text.x, text.x + text.width) && !apart(qr.y, qr.y + qr.size, text.y, text.y + text.height)) {
    problems.push("text box overlaps the QR box (the code's quiet zone)");
  }
  const textHeightMm = (t.text.lines.length * t.text.fontPt * LINE_HEIGHT) / PT_PER_MM;
  if (textHeightMm > t.text.boxMm.height + EPSILON_MM) problems.push(`${t.text.lines.length} text lines do not fit the text box`);
  if (t.media === 'sheet' && t.dpi) problems.push('dpi applies to rolls only');
  if (t.media === 'roll' && !t.dpi) problems.push('a roll needs the dpi of its printers');
  return problems;
}

export function parseTemplate(json: unknown, origin: string): LabelTemplate {
  const parsed = TemplateFile.safeParse(json);
  if (!parsed.success) throw new LabelTemplateError(`${origin}: ${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  if (file.media === 'sheet' && !file.grid) throw new LabelTemplateError(`${origin}: a sheet needs a grid`);
  if (file.media === 'roll' && file.grid) throw new LabelTemplateError(`${origin}: a roll has no grid`);
  const template: LabelTemplate = {
    ...file,
    grid: file.grid ?? {
      cols: 1,
      rows: 1,
      originMm: { x: 0, y: 0 },
      pitchMm: { x: file.labelMm.width, y: file.labelMm.height },
    },
  };
  const problems = geometryProblems(template);
  if (problems.length > 0) throw new LabelTemplateError(`${origin}: ${problems.join('; ')}`);
  return template;
}

export type TemplatesDir = string | URL;

// Relative to this module in the source tree; the other two are where esbuild's bundles land
// (dist/*.mjs, dist/electron/*.mjs). Anything else (a packaged app) passes its own directory.
const DEFAULT_CANDIDATES = [
  new URL('../../../resources/label-templates/', import.meta.url),
  new URL('../resources/label-templates/', import.meta.url),
  new URL('../../resources/label-templates/', import.meta.url),
];

/** The bundled templates folder, wherever this code runs from. */
export function defaultTemplatesDir(): string {
  const paths = DEFAULT_CANDIDATES.map((url) => fileURLToPath(url));
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new LabelTemplateError(`label templates folder not found (looked in ${paths.join(', ')}); pass its directory`);
  return found;
}

function dirPath(dir: TemplatesDir | undefined): string {
  if (dir === undefined) return defaultTemplatesDir();
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}

function readTemplate(dir: string, file: string): LabelTemplate {
  const path = `${dir.replace(/\/+$/, '')}/${file}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LabelTemplateError(`cannot read label template ${path}: ${(error as Error).message}`);
  }
  const template = parseTemplate(json, file);
  if (`${template.name}.json` !== file) throw new LabelTemplateError(`${file}: name "${template.name}" does not match the file name`);
  return template;
}

/** Every template in `dir`, sorted by name. Throws LabelTemplateError naming the first bad file. */
export function listTemplates(dir?: TemplatesDir): LabelTemplate[] {
  const path = dirPath(dir);
  let files: string[];
  try {
    files = readdirSync(path).filter((file) => file.endsWith('.json'));
  } catch (error) {
    throw new LabelTemplateError(`cannot list label templates in ${path}: ${(error as Error).message}`);
  }
  return files.sort().map((file) => readTemplate(path, file));
}

export function getTemplate(name: string, dir?: TemplatesDir): LabelTemplate {
  const known = listTemplates(dir);
  const template = known.find((t) => t.name === name);
  if (!template) {
    throw new LabelTemplateError(`unknown label template "${name}"; known: ${known.map((t) => t.name).join(', ')}`);
  }
  return template;
}

export const labelsPerPage = (t: LabelTemplate): number => t.grid.cols * t.grid.rows;

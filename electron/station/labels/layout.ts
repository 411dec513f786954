import { formatShortCode, parseLabelPayload } from '../../../shared/label-payload.ts';
import { asLabelLanguage, type LabelLanguage, labelFieldText } from '../../../shared/label-words.ts';
import { type LabelField, type LabelTemplate, labelsPerPage } from './templates.ts';

/** One device's label. shortCode defaults to the one derived from the payload's key. */
export interface LabelInput {
  payload: string;
  name: string;
  shortCode?: string;
  serial?: string;
  batch?: string;
  site?: string;
  /** The words around serial, batch and site (shared/label-words.ts); English when absent. */
  language?: LabelLanguage;
}

/** Printer nudge in mm (positive: right, down), measured by the technician from a test print. */
export interface OffsetMm {
  x: number;
  y: number;
}

export const MM_PER_INCH = 25.4;
export const QUIET_ZONE_MODULES = 4;
/** Smallest module that phone cameras and handheld scanners read reliably off laser and thermal print. */
export const MIN_MODULE_MM = 0.33;
/** ^BQ accepts magnification 1–10 (ZPL II Programming Guide, ^BQ). */
export const MAX_MODULE_DOTS = 10;

export interface SlotPosition {
  /** 0-based page number of this slot. */
  page: number;
  /** Label's top-left corner on its page, offset included. */
  xMm: number;
  yMm: number;
}

/** Where slot `index` (counting across pages, row by row) lands. */
export function slotPosition(t: LabelTemplate, index: number, offset: OffsetMm = { x: 0, y: 0 }): SlotPosition {
  const perPage = labelsPerPage(t);
  const slot = index % perPage;
  const col = slot % t.grid.cols;
  const row = Math.floor(slot / t.grid.cols);
  return {
    page: Math.floor(index / perPage),
    xMm: t.grid.originMm.x + col * t.grid.pitchMm.x + offset.x,
    yMm: t.grid.originMm.y + row * t.grid.pitchMm.y + offset.y,
  };
}

export interface QrPlacement {
  /** Symbol's top-left corner (inside the quiet zone), relative to the label. */
  xMm: number;
  yMm: number;
  moduleMm: number;
  /** Set when snapped to a print head's dot grid: whole dots per module, and the symbol origin in dots. */
  dots?: { dpi: number; module: number; x: number; y: number };
}

/**
 * Largest module that puts the symbol and its quiet zone inside the template's QR box, or null when that
 * module would be under MIN_MODULE_MM. With a dpi, modules are whole dots: a module of 2.5 dots prints as
 * alternating 2- and 3-dot bars, which scanners misread.
 */
export function placeQr(t: LabelTemplate, modules: number, dpi?: number): QrPlacement | null {
  const { x, y, size } = t.qrMm;
  const span = modules + 2 * QUIET_ZONE_MODULES;
  if (dpi === undefined) {
    const moduleMm = size / span;
    if (moduleMm < MIN_MODULE_MM) return null;
    const quiet = QUIET_ZONE_MODULES * moduleMm;
    return { xMm: x + quiet, yMm: y + quiet, moduleMm };
  }
  const dotsPerMm = dpi / MM_PER_INCH;
  const boxDots = Math.floor(size * dotsPerMm);
  const module = Math.min(MAX_MODULE_DOTS, Math.floor(boxDots / span));
  if (module === 0 || module / dotsPerMm < MIN_MODULE_MM) return null;
  const margin = Math.floor((boxDots - module * span) / 2) + QUIET_ZONE_MODULES * module;
  const dotX = Math.round(x * dotsPerMm) + margin;
  const dotY = Math.round(y * dotsPerMm) + margin;
  return { xMm: dotX / dotsPerMm, yMm: dotY / dotsPerMm, moduleMm: module / dotsPerMm, dots: { dpi, module, x: dotX, y: dotY } };
}

/** The print head resolution to lay out for: the caller's, else the template's first; sheets have none. */
export function resolveDpi(t: LabelTemplate, dpi: number | undefined): number | undefined {
  if (t.media === 'sheet') return undefined;
  const supported = t.dpi ?? [];
  if (dpi === undefined) return supported[0];
  if (!supported.includes(dpi)) {
    throw new RangeError(`template "${t.name}" is laid out for ${supported.join(' or ')} dpi printers, not ${dpi} dpi`);
  }
  return dpi;
}

export interface TextLine {
  field: LabelField;
  text: string;
  bold: boolean;
  /** Identifiers shrink before they are cut: half a serial number is worse than a small one. */
  shrinkFirst: boolean;
}

function shortCodeOf(label: LabelInput): string | undefined {
  if (label.shortCode) return label.shortCode;
  const parsed = parseLabelPayload(label.payload);
  return parsed ? formatShortCode(parsed.key) : undefined;
}

/**
 * Label languages as given (absent, or a newer station's) and as resolved: resolving validates with zod, whose
 * failure for an absent language builds an error object, three times a label.
 */
const resolvedLanguages = new Map<string | undefined, LabelLanguage>();

function languageOf(label: LabelInput): LabelLanguage {
  let language = resolvedLanguages.get(label.language);
  if (language === undefined) {
    language = asLabelLanguage(label.language);
    if (resolvedLanguages.size > 100) resolvedLanguages.clear();
    resolvedLanguages.set(label.language, language);
  }
  return language;
}

function fieldText(field: LabelField, label: LabelInput): string | undefined {
  switch (field) {
    case 'name':
      return label.name;
    case 'shortCode':
      return shortCodeOf(label);
    case 'serial':
      return label.serial && labelFieldText('serial', label.serial, languageOf(label));
    case 'batch':
      return label.batch && labelFieldText('batch', label.batch, languageOf(label));
    case 'site':
      return label.site && labelFieldText('site', label.site, languageOf(label));
  }
}

/** Printable ASCII words, one space apart: already a line as lineText makes it (ASCII is its own NFC). */
const PLAIN_LINE = /^[!-~]+(?: [!-~]+)*$/;

/**
 * A field as one printable line: composed (NFC, so "é" is one glyph, not e plus a floating accent), without
 * control and invisible format characters, whitespace runs as one space.
 */
function lineText(text: string): string {
  if (PLAIN_LINE.test(text)) return text;
  return text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, (ch) => (/\s/.test(ch) ? ' ' : ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The human-readable lines this template shows for `label`, skipping empty fields so no gaps appear. */
export function textLines(t: LabelTemplate, label: LabelInput): TextLine[] {
  const lines: TextLine[] = [];
  for (const field of t.text.lines) {
    const raw = fieldText(field, label);
    const text = raw && lineText(raw);
    if (!text) continue;
    lines.push({ field, text, bold: field === 'name' || field === 'shortCode', shrinkFirst: field === 'shortCode' || field === 'serial' });
  }
  return lines;
}

import QRCode from 'qrcode';
import { applyBestMask } from './qr-mask.ts';
import { alphanumericSymbol } from './qr-symbol.ts';
import { MIN_MODULE_MM, placeQr, type QrPlacement, resolveDpi } from './layout.ts';
import { type LabelTemplate, listTemplates } from './templates.ts';

/** M is the default (15% recoverable); Q (25%) for labels that get scuffed, at the cost of a larger symbol. */
export type Ecc = 'M' | 'Q';

export interface QrSize {
  version: number;
  /** Modules per side, quiet zone excluded. */
  size: number;
}

export interface QrSymbol extends QrSize {
  /** Row-major, 1 = dark. */
  data: Uint8Array;
}

export class PayloadTooLongError extends Error {
  override readonly name = 'PayloadTooLongError';
  readonly code = 'LABEL_PAYLOAD_TOO_LONG';
}

function create(payload: string | QRCode.QRCodeSegment[], ecc: Ecc, length: number, maskPattern?: QRCode.QRCodeMaskPattern): QRCode.QRCode {
  try {
    return QRCode.create(payload, maskPattern === undefined ? { errorCorrectionLevel: ecc } : { errorCorrectionLevel: ecc, maskPattern });
  } catch (error) {
    throw new PayloadTooLongError(`payload of ${length} characters does not fit any QR code: ${(error as Error).message}`);
  }
}

const QR_ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;
/** A run of digits long enough that a numeric segment might pay for its own header (see isOneAlphanumericSegment). */
const LONG_DIGIT_RUN = /[0-9]{6}/;

/**
 * Whether qrcode's segment optimiser would make `payload` one alphanumeric segment, known without running it: it
 * builds a graph of every numeric/alphanumeric/byte split and runs Dijkstra over it for each symbol. An
 * alphanumeric payload whose digit runs are at most 5 long (a token: FS1:KEY:SECRET:C) is one alphanumeric
 * segment: splitting out n ≤ 5 digits as a numeric segment costs a 4-bit mode and a count of at least 10 bits
 * (ISO/IEC 18004 §7.4) on top of 4/7/10/14/17 bits for the digits, more than the at most 5.5n + 0.5 bits they cost
 * inside the alphanumeric segment, so the split never wins and never ties. Anything else goes to the optimiser.
 */
function isOneAlphanumericSegment(payload: string): boolean {
  return payload.length > 0 && QR_ALPHANUMERIC.test(payload) && !LONG_DIGIT_RUN.test(payload);
}

/** The symbol to draw, with qrcode's optimal mix of numeric/alphanumeric/byte segments. */
export function encodeQr(payload: string, ecc: Ecc = 'M'): QrSymbol {
  // Built with mask 0 (qrcode then skips its slow mask search), re-masked by applyBestMask with qrcode's own choice.
  // A token builds from cached layouts (qr-symbol.ts); one too long for any version goes to qrcode for its error.
  const fast = isOneAlphanumericSegment(payload) ? alphanumericSymbol(payload, ecc) : null;
  if (fast) {
    applyBestMask(fast, ecc, 0);
    return { version: fast.version, size: fast.size, data: fast.data };
  }
  const code = create(payload, ecc, payload.length, 0);
  const { size, data, reservedBit } = code.modules;
  applyBestMask({ size, data, reserved: reservedBit }, ecc, 0);
  return { version: code.version, size, data };
}

const printerSizes = new Map<string, QrSize>();

/**
 * The size of the symbol a printer builds itself (ZPL `^FDMA,`): its automatic mode may not split segments
 * as cleverly as qrcode, so size it as one alphanumeric or byte segment, never smaller than what it prints.
 * Such a symbol's size depends only on mode, length and level, so it is computed once per batch shape.
 */
export function printerQrSize(payload: string, ecc: Ecc = 'M'): QrSize {
  const alphanumeric = QR_ALPHANUMERIC.test(payload);
  const bytes = alphanumeric ? payload : new TextEncoder().encode(payload);
  const key = `${alphanumeric ? 'A' : 'B'}${bytes.length}${ecc}`;
  let size = printerSizes.get(key);
  if (!size) {
    const segment: QRCode.QRCodeSegment = typeof bytes === 'string' ? { mode: 'alphanumeric', data: bytes } : { mode: 'byte', data: bytes };
    const code = create([segment], ecc, payload.length);
    size = { version: code.version, size: code.modules.size };
    if (printerSizes.size > 1_000) printerSizes.clear();
    printerSizes.set(key, size);
  }
  return size;
}

/** Calls `run(row, col, length)` for each horizontal run of dark modules, so a renderer draws one rectangle per run. */
export function forEachDarkRun(symbol: QrSymbol, run: (row: number, col: number, length: number) => void): void {
  const { size, data } = symbol;
  for (let row = 0; row < size; row++) {
    const base = row * size;
    let col = 0;
    while (col < size) {
      if (!data[base + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[base + col]) col++;
      run(row, start, col - start);
    }
  }
}

export class LabelFitError extends Error {
  override readonly name = 'LabelFitError';
  readonly code = 'LABEL_QR_TOO_SMALL';
  constructor(
    message: string,
    readonly template: string,
    /** Smallest template that fits, preferring stock for the same printer; undefined if none does. */
    readonly suggestion: string | undefined,
  ) {
    super(message);
  }
}

export type FitResult = { ok: true; placement: QrPlacement } | { ok: false; error: LabelFitError };

export interface FitOptions {
  /** Print head resolution for roll templates; defaults to the template's first. */
  dpi?: number;
  /** Templates to suggest from; defaults to the bundled ones (pass your own when bundled elsewhere). */
  catalog?: readonly LabelTemplate[];
  /** Size the symbol as a printer encodes it (ZPL): see printerQrSize. */
  printerEncoded?: boolean;
}

function fittingDpis(t: LabelTemplate, modules: number): number[] | null {
  if (t.media === 'sheet') return placeQr(t, modules) ? [] : null;
  const dpis = (t.dpi ?? []).filter((dpi) => placeQr(t, modules, dpi) !== null);
  return dpis.length > 0 ? dpis : null;
}

// Stock the technician can use in the same printer: sheets of the same paper size, rolls of the same brand.
function samePrinter(a: LabelTemplate, b: LabelTemplate): boolean {
  if (a.media !== b.media) return false;
  if (a.media === 'sheet') return a.pageMm.width === b.pageMm.width && a.pageMm.height === b.pageMm.height;
  return a.name.split('-')[0] === b.name.split('-')[0];
}

function smallest(templates: LabelTemplate[]): LabelTemplate | undefined {
  const area = (t: LabelTemplate) => t.labelMm.width * t.labelMm.height;
  return templates.sort((a, b) => area(a) - area(b) || a.name.localeCompare(b.name))[0];
}

function describe(t: LabelTemplate, modules: number): string {
  const dpis = fittingDpis(t, modules) ?? [];
  const only = t.media === 'roll' && dpis.length < (t.dpi ?? []).length ? `, ${dpis.join('/')} dpi only` : '';
  return `"${t.name}" (${t.labelMm.width} × ${t.labelMm.height} mm${only})`;
}

/** A plain-language refusal that names the smallest template that would print this payload readably. */
export function fitError(t: LabelTemplate, symbol: QrSize, ecc: Ecc, dpi: number | undefined, catalog: readonly LabelTemplate[]): LabelFitError {
  const span = symbol.size + 8;
  const moduleMm = dpi === undefined ? t.qrMm.size / span : Math.floor((t.qrMm.size * dpi) / 25.4 / span) / (dpi / 25.4);
  const fitting = catalog.filter((c) => c.name !== t.name && fittingDpis(c, symbol.size) !== null);
  const first = smallest(fitting.filter((c) => samePrinter(t, c))) ?? smallest(fitting.filter((c) => c.media === t.media));
  const other = smallest(fitting.filter((c) => c.media !== t.media));
  const otherPrinter = t.media === 'sheet' ? 'a label printer' : 'a sheet printer';
  let advice: string;
  if (first) advice = `Use ${describe(first, symbol.size)} instead${other ? `, or ${describe(other, symbol.size)} on ${otherPrinter}` : ''}.`;
  else if (other) advice = `Use ${describe(other, symbol.size)} on ${otherPrinter} instead.`;
  else advice = `No template fits it: use a shorter payload format (token or url)${ecc === 'Q' ? ' or error correction M' : ''}.`;
  const ownDpis = dpi === undefined ? null : fittingDpis(t, symbol.size);
  if (ownDpis) advice = `It fits "${t.name}" on a ${ownDpis.join('/')} dpi printer; otherwise ${advice[0]!.toLowerCase()}${advice.slice(1)}`;
  const message =
    `This payload needs a ${symbol.size}×${symbol.size}-module QR code (version ${symbol.version}, level ${ecc}); ` +
    `on "${t.name}"${dpi === undefined ? '' : ` at ${dpi} dpi`} its modules would be ${moduleMm.toFixed(2)} mm, ` +
    `below the ${MIN_MODULE_MM} mm that scanners read reliably. ${advice}`;
  return new LabelFitError(message, t.name, (first ?? other)?.name);
}

/** Where a symbol of this size goes on `template`, or the error naming a template where it would be readable. */
export function fitSymbol(template: LabelTemplate, symbol: QrSize, ecc: Ecc, options: FitOptions = {}): FitResult {
  const dpi = resolveDpi(template, options.dpi);
  const placement = placeQr(template, symbol.size, dpi);
  if (placement) return { ok: true, placement };
  return { ok: false, error: fitError(template, symbol, ecc, dpi, options.catalog ?? listTemplates()) };
}

/** Whether `payload` prints readably on `template`; on failure the error names a template that fits. */
export function checkFit(template: LabelTemplate, payload: string, ecc: Ecc = 'M', options: FitOptions = {}): FitResult {
  const symbol = options.printerEncoded ? printerQrSize(payload, ecc) : encodeQr(payload, ecc);
  return fitSymbol(template, symbol, ecc, options);
}

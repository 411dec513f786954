// Mask selection for QR symbols (ISO/IEC 18004:2015 §7.8), the same choice qrcode's getBestMask makes, done on typed
// arrays: qrcode evaluates each of the 8 masks through BitMatrix method calls and a modulo switch per module,
// which made mask selection the largest single cost of a 10,000-label PDF. qr.test (label-qr-mask) checks that
// every symbol comes out byte-identical to qrcode's own choice.

export interface MaskableSymbol {
  size: number;
  /** Row-major, 1 = dark; function patterns and format bits included. */
  data: Uint8Array;
  /** 1 where a module belongs to a function pattern or format/version information (never masked). */
  reserved: Uint8Array;
}

type EccLevel = 'L' | 'M' | 'Q' | 'H';

/** §7.9.1: the two error-correction level bits of the format information. */
const LEVEL_BITS: Record<EccLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

/** 15-bit format information: BCH(15,5) with generator 0x537, XORed with 0x5412 (§7.9.2, Annex C). */
export function formatBits(level: EccLevel, mask: number): number {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** Calls `set(row, col, dark)` where qrcode's setupFormatInfo puts the format information, plus the dark module. */
function forEachFormatModule(size: number, bits: number, set: (row: number, col: number, dark: number) => void): void {
  for (let i = 0; i < 15; i++) {
    const mod = (bits >> i) & 1;
    if (i < 6) set(i, 8, mod);
    else if (i < 8) set(i + 1, 8, mod);
    else set(size - 15 + i, 8, mod);
    if (i < 8) set(8, size - i - 1, mod);
    else if (i < 9) set(8, 15 - i, mod);
    else set(8, 14 - i, mod);
  }
  set(size - 8, 8, 1);
}

function writeFormat(data: Uint8Array, size: number, bits: number): void {
  forEachFormatModule(size, bits, (row, col, dark) => {
    data[row * size + col] = dark;
  });
}

function maskAt(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

/** Per mask, 1 where that mask flips a module (reserved modules never flip); cached per reserved layout. */
const flipCache = new Map<string, Uint8Array[]>();

function flips(size: number, reserved: Uint8Array): Uint8Array[] {
  // The reserved layout depends on the version only, and the version on the size.
  const key = String(size);
  let masks = flipCache.get(key);
  if (!masks) {
    masks = Array.from({ length: 8 }, (_, mask) => {
      const out = new Uint8Array(size * size);
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = !reserved[i * size + j] && maskAt(mask, i, j) ? 1 : 0;
      return out;
    });
    flipCache.set(key, masks);
  }
  return masks;
}

/** §7.8.3 penalty, computed exactly as qrcode's getPenaltyN1..N4 (so ties resolve the same way). */
export function penalty(data: Uint8Array, size: number): number {
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  for (let a = 0; a < size; a++) {
    let rowRun = 0;
    let colRun = 0;
    let rowLast = -1;
    let colLast = -1;
    let rowBits = 0;
    let colBits = 0;
    for (let b = 0; b < size; b++) {
      const inRow = data[a * size + b]!;
      const inCol = data[b * size + a]!;
      if (inRow === rowLast) rowRun++;
      else {
        if (rowRun >= 5) n1 += 3 + (rowRun - 5);
        rowLast = inRow;
        rowRun = 1;
      }
      if (inCol === colLast) colRun++;
      else {
        if (colRun >= 5) n1 += 3 + (colRun - 5);
        colLast = inCol;
        colRun = 1;
      }
      rowBits = ((rowBits << 1) & 0x7ff) | inRow;
      colBits = ((colBits << 1) & 0x7ff) | inCol;
      if (b >= 10) {
        if (rowBits === 0x5d0 || rowBits === 0x05d) n3++;
        if (colBits === 0x5d0 || colBits === 0x05d) n3++;
      }
    }
    if (rowRun >= 5) n1 += 3 + (rowRun - 5);
    if (colRun >= 5) n1 += 3 + (colRun - 5);
  }
  let dark = 0;
  for (let i = 0; i < data.length; i++) dark += data[i]!;
  for (let row = 0; row < size - 1; row++) {
    const top = row * size;
    const bottom = top + size;
    for (let col = 0; col < size - 1; col++) {
      const sum = data[top + col]! + data[top + col + 1]! + data[bottom + col]! + data[bottom + col + 1]!;
      if (sum === 4 || sum === 0) n2++;
    }
  }
  const n4 = Math.abs(Math.ceil((dark * 100) / data.length / 5) - 10);
  return n1 + n2 * 3 + n3 * 40 + n4 * 10;
}

/*
 * The same penalty on bit rows: with a symbol of at most 31 modules a side (versions 1–3, where a token label at
 * level M lands), each row and each column is one 32-bit word, bit c holding module c, and every rule is a few
 * shifts and a population count per line instead of a step per module: eight masks cost what one did.
 */
const MAX_WORD_SIZE = 31;

interface BitLines {
  /** Bit j of rows[i]: module (i, j). */
  rows: Int32Array;
  /** Bit i of cols[j]: module (i, j). */
  cols: Int32Array;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

function toBitLines(data: Uint8Array, size: number): BitLines {
  const rows = new Int32Array(size);
  const cols = new Int32Array(size);
  // Without a branch per module: half of them are dark, in no pattern a branch predictor could learn.
  for (let i = 0; i < size; i++) {
    const base = i * size;
    let row = 0;
    for (let j = 0; j < size; j++) {
      const dark = data[base + j]! & 1;
      row |= dark << j;
      cols[j]! |= dark << i;
    }
    rows[i] = row;
  }
  return { rows, cols };
}

const flipLineCache = new Map<number, BitLines[]>();

function flipLines(size: number, masks: Uint8Array[]): BitLines[] {
  let lines = flipLineCache.get(size);
  if (!lines) {
    lines = masks.map((flip) => toBitLines(flip, size));
    flipLineCache.set(size, lines);
  }
  return lines;
}

/**
 * N1 (runs of 5 or more: 3 + the excess) and N3 (1:1:3:1:1 with 4 light modules on either side) along one line,
 * packed as n1 + 256 × n3 (n1 < 32 on a 31-module line) so the hot loop allocates nothing.
 */
function linePenalty(w: number, pairs: number, windows: number): number {
  // Bit c: modules c and c+1 alike; then modules c..c+4 alike. A run of L ≥ 5 sets L - 4 bits and starts once.
  const alike = ~(w ^ (w >>> 1)) & pairs;
  const five = alike & (alike >>> 1) & (alike >>> 2) & (alike >>> 3);
  const n1 = popcount(five) + 2 * popcount(five & ~(five << 1));
  // Windows of 11 modules starting at c, earliest module first: 10111010000 and 00001011101 (qrcode's 0x5D0, 0x05D).
  const s1 = w >>> 1;
  const s2 = w >>> 2;
  const s3 = w >>> 3;
  const s4 = w >>> 4;
  const s5 = w >>> 5;
  const s6 = w >>> 6;
  const s7 = w >>> 7;
  const s8 = w >>> 8;
  const s9 = w >>> 9;
  const s10 = w >>> 10;
  const before = w & ~s1 & s2 & s3 & s4 & ~s5 & s6 & ~s7 & ~s8 & ~s9 & ~s10;
  const after = ~w & ~s1 & ~s2 & ~s3 & s4 & ~s5 & s6 & s7 & s8 & ~s9 & s10;
  return n1 + 256 * (popcount(before & windows) + popcount(after & windows));
}

/** penalty() on bit lines: the same score for the same symbol. */
function linesPenalty({ rows, cols }: BitLines, size: number): number {
  const pairs = (1 << (size - 1)) - 1;
  const windows = (1 << (size - 10)) - 1;
  let n1 = 0;
  let n2 = 0;
  let n3 = 0;
  let dark = 0;
  for (let i = 0; i < size; i++) {
    const lines = linePenalty(rows[i]!, pairs, windows) + linePenalty(cols[i]!, pairs, windows);
    n1 += lines & 0xff;
    n3 += lines >>> 8;
    dark += popcount(rows[i]!);
    if (i < size - 1) {
      const top = rows[i]!;
      const bottom = rows[i + 1]!;
      const vertical = ~(top ^ bottom);
      n2 += popcount(vertical & (vertical >>> 1) & ~(top ^ (top >>> 1)) & pairs);
    }
  }
  const n4 = Math.abs(Math.ceil((dark * 100) / (size * size) / 5) - 10);
  return n1 + n2 * 3 + n3 * 40 + n4 * 10;
}

/** penalty() computed on bit lines, for symbols of at most 31 modules a side. */
export function bitPenalty(data: Uint8Array, size: number): number {
  if (size > MAX_WORD_SIZE) throw new RangeError(`bit lines hold at most ${MAX_WORD_SIZE} modules, not ${size}`);
  return linesPenalty(toBitLines(data, size), size);
}

/** Format information as bit lines: where it goes (with the dark module), and its modules for one level and mask. */
interface FormatLines {
  place: BitLines;
  value: BitLines;
}

const formatLineCache = new Map<string, FormatLines[]>();

/** Per mask, the format information of `level` as bit lines. */
function formatLines(size: number, level: EccLevel): FormatLines[] {
  const key = `${size}${level}`;
  let lines = formatLineCache.get(key);
  if (!lines) {
    lines = Array.from({ length: 8 }, (_, mask) => {
      const place = new Uint8Array(size * size);
      const value = new Uint8Array(size * size);
      forEachFormatModule(size, formatBits(level, mask), (row, col, dark) => {
        place[row * size + col] = 1;
        value[row * size + col] = dark;
      });
      return { place: toBitLines(place, size), value: toBitLines(value, size) };
    });
    formatLineCache.set(key, lines);
  }
  return lines;
}

/** Index of the mask of lowest penalty, first on a tie, scored on bit lines of the symbol as built with `built`. */
function bestMaskOnBits(data: Uint8Array, size: number, level: EccLevel, built: number, masks: Uint8Array[]): number {
  const base = toBitLines(data, size);
  const flipsAsLines = flipLines(size, masks);
  const undo = flipsAsLines[built]!;
  const formats = formatLines(size, level);
  const candidate: BitLines = { rows: new Int32Array(size), cols: new Int32Array(size) };
  const { rows, cols } = candidate;
  let best = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const flip = flipsAsLines[mask]!;
    const { place, value } = formats[mask]!;
    for (let i = 0; i < size; i++) {
      rows[i] = ((base.rows[i]! ^ undo.rows[i]! ^ flip.rows[i]!) & ~place.rows[i]!) | value.rows[i]!;
      cols[i] = ((base.cols[i]! ^ undo.cols[i]! ^ flip.cols[i]!) & ~place.cols[i]!) | value.cols[i]!;
    }
    const score = linesPenalty(candidate, size);
    if (score < lowest) {
      lowest = score;
      best = mask;
    }
  }
  return best;
}

/** Index of the mask of lowest penalty, first on a tie (as qrcode's getBestMask). */
function bestMaskOnBytes(unmasked: Uint8Array, size: number, level: EccLevel, masks: Uint8Array[]): number {
  const candidate = new Uint8Array(unmasked.length);
  let best = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const flip = masks[mask]!;
    for (let i = 0; i < candidate.length; i++) candidate[i] = unmasked[i]! ^ flip[i]!;
    writeFormat(candidate, size, formatBits(level, mask));
    const score = penalty(candidate, size);
    if (score < lowest) {
      lowest = score;
      best = mask;
    }
  }
  return best;
}

/**
 * Re-masks a symbol built with mask `built` using the mask of lowest penalty (the first one on a tie, as qrcode
 * does), format information included. Returns the chosen mask; `symbol.data` is changed in place.
 */
export function applyBestMask(symbol: MaskableSymbol, level: EccLevel, built: number): number {
  const { size, data } = symbol;
  const masks = flips(size, symbol.reserved);
  const flipBuilt = masks[built]!;
  let best: number;
  if (size <= MAX_WORD_SIZE) best = bestMaskOnBits(data, size, level, built, masks);
  else {
    const unmasked = data.slice();
    for (let i = 0; i < unmasked.length; i++) unmasked[i] = unmasked[i]! ^ flipBuilt[i]!;
    best = bestMaskOnBytes(unmasked, size, level, masks);
  }
  if (best !== built) {
    const flip = masks[best]!;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ flipBuilt[i]! ^ flip[i]!;
    writeFormat(data, size, formatBits(level, best));
  }
  return best;
}

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

/** Writes the format information where qrcode's setupFormatInfo puts it, plus the dark module. */
function writeFormat(data: Uint8Array, size: number, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const mod = (bits >> i) & 1;
    if (i < 6) data[i * size + 8] = mod;
    else if (i < 8) data[(i + 1) * size + 8] = mod;
    else data[(size - 15 + i) * size + 8] = mod;
    if (i < 8) data[8 * size + size - i - 1] = mod;
    else if (i < 9) data[8 * size + 15 - i] = mod;
    else data[8 * size + 14 - i] = mod;
  }
  data[(size - 8) * size + 8] = 1;
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

/**
 * Re-masks a symbol built with mask `built` using the mask of lowest penalty (the first one on a tie, as qrcode
 * does), format information included. Returns the chosen mask; `symbol.data` is changed in place.
 */
export function applyBestMask(symbol: MaskableSymbol, level: EccLevel, built: number): number {
  const { size, data } = symbol;
  const masks = flips(size, symbol.reserved);
  const unmasked = data.slice();
  const flipBuilt = masks[built]!;
  for (let i = 0; i < unmasked.length; i++) unmasked[i] = unmasked[i]! ^ flipBuilt[i]!;
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
  if (best !== built) {
    const flip = masks[best]!;
    for (let i = 0; i < data.length; i++) data[i] = unmasked[i]! ^ flip[i]!;
    writeFormat(data, size, formatBits(level, best));
  }
  return best;
}

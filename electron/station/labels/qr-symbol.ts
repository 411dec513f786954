import QRCode from 'qrcode';
import ECCode from 'qrcode/lib/core/error-correction-code.js';
import ECLevel from 'qrcode/lib/core/error-correction-level.js';

/*
 * An alphanumeric QR symbol (a token payload) built the way qrcode 1.5 builds it (lib/core/qrcode.js createData,
 * createCodewords, setupData; ISO/IEC 18004:2015 §7.4.4, §7.5, §7.7), without its per-symbol objects: qrcode makes
 * a bit buffer of plain numbers, a generator polynomial per symbol, a BitMatrix and its function patterns each
 * time, the largest cost of a label PDF once mask selection was fast. Here everything that depends only on the
 * version and level (function patterns, format and version information, the order data modules are filled in,
 * the generator polynomial) is made once, by qrcode itself for the patterns; a symbol is its codewords written
 * into a copy. label-qr-symbol.test checks that symbols come out identical to qrcode's.
 */

export type EccLevel = 'L' | 'M' | 'Q' | 'H';

/** The symbol with mask 0 applied and mask 0's format information, as QRCode.create(..., { maskPattern: 0 }). */
export interface MaskZeroSymbol {
  version: number;
  size: number;
  data: Uint8Array;
  /** Shared between symbols of one version and level: read only. */
  reserved: Uint8Array;
}

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (§7.5.2), as qrcode's galois-field.js.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!);

const generators = new Map<number, Uint8Array>();

/** (x - α^0)(x - α^1)…(x - α^(degree-1)), highest power first, as qrcode's generateECPolynomial. */
function generator(degree: number): Uint8Array {
  const known = generators.get(degree);
  if (known) return known;
  let poly: Uint8Array = new Uint8Array([1]);
  for (let i = 0; i < degree; i++) {
    const next: Uint8Array = new Uint8Array(poly.length + 1);
    for (let j = 0; j < poly.length; j++) {
      next[j]! ^= poly[j]!;
      next[j + 1]! ^= mul(poly[j]!, EXP[i]!);
    }
    poly = next;
  }
  generators.set(degree, poly);
  return poly;
}

/** The `degree` error-correction codewords of `block` into `out` at `at`: the remainder of block·x^degree by the generator. */
function writeEcc(block: Uint8Array, degree: number, out: Uint8Array, at: number): void {
  const gen = generator(degree);
  const rem = new Uint8Array(degree);
  for (let i = 0; i < block.length; i++) {
    const factor = block[i]! ^ rem[0]!;
    rem.copyWithin(0, 1);
    rem[degree - 1] = 0;
    if (factor !== 0) for (let j = 0; j < degree; j++) rem[j]! ^= mul(gen[j + 1]!, factor);
  }
  out.set(rem, at);
}

interface Layout {
  version: number;
  size: number;
  /** Function patterns, format (mask 0) and version information; data modules left for the codewords. */
  template: Uint8Array;
  reserved: Uint8Array;
  /** Data modules in the order codeword bits fill them (setupData's zigzag), and mask 0 at each. */
  order: Uint32Array;
  maskZero: Uint8Array;
  dataCodewords: number;
  totalCodewords: number;
  blocks: number;
}

const layouts = new Map<string, Layout>();

function layoutOf(version: number, level: EccLevel): Layout {
  const key = `${version}${level}`;
  let layout = layouts.get(key);
  if (!layout) {
    const code = QRCode.create('0', { version, errorCorrectionLevel: level, maskPattern: 0 });
    const { size, data, reservedBit } = code.modules;
    const order: number[] = [];
    // setupData: two-module columns right to left, skipping the timing column, alternately upwards and downwards.
    let up = true;
    for (let col = size - 1; col > 0; col -= 2) {
      if (col === 6) col--;
      for (let step = 0; step < size; step++) {
        const row = up ? size - 1 - step : step;
        for (let c = 0; c < 2; c++) if (!reservedBit[row * size + col - c]) order.push(row * size + col - c);
      }
      up = !up;
    }
    const ecc = ECLevel[level];
    const totalCodewords = Math.floor(order.length / 8);
    layout = {
      version,
      size,
      template: Uint8Array.from(data),
      reserved: Uint8Array.from(reservedBit),
      order: Uint32Array.from(order),
      maskZero: Uint8Array.from(order, (cell) => ((Math.floor(cell / size) + (cell % size)) % 2 === 0 ? 1 : 0)),
      totalCodewords,
      dataCodewords: totalCodewords - ECCode.getTotalCodewordsCount(version, ecc),
      blocks: ECCode.getBlocksCount(version, ecc),
    };
    layouts.set(key, layout);
  }
  return layout;
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ALPHANUMERIC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHANUMERIC.length; i++) ALPHANUMERIC_VALUE[ALPHANUMERIC.charCodeAt(i)] = i;

/** Character count bits of an alphanumeric segment (§7.4.1, Table 3). */
const countBits = (version: number): number => (version < 10 ? 9 : version < 27 ? 11 : 13);

/**
 * The smallest symbol holding `payload` as one alphanumeric segment at `level`, with mask 0; null when the
 * payload is not alphanumeric or fits no version.
 */
export function alphanumericSymbol(payload: string, level: EccLevel): MaskZeroSymbol | null {
  const n = payload.length;
  for (let i = 0; i < n; i++) {
    const code = payload.charCodeAt(i);
    if (code >= 128 || ALPHANUMERIC_VALUE[code]! < 0) return null;
  }
  const payloadBits = 11 * Math.floor(n / 2) + 6 * (n % 2);
  let layout: Layout | undefined;
  for (let version = 1; version <= 40 && !layout; version++) {
    const candidate = layoutOf(version, level);
    if (4 + countBits(version) + payloadBits <= candidate.dataCodewords * 8) layout = candidate;
  }
  if (!layout) return null;

  // createData: mode, count, pairs of characters, terminator, zero bits to a byte, then 0xEC 0x11 alternately.
  const bytes = new Uint8Array(layout.dataCodewords);
  let bit = 0;
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--, bit++) if ((value >>> i) & 1) bytes[bit >>> 3]! |= 0x80 >>> (bit & 7);
  };
  put(0b0010, 4);
  put(n, countBits(layout.version));
  for (let i = 0; i + 1 < n; i += 2) put(ALPHANUMERIC_VALUE[payload.charCodeAt(i)]! * 45 + ALPHANUMERIC_VALUE[payload.charCodeAt(i + 1)]!, 11);
  if (n % 2) put(ALPHANUMERIC_VALUE[payload.charCodeAt(n - 1)]!, 6);
  if (bit + 4 <= bytes.length * 8) bit += 4;
  for (let i = (bit + 7) >>> 3, pad = 0; i < bytes.length; i++, pad++) bytes[i] = pad % 2 ? 0x11 : 0xec;

  const codewords = interleave(bytes, layout);
  const { size, order, maskZero } = layout;
  const data = Uint8Array.from(layout.template);
  const bits = layout.totalCodewords * 8;
  for (let k = 0; k < order.length; k++) {
    const dark = k < bits ? (codewords[k >>> 3]! >>> (7 - (k & 7))) & 1 : 0;
    data[order[k]!] = dark ^ maskZero[k]!;
  }
  return { version: layout.version, size, data, reserved: layout.reserved };
}

/** createCodewords: data split into blocks (the later ones a codeword longer), each with its ECC, interleaved. */
function interleave(bytes: Uint8Array, layout: Layout): Uint8Array {
  const { totalCodewords, dataCodewords, blocks } = layout;
  const longBlocks = totalCodewords % blocks;
  const shortBlocks = blocks - longBlocks;
  const shortData = Math.floor(dataCodewords / blocks);
  const eccCount = Math.floor(totalCodewords / blocks) - shortData;
  const ecc = new Uint8Array(blocks * eccCount);
  const starts: number[] = [];
  for (let b = 0, offset = 0; b < blocks; b++) {
    const length = b < shortBlocks ? shortData : shortData + 1;
    starts.push(offset);
    writeEcc(bytes.subarray(offset, offset + length), eccCount, ecc, b * eccCount);
    offset += length;
  }
  const out = new Uint8Array(totalCodewords);
  let index = 0;
  for (let i = 0; i <= shortData; i++) {
    for (let b = 0; b < blocks; b++) if (i < shortData || b >= shortBlocks) out[index++] = bytes[starts[b]! + i]!;
  }
  for (let i = 0; i < eccCount; i++) for (let b = 0; b < blocks; b++) out[index++] = ecc[b * eccCount + i]!;
  return out;
}

import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { encodeQr } from '../../electron/station/labels/qr.ts';
import { bitPenalty, formatBits, penalty } from '../../electron/station/labels/qr-mask.ts';
import { CROCKFORD_ALPHABET, encodeTokenPayload, encodeUrlPayload } from '../../shared/label-payload.ts';

describe('QR mask selection', () => {
  it('format information matches the standard table (ISO/IEC 18004 Annex C)', () => {
    expect(formatBits('L', 0)).toBe(0b111011111000100);
    expect(formatBits('M', 0)).toBe(0b101010000010010);
    expect(formatBits('Q', 0)).toBe(0b011010101011111);
    expect(formatBits('H', 0)).toBe(0b001011010001001);
  });

  it('every symbol is module for module what qrcode itself chooses, across payload kinds, sizes and levels', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const crockford = (n: number) => Array.from({ length: n }, () => CROCKFORD_ALPHABET[next() % 32]).join('');
    const payloads = [
      ...Array.from({ length: 150 }, () => encodeTokenPayload(crockford(10), crockford(16))),
      ...Array.from({ length: 50 }, () => encodeTokenPayload(crockford(10), null)),
      ...Array.from({ length: 50 }, (_, i) => encodeUrlPayload(`10.0.${i}.${next() % 250}`, 8000 + i, crockford(10))),
      ...Array.from({ length: 50 }, (_, i) => `{"name":"Zähler ${i}","token":"${crockford(20 + (i % 60))}"}`),
    ];
    const masks = new Set<number>();
    for (const payload of payloads) {
      for (const ecc of ['M', 'Q'] as const) {
        const theirs = QRCode.create(payload, { errorCorrectionLevel: ecc });
        masks.add(theirs.maskPattern ?? -1);
        const ours = encodeQr(payload, ecc);
        expect(ours.version).toBe(theirs.version);
        expect(Buffer.from(ours.data).equals(Buffer.from(theirs.modules.data))).toBe(true);
      }
    }
    // The comparison covered many different choices, not one mask that happens to win everywhere.
    expect(masks.size).toBeGreaterThanOrEqual(6);
  });

  it('the bit-row penalty scores every matrix exactly as the per-module one, runs and finder-like patterns included', () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (const size of [21, 25, 29]) {
      for (let n = 0; n < 200; n++) {
        // Densities from nearly light to nearly dark, and long runs, so every rule (and N4's rounding) is exercised.
        const dark = next() % 101;
        const data = new Uint8Array(size * size);
        let module = 0;
        for (let i = 0; i < data.length; i++) {
          if (next() % 100 < 40) module = next() % 100 < dark ? 1 : 0;
          data[i] = module;
        }
        expect(bitPenalty(data, size)).toBe(penalty(data, size));
      }
    }
  });

  it('an alphanumeric payload with long digit runs still gets the mix of segments qrcode would choose', () => {
    for (const payload of ['FS1:1234567890:ABCDEFGH12345678:K', '123456', 'AB-000000000000-CD', 'A1234567B1234C', '12345A67890']) {
      const theirs = QRCode.create(payload, { errorCorrectionLevel: 'M' });
      const ours = encodeQr(payload, 'M');
      expect(ours.version).toBe(theirs.version);
      expect(Buffer.from(ours.data).equals(Buffer.from(theirs.modules.data))).toBe(true);
    }
  });
});

import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { encodeQr } from '../../electron/station/labels/qr.ts';
import { alphanumericSymbol } from '../../electron/station/labels/qr-symbol.ts';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

describe('alphanumeric QR symbols from cached layouts', () => {
  it('are module for module what qrcode builds with mask 0, at every level and across versions 1 to 40', () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const versions = new Set<number>();
    for (let t = 0; t < 240; t++) {
      // Mostly label-sized payloads, and some long enough to need the multi-block versions.
      const length = 1 + (t < 160 ? next(90) : next(1800));
      const payload = Array.from({ length }, () => ALPHANUMERIC[next(ALPHANUMERIC.length)]).join('');
      for (const level of ['L', 'M', 'Q', 'H'] as const) {
        const theirs = QRCode.create([{ mode: 'alphanumeric', data: payload }], { errorCorrectionLevel: level, maskPattern: 0 });
        const ours = alphanumericSymbol(payload, level);
        expect(ours?.version).toBe(theirs.version);
        expect(Buffer.from(ours!.data).equals(Buffer.from(theirs.modules.data))).toBe(true);
        expect(Buffer.from(ours!.reserved).equals(Buffer.from(theirs.modules.reservedBit))).toBe(true);
        versions.add(theirs.version);
      }
    }
    expect(Math.min(...versions)).toBe(1);
    expect(Math.max(...versions)).toBeGreaterThanOrEqual(35);
  });

  it('leaves payloads that are not alphanumeric or fit no version to qrcode', () => {
    expect(alphanumericSymbol('fs1:lowercase', 'M')).toBeNull();
    expect(alphanumericSymbol('ZÄHLER', 'M')).toBeNull();
    expect(alphanumericSymbol('A'.repeat(4297), 'L')).toBeNull();
    expect(() => encodeQr('A'.repeat(4297), 'M')).toThrow(expect.objectContaining({ code: 'LABEL_PAYLOAD_TOO_LONG' }));
  });
});

import { describe, expect, test } from 'vitest';
import { decodeDeviceList } from '../../electron/station/import/decode.ts';
import { parseDeviceList } from '../../electron/station/import/index.ts';

describe('decodeDeviceList', () => {
  test('UTF-8 with a BOM keeps the BOM for the parser to skip', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('name\nMünchen-1\n')]);
    const decoded = decodeDeviceList(bytes);
    expect(decoded).toEqual({ ok: true, text: '\uFEFFname\nMünchen-1\n', encoding: 'utf-8' });
    if (decoded.ok) expect(parseDeviceList(decoded.text, 'auto').rows[0]?.name).toBe('München-1');
  });

  test('UTF-16 LE and BE with a BOM (Excel "Unicode Text", tab-separated)', () => {
    const text = 'name\tmac\nPump-ä\taabbccddeeff\n';
    const le = new Uint8Array(2 + text.length * 2);
    const be = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    be.set([0xfe, 0xff]);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      le.set([c & 0xff, c >> 8], 2 + i * 2);
      be.set([c >> 8, c & 0xff], 2 + i * 2);
    }
    expect(decodeDeviceList(le)).toEqual({ ok: true, text: `\uFEFF${text}`, encoding: 'utf-16le' });
    expect(decodeDeviceList(be)).toEqual({ ok: true, text: `\uFEFF${text}`, encoding: 'utf-16be' });
    const decoded = decodeDeviceList(le);
    if (decoded.ok) expect(parseDeviceList(decoded.text, 'auto').rows[0]).toMatchObject({ line: 2, name: 'Pump-ä' });
  });

  test('Windows-1252 text is refused with the line of the first bad byte', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('name\nPump-1\nM'),
      0xfc,
      ...new TextEncoder().encode('nchen\n'),
    ]);
    expect(decodeDeviceList(bytes)).toEqual({
      ok: false,
      problem: {
        line: 3,
        column: null,
        message:
          'this line is not UTF-8 text (the file was probably saved as Windows "CSV"); save it as "CSV UTF-8" and import it again',
      },
    });
  });
});

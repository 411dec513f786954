import { describe, expect, it } from 'vitest';
import { jsonPieces, jsonText } from '../../electron/station/json-pieces.ts';

// Replies and export bundles are built from these pieces with turns of the event loop between them; whatever the
// value, the text must be exactly what JSON.stringify writes (a signed bundle is verified against that text).

const device = (i: number) => ({ id: i, name: `dev-${i}`, serial: i % 3 ? `S${i}` : null, gone: undefined, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), tags: ['a', i] });
const values: [string, unknown][] = [
  ['an empty reply', { ok: true, value: {} }],
  ['empty lists', { ok: true, value: [], nested: { a: [], b: {} } }],
  ['a list of 5,000 devices with dates and undefined', { ok: true, value: Array.from({ length: 5000 }, (_, i) => device(i)) }],
  ['holes, functions and undefined in a long array', Array.from({ length: 100 }, (_, i) => [undefined, () => 1, Symbol('s'), null, i][i % 5])],
  ['a device holding 10,000 telemetry points deep down', { payload: { devices: [{ name: 'd', telemetry: Array.from({ length: 10_000 }, (_, i) => ({ ts: i, values: { t: i / 3 } })) }] } }],
  ['a long string with escapes and an emoji on every slice boundary', { text: `x${'a"\\\n\u2028é'.repeat(100_000)}${'😀'.repeat(300_000)}` }],
  ['a primitive', 42],
  ['a string', 'plain'],
  ['null', null],
];

describe('JSON in pieces', () => {
  for (const [what, value] of values) {
    it(`joins to JSON.stringify's text: ${what}`, async () => {
      expect([...jsonPieces(value)].join('')).toBe(JSON.stringify(value));
      expect(await jsonText(value, '  ')).toBe(JSON.stringify(value, null, 2));
    });
  }

  it('cuts a long list into many pieces, so a writer can stop between them', () => {
    const pieces = [...jsonPieces({ ok: true, value: Array.from({ length: 5000 }, (_, i) => device(i)) })];
    // A run of items per piece, each far smaller than the whole (about 700 KB).
    expect(pieces.length).toBeGreaterThan(5000 / 256);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { ImportRow } from '../../shared/import.ts';
import { parseDeviceList, parseDeviceListInPieces } from '../../electron/station/import/index.ts';
import { readDeviceListInThread } from '../../electron/station/import/parser-pipe.ts';
import { workerScript } from '../../electron/station/store/worker-script.ts';

// The import of a large file reads it in pieces on the parser thread (parser-thread.ts) while the writer writes the
// earlier ones: it must find exactly what parseDeviceList finds, wherever a slice or a piece happens to end.
const files: Record<string, string> = {
  'an Excel export (BOM, semicolons, CRLF, quoted newlines and delimiters)':
    '\uFEFFName;Serial;MAC;attr:Site;Token\r\nPump-1;S-001;aa:bb:cc:dd:ee:01;"Hall; north";tok-1\r\n"Pump-2";S-002;aabb.ccdd.ee02;"Hall\r\nsouth";tok-2\r\n' +
    'Pump-3;S-003;AABBCCDDEE03;;tok-3\r\n\r\n',
  'an Excel sep= line': 'sep=\t\nname\tmac\nA\tAA:BB:CC:DD:EE:01\nB\tAA:BB:CC:DD:EE:02\n',
  'problems on several lines, duplicates pointing back': 'name,mac,token\nA,AA:BB:CC:DD:EE:01,t1\nB,not-a-mac,t2\nA,AA:BB:CC:DD:EE:03,t1\nC,AA:BB:CC:DD:EE:01,t4\n,,\n',
  'an unclosed quote': 'name,label\nA,fine\nB,"never closed\nC,x\n',
  'no name column': 'serial,mac\nS1,AA:BB:CC:DD:EE:01\n',
  'an empty file': '',
  'only a header': 'name,serial\n',
  JSON: '[{"name":"A","mac":"aa-bb-cc-dd-ee-01","attributes":{"floor":"2"}},{"name":"B","token":"t 1"},{"name":"C","clientId":"c","password":"p"}]',
  'JSON that does not parse': '[{"name":"A"',
};

function inPieces(text: string, rowsPerPiece: number, sliceChars: number) {
  const pieces: ImportRow[][] = [];
  const progress: number[] = [];
  const summary = parseDeviceListInPieces(text, 'auto', {
    rowsPerPiece,
    sliceChars,
    onRows: (rows, p) => {
      pieces.push(rows);
      progress.push(p.bytesRead);
      expect(p.bytesTotal).toBe(text.length);
    },
  });
  return { summary, pieces, progress };
}

describe('parseDeviceListInPieces', () => {
  for (const [what, text] of Object.entries(files)) {
    test(`${what}: the same rows, in order, and the same problems as parseDeviceList`, () => {
      const whole = parseDeviceList(text, 'auto');
      for (const [rowsPerPiece, sliceChars] of [
        [1, 1],
        [2, 7],
        [1000, 64 * 1024],
      ] as const) {
        const { summary, pieces, progress } = inPieces(text, rowsPerPiece, sliceChars);
        expect(pieces.flat()).toEqual(whole.rows);
        expect(summary).toEqual({ rowCount: whole.rows.length, problems: whole.problems, columns: whole.columns, format: whole.format, ...(whole.delimiter ? { delimiter: whole.delimiter } : {}) });
        // No empty piece; progress only grows, within the text.
        for (const piece of pieces) expect(piece.length).toBeGreaterThan(0);
        if (text.startsWith('[')) continue;
        // The first piece goes as soon as it has a row (the writer starts sooner); the others are full but the last.
        for (const piece of pieces.slice(1, -1)) expect(piece.length).toBeGreaterThanOrEqual(rowsPerPiece);
        expect([...progress].sort((a, b) => a - b)).toEqual(progress);
        for (const bytes of progress) expect(bytes).toBeLessThanOrEqual(text.length);
      }
    });
  }

  test('a piece says how many problems were found so far, so the import stops writing at the first', () => {
    const text = `name\n${Array.from({ length: 10 }, (_, i) => `d-${i}`).join('\n')}\nd-3\n${Array.from({ length: 10 }, (_, i) => `e-${i}`).join('\n')}\n`;
    const seen: number[] = [];
    parseDeviceListInPieces(text, 'csv', { rowsPerPiece: 5, sliceChars: 8, onRows: (_rows, p) => seen.push(p.problems) });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
  });
});

describe('readDeviceListInThread (the writer side of the parser thread)', () => {
  const script = workerScript({ source: new URL('../../electron/station/import/parser-thread.ts', import.meta.url), bundled: new URL('file:///none'), fromSource: true });
  const read = (text: string, from = script) => {
    const pieces = readDeviceListInThread(from, text, 'auto', { rowsPerPiece: 2 });
    const rows: ImportRow[] = [];
    for (let step = pieces.next(); ; step = pieces.next()) {
      if (step.done) return { rows, summary: step.value };
      rows.push(...step.value.rows);
    }
  };

  test('rows and problems come across whole, for CSV and JSON', () => {
    for (const text of [files['problems on several lines, duplicates pointing back']!, files.JSON!]) {
      const { rows, ...whole } = parseDeviceList(text, 'auto');
      const threaded = read(text);
      expect(threaded.rows).toEqual(rows);
      expect(threaded.summary).toEqual({ rowCount: rows.length, ...whole });
    }
  });

  test('a parser script that is not there fails at once with its path, instead of waiting for pieces', () => {
    const started = Date.now();
    expect(() => read('name\nA\n', new URL('file:///nowhere/import-parser.mjs'))).toThrow(
      /^the import parser failed: it could not start: .*\/nowhere\/import-parser\.mjs/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a parser script that fails to load says why, at once, instead of leaving the writer waiting for pieces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldstation-parser-'));
    try {
      const broken = join(dir, 'import-parser.mjs');
      writeFileSync(broken, "throw new Error('broken on purpose');\n");
      const started = Date.now();
      expect(() => read('name\nA\n', pathToFileURL(broken))).toThrow('the import parser failed: it could not start: broken on purpose');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

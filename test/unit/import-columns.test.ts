import { describe, expect, test } from 'vitest';
import { parseDeviceList } from '../../electron/station/import/index.ts';

const csv = (text: string) => parseDeviceList(text, 'csv');

describe('header', () => {
  test('columns in any order and case, trimmed; canonical names in the result', () => {
    const result = csv(' MAC ,LABEL,Name,CLIENTID,serial\nAA:BB:CC:DD:EE:FF,Lobby,Pump-1,c1,S1\n');
    expect(result.problems).toEqual([]);
    expect(result.columns).toEqual(['mac', 'label', 'name', 'clientId', 'serial']);
    expect(result.rows).toEqual([
      {
        line: 2,
        name: 'Pump-1',
        serial: 'S1',
        mac: 'AA:BB:CC:DD:EE:FF',
        label: 'Lobby',
        attributes: {},
        credentials: { type: 'MQTT_BASIC', clientId: 'c1' },
      },
    ]);
  });

  test('attr:<key> columns become attributes; the prefix is case-insensitive, the key keeps its case', () => {
    const result = csv('name,attr:Floor,ATTR: roomNo ,attr:floor\nA,3,12b,\nB,,,x\n');
    expect(result.problems).toEqual([]);
    expect(result.columns).toEqual(['name', 'attr:Floor', 'attr:roomNo', 'attr:floor']);
    expect(result.rows.map((r) => r.attributes)).toEqual([{ Floor: '3', roomNo: '12b' }, { floor: 'x' }]);
  });

  test('any other column becomes an attribute under its own name, as the help text says', () => {
    const result = csv('name,Floor,mac,attr:room\nA,1,aabbccddeeff,12\nB,2,,\n');
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.name, r.attributes])).toEqual([
      ['A', { Floor: '1', room: '12' }],
      ['B', { Floor: '2' }],
    ]);
    expect(result.columns).toEqual(['name', 'attr:Floor', 'mac', 'attr:room']);
    // Written both ways, it is one attribute given twice.
    expect(csv('name,floor,attr:floor\nA,1,2\n').problems).toEqual([
      { line: 1, column: 'attr:floor', message: "column 'attr:floor' appears twice (columns 2 and 3)" },
    ]);
  });

  test('a duplicate column, however written, is a problem; the first is read', () => {
    const result = csv('name,mac,Name,attr:x,attr:x\nA,aabbccddeeff,B,1,2\n');
    expect(result.problems).toEqual([
      { line: 1, column: 'name', message: "column 'name' appears twice (columns 1 and 3)" },
      { line: 1, column: 'attr:x', message: "column 'attr:x' appears twice (columns 4 and 5)" },
    ]);
    expect(result.rows[0]).toMatchObject({ name: 'A', attributes: { x: '1' } });
  });

  test('a missing name column is one problem, not one per row', () => {
    const result = csv('serial,mac\nS1,\nS2,\n');
    expect(result.problems).toEqual([
      { line: 1, column: null, message: "the header has no 'name' column (found: serial, mac)" },
    ]);
    expect(result.rows).toEqual([]);
  });

  test('attr: without a key is a problem', () => {
    expect(csv('name,attr:\nA,1\n').problems).toEqual([
      { line: 1, column: 'attr:', message: "column 'attr:' needs an attribute key after 'attr:', e.g. attr:floor" },
    ]);
  });

  test('an attribute key longer than 255 characters is a problem', () => {
    const key = 'k'.repeat(256);
    expect(csv(`name,attr:${key}\nA,1\n`).problems).toEqual([
      { line: 1, column: `attr:${key}`, message: 'attribute key is 256 characters long; the limit is 255' },
    ]);
  });

  test('attr:__proto__ is refused rather than silently dropped', () => {
    expect(csv('name,attr:__proto__\nA,1\n').problems).toEqual([
      { line: 1, column: 'attr:__proto__', message: "attribute key '__proto__' is reserved" },
    ]);
  });

  test('the header is found after blank lines and a sep= line, and problems use its line', () => {
    expect(csv('\n\nnom,foo\nA,1\n').problems[0]?.line).toBe(3);
    expect(csv('sep=;\nnom;foo\nA;1\n').problems[0]?.line).toBe(2);
  });

  test('an empty file is a problem', () => {
    expect(csv('\uFEFF\n').problems).toEqual([
      { line: 1, column: null, message: 'the file is empty; its first line must be a header such as name,serial,mac' },
    ]);
  });
});

describe('row width', () => {
  test('more values than the header has columns is a problem', () => {
    expect(csv('name,mac\nA,aabbccddeeff,extra\n').problems).toEqual([
      { line: 2, column: null, message: 'this row has 3 values but the header has 2 columns' },
    ]);
  });

  test('empty cells beyond the header are spreadsheet padding, not a problem', () => {
    const result = csv('name,mac\nA,aabbccddeeff,,\n');
    expect(result.problems).toEqual([]);
    expect(result.rows).toHaveLength(1);
  });

  test('fewer values than columns is a problem at the first missing column, not silently empty', () => {
    const result = csv('name,mac,label\nA\nB,,\nC,aabbccddeeff\n');
    expect(result.problems).toEqual([
      { line: 2, column: 'mac', message: 'this row has 1 value but the header has 3 columns' },
      { line: 4, column: 'label', message: 'this row has 2 values but the header has 3 columns' },
    ]);
    expect(result.rows.map((r) => r.name)).toEqual(['B']);
    // Blank header cells at the end are padding: rows need not reach them.
    expect(csv('name,mac,,\nA,aabbccddeeff\n').problems).toEqual([]);
  });

  test('a value under a blank header cell is a problem; blank header cells with blank values are not', () => {
    expect(csv('name,,mac\nA,,\nB,x,\n').problems).toEqual([
      { line: 3, column: null, message: 'column 2 has a value but no header', value: 'x' },
    ]);
  });

  test('rows of only blank cells are skipped', () => {
    const result = csv('name,mac\nA,\n,\n , \nB,\n');
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => [r.line, r.name])).toEqual([
      [2, 'A'],
      [5, 'B'],
    ]);
  });
});

import { describe, expect, test } from 'vitest';
import { parseDeviceList } from '../../electron/station/import/index.ts';

const csv = (text: string) => parseDeviceList(text, 'csv');
const expected = 'name, token, clientId, username, password, certificate, serial, mac, label, or attr:<key>';

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

  test('an unknown column is one problem at the header; the rows are still read', () => {
    const result = csv('name,foo,mac\nA,1,aabbccddeeff\nB,2,\n');
    expect(result.problems).toEqual([
      { line: 1, column: 'foo', message: `unknown column 'foo' (expected ${expected})` },
    ]);
    expect(result.rows.map((r) => r.name)).toEqual(['A', 'B']);
    expect(result.columns).toEqual(['name', 'mac']);
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
    expect(csv('\n\nname,foo\nA,1\n').problems[0]?.line).toBe(3);
    expect(csv('sep=;\nname;foo\nA;1\n').problems[0]?.line).toBe(2);
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

  test('fewer values than columns leaves the rest empty', () => {
    expect(csv('name,mac,label\nA\n').rows).toEqual([{ line: 2, name: 'A', attributes: {} }]);
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

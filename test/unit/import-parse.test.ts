import { describe, expect, test } from 'vitest';
import { detectFormat, parseDeviceList } from '../../electron/station/import/index.ts';
import { ImportProblem, ImportReport, ImportRow } from '../../shared/import.ts';

describe('parseDeviceList', () => {
  test('auto picks JSON when the first non-space character opens an array or object', () => {
    expect(detectFormat('  \n[{"name":"A"}]')).toBe('json');
    expect(detectFormat('\uFEFF{"devices":[]}')).toBe('json');
    expect(detectFormat('name,mac\n')).toBe('csv');
    expect(detectFormat('')).toBe('csv');
    expect(parseDeviceList('name\nA\n').format).toBe('csv');
  });

  test('an explicit format wins over the content', () => {
    expect(parseDeviceList('[x]\nA\n', 'csv').problems[0]?.message).toBe("the header has no 'name' column (found: attr:[x])");
  });

  test('an Excel export (BOM, semicolons, CRLF, quoted newline) reads as the technician sees it', () => {
    const text =
      '\uFEFFName;Serial;MAC;attr:Site;Token\r\n' +
      'Pump-1;S-001;aa:bb:cc:dd:ee:01;"Hall; north";tok-1\r\n' +
      '"Pump-2";S-002;aabb.ccdd.ee02;"Hall\r\nsouth";tok-2\r\n' +
      'Pump-3;S-003;AABBCCDDEE03;;tok-1\r\n' +
      '\r\n';
    const result = parseDeviceList(text, 'auto');
    expect(result.delimiter).toBe(';');
    expect(result.columns).toEqual(['name', 'serial', 'mac', 'attr:Site', 'token']);
    expect(result.rows).toEqual([
      {
        line: 2,
        name: 'Pump-1',
        serial: 'S-001',
        mac: 'AA:BB:CC:DD:EE:01',
        attributes: { Site: 'Hall; north' },
        credentials: { type: 'ACCESS_TOKEN', token: 'tok-1' },
      },
      {
        line: 3,
        name: 'Pump-2',
        serial: 'S-002',
        mac: 'AA:BB:CC:DD:EE:02',
        attributes: { Site: 'Hall\r\nsouth' },
        credentials: { type: 'ACCESS_TOKEN', token: 'tok-2' },
      },
    ]);
    expect(result.problems).toEqual([
      { line: 5, column: 'token', message: "token 'tok-1' also appears on line 2", value: 'tok-1' },
    ]);
  });

  test('tab-separated text (a paste from a spreadsheet) reads the same', () => {
    const result = parseDeviceList('name\tmac\nA\taa-bb-cc-dd-ee-ff\n', 'auto');
    expect(result.delimiter).toBe('\t');
    expect(result.rows).toEqual([{ line: 2, name: 'A', mac: 'AA:BB:CC:DD:EE:FF', attributes: {} }]);
  });

  test('problems come sorted by line, header problems first', () => {
    const result = parseDeviceList('name,attr:\n,1\nA,2\nA,3\n', 'csv');
    expect(result.problems.map((p) => p.line)).toEqual([1, 2, 4]);
  });

  test('progress is reported at intervals and once at the end with the total', () => {
    const text = `name\n${Array.from({ length: 2500 }, (_, i) => `D${i}`).join('\n')}\n`;
    const calls: [number, number][] = [];
    parseDeviceList(text, 'csv', { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
    const small: [number, number][] = [];
    parseDeviceList('[{"name":"a"},{"name":"b"},{"name":"c"}]', 'json', {
      progressInterval: 2,
      onProgress: (done, total) => small.push([done, total]),
    });
    expect(small).toEqual([
      [2, 3],
      [3, 3],
    ]);
  });

  test('a forced delimiter is used', () => {
    expect(parseDeviceList('name;x\nA;B\n', 'csv', { delimiter: ',' }).problems[0]?.message).toBe(
      "the header has no 'name' column (found: attr:name;x)",
    );
  });
});

describe('shared/import schemas', () => {
  test('every parsed row and problem satisfies the shared schemas', () => {
    const text =
      'name,mac,token,clientId,username,password,certificate,attr:k\n' +
      'A,aabbccddeeff,t,,,,,v\nB,,,c,u,p,,\nC,,,,,,dGVzdA==,\nD,bad,,,,,,\n';
    const result = parseDeviceList(text, 'csv');
    expect(result.rows).toHaveLength(3);
    for (const row of result.rows) expect(ImportRow.parse(row)).toEqual(row);
    for (const problem of result.problems) expect(ImportProblem.parse(problem)).toEqual(problem);
  });

  test('MQTT_BASIC without clientId and username, or a lower-case MAC, does not pass', () => {
    expect(
      ImportRow.safeParse({ line: 1, name: 'A', attributes: {}, credentials: { type: 'MQTT_BASIC', password: 'p' } })
        .success,
    ).toBe(false);
    expect(ImportRow.safeParse({ line: 1, name: 'A', attributes: {}, mac: 'aa:bb:cc:dd:ee:ff' }).success).toBe(false);
  });

  test('ImportReport', () => {
    const report = {
      dryRun: true,
      rows: 3,
      created: 2,
      updated: 1,
      unchanged: 0,
      problems: [{ line: 4, column: null, message: 'x' }],
    };
    expect(ImportReport.parse(report)).toEqual(report);
    expect(ImportReport.safeParse({ ...report, created: -1 }).success).toBe(false);
  });
});

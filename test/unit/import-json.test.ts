import { describe, expect, test } from 'vitest';
import { parseDeviceList } from '../../electron/station/import/index.ts';

const json = (value: unknown) => parseDeviceList(JSON.stringify(value, null, 2), 'json');

describe('JSON device lists', () => {
  test('an array of objects with the CSV keys, case-insensitive; attributes nested or as attr: keys', () => {
    const result = json([
      { name: 'Pump-1', MAC: 'aa-bb-cc-dd-ee-ff', token: 'tok1', attributes: { Floor: '3' }, 'attr:room': '12' },
      { Name: 'Pump-2', clientid: 'c2', username: 'u2', password: 'p2', serial: 'S2', label: 'Lobby' },
    ]);
    expect(result.problems).toEqual([]);
    expect(result.format).toBe('json');
    expect(result.delimiter).toBeUndefined();
    expect(result.columns).toEqual([
      'name',
      'mac',
      'token',
      'attr:Floor',
      'attr:room',
      'clientId',
      'username',
      'password',
      'serial',
      'label',
    ]);
    expect(result.rows).toEqual([
      {
        line: 1,
        name: 'Pump-1',
        mac: 'AA:BB:CC:DD:EE:FF',
        attributes: { Floor: '3', room: '12' },
        credentials: { type: 'ACCESS_TOKEN', token: 'tok1' },
      },
      {
        line: 2,
        name: 'Pump-2',
        serial: 'S2',
        label: 'Lobby',
        attributes: {},
        credentials: { type: 'MQTT_BASIC', clientId: 'c2', username: 'u2', password: 'p2' },
      },
    ]);
  });

  test('{"devices": [...]} is accepted and other top-level keys are ignored', () => {
    const result = json({ version: 1, devices: [{ name: 'A' }] });
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([{ line: 1, name: 'A', attributes: {} }]);
  });

  test('line is the 1-based position of the element; the same row checks apply', () => {
    expect(json([{ name: 'A' }, { name: '' }, { name: 'A', mac: 'nope' }]).problems).toEqual([
      { line: 2, column: 'name', message: 'name is empty' },
      { line: 3, column: 'name', message: "name 'A' also appears on line 1", value: 'A' },
      {
        line: 3,
        column: 'mac',
        message:
          "mac 'nope' is not a MAC address; expected 6 pairs of hex digits like AA:BB:CC:DD:EE:FF (AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF and AABBCCDDEEFF also work)",
        value: 'nope',
      },
    ]);
  });

  test('an element that is not an object is a problem', () => {
    expect(json([{ name: 'A' }, 'B', null, [1], 4]).problems).toEqual([
      { line: 2, column: null, message: 'device 2 is text, not an object like {"name": "…"}' },
      { line: 3, column: null, message: 'device 3 is null, not an object like {"name": "…"}' },
      { line: 4, column: null, message: 'device 4 is a list, not an object like {"name": "…"}' },
      { line: 5, column: null, message: 'device 5 is a number, not an object like {"name": "…"}' },
    ]);
  });

  test('a non-string where text is expected is a problem; null means absent', () => {
    const result = json([
      { name: 'A', serial: 12345, label: null, token: true },
      { name: 'B', mac: { a: 1 }, attributes: { floor: 3, wing: null } },
    ]);
    expect(result.problems).toEqual([
      {
        line: 1,
        column: 'serial',
        message: 'serial must be text, not a number (write it in quotes: "12345")',
        value: '12345',
      },
      {
        line: 1,
        column: 'token',
        message: 'token must be text, not true/false (write it in quotes: "true")',
        value: 'true',
      },
      { line: 2, column: 'mac', message: 'mac must be text, not an object' },
      {
        line: 2,
        column: 'attr:floor',
        message: 'attr:floor must be text, not a number (write it in quotes: "3")',
        value: '3',
      },
    ]);
    expect(result.rows).toEqual([]);
  });

  test('a __proto__ attribute key is refused', () => {
    expect(parseDeviceList('[{"name":"A","attributes":{"__proto__":"x"}}]', 'json').problems).toEqual([
      { line: 1, column: 'attributes', message: "attribute key '__proto__' is reserved", value: '__proto__' },
    ]);
  });

  test('attributes must be an object', () => {
    expect(json([{ name: 'A', attributes: ['x'] }]).problems).toEqual([
      { line: 1, column: 'attributes', message: 'attributes must be an object like {"floor": "3"}, not a list' },
    ]);
  });

  test('a key repeated in another case, or an attribute given both ways, is a problem', () => {
    expect(
      json([
        { name: 'A', NAME: 'B' },
        { name: 'C', attributes: { floor: '1' }, 'attr:floor': '2' },
      ]).problems,
    ).toEqual([
      { line: 1, column: 'name', message: "key 'NAME' repeats 'name' (keys are case-insensitive)" },
      {
        line: 2,
        column: 'attr:floor',
        message: "attribute 'floor' is given twice ('attributes.floor' and 'attr:floor')",
      },
    ]);
  });

  test('any other key becomes an attribute under its own name, as the help text says', () => {
    const result = json([{ name: 'A' }, { name: 'B', colour: 'red' }, { name: 'C', colour: 'blue' }]);
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.attributes)).toEqual([{}, { colour: 'red' }, { colour: 'blue' }]);
  });

  test('JSON that does not parse is one problem on line 0 with the text position', () => {
    expect(parseDeviceList('[\n  {"name": "A"},\n  {"name" "B"}\n]', 'json').problems).toEqual([
      {
        line: 0,
        column: null,
        message: "the file is not valid JSON: expected ':' after property name (line 3, column 11)",
      },
    ]);
    expect(parseDeviceList('[{"name": "A"}', 'json').problems[0]?.message).toMatch(/^the file is not valid JSON: /);
  });

  test('a document of the wrong shape is one problem on line 0', () => {
    const message = 'the JSON must be a list of devices ([{"name": "…"}, …]) or an object with a "devices" list';
    expect(json({ name: 'A' }).problems).toEqual([{ line: 0, column: null, message }]);
    expect(json('A').problems).toEqual([{ line: 0, column: null, message }]);
  });

  test('a BOM before the JSON is fine', () => {
    expect(parseDeviceList('\uFEFF[{"name":"A"}]', 'auto').rows).toEqual([{ line: 1, name: 'A', attributes: {} }]);
  });
});

import { describe, expect, test } from 'vitest';
import { CsvParser, detectDelimiter, parseCsv } from '../../electron/station/import/csv.ts';

const lines = (text: string) => parseCsv(text).records.map((r) => [r.line, ...r.fields]);

describe('parseCsv', () => {
  test('reads a plain comma file with 1-based starting lines', () => {
    expect(parseCsv('name,mac\nPump-1,AA\nPump-2,BB\n')).toEqual({
      delimiter: ',',
      records: [
        { line: 1, fields: ['name', 'mac'] },
        { line: 2, fields: ['Pump-1', 'AA'] },
        { line: 3, fields: ['Pump-2', 'BB'] },
      ],
      error: null,
    });
  });

  test('strips a UTF-8 BOM', () => {
    expect(lines('\uFEFFname,mac\nA,B')).toEqual([
      [1, 'name', 'mac'],
      [2, 'A', 'B'],
    ]);
  });

  test('reads CRLF, LF and lone-CR line ends alike', () => {
    expect(lines('name,mac\r\nA,1\r\nB,2\nC,3\rD,4')).toEqual([
      [1, 'name', 'mac'],
      [2, 'A', '1'],
      [3, 'B', '2'],
      [4, 'C', '3'],
      [5, 'D', '4'],
    ]);
  });

  test('ignores trailing empty lines and skips blank lines in between without losing the count', () => {
    expect(lines('name\nA\n\n\nB\n\r\n\n')).toEqual([
      [1, 'name'],
      [2, 'A'],
      [5, 'B'],
    ]);
  });

  test('keeps an empty last field after a trailing delimiter', () => {
    expect(lines('a,b\n1,')).toEqual([
      [1, 'a', 'b'],
      [2, '1', ''],
    ]);
  });

  test('quoted fields hold delimiters, doubled quotes and empty strings', () => {
    expect(lines('name,label\n"Pump, north","say ""hi"""\n"",x')).toEqual([
      [1, 'name', 'label'],
      [2, 'Pump, north', 'say "hi"'],
      [3, '', 'x'],
    ]);
  });

  test('a quoted field may span lines; the next record starts on the right physical line', () => {
    const text = 'name,label\nA,"first\nsecond"\nB,"one\r\ntwo\r\nthree"\r\nC,x\n';
    expect(lines(text)).toEqual([
      [1, 'name', 'label'],
      [2, 'A', 'first\nsecond'],
      [4, 'B', 'one\r\ntwo\r\nthree'],
      [7, 'C', 'x'],
    ]);
  });

  test('a quote inside an unquoted field is an ordinary character', () => {
    expect(lines('name,label\nA,5" screen')).toEqual([
      [1, 'name', 'label'],
      [2, 'A', '5" screen'],
    ]);
  });

  test('text after a closing quote marks the record malformed but keeps reading', () => {
    const { records, error } = parseCsv('name,label\n"Pump "A" 1",x\nB,y');
    expect(error).toBeNull();
    expect(records[1]).toEqual({
      line: 2,
      fields: ['Pump A" 1"', 'x'],
      malformed: {
        field: 0,
        message: 'text follows the closing quote of this value; write a quote inside a quoted value as two quotes ("")',
      },
    });
    expect(records[2]).toEqual({ line: 3, fields: ['B', 'y'] });
  });

  test('spaces after a closing quote are harmless', () => {
    expect(parseCsv('a,b\n"x" ,y').records[1]).toEqual({ line: 2, fields: ['x ', 'y'] });
  });

  test('an unterminated quote is an error at the line of the opening quote; earlier records survive', () => {
    const { records, error } = parseCsv('name,label\nA,x\nB,"multi\nline\nC,z\n');
    expect(records.map((r) => r.line)).toEqual([1, 2]);
    expect(error).toEqual({
      line: 3,
      field: 1,
      message:
        'a quoted value starts on this line but its closing quote (") is missing, so the rest of the file was read as one value',
    });
  });

  test('the error line is the quote line, not the record start, when an earlier field spans lines', () => {
    const { error } = parseCsv('a,b,c\n"x\ny",z,"open\n');
    expect(error?.line).toBe(3);
    expect(error?.field).toBe(2);
  });

  test('an empty file has no records and no error', () => {
    expect(parseCsv('')).toEqual({ delimiter: ',', records: [], error: null });
    expect(parseCsv('\uFEFF\r\n\n')).toEqual({ delimiter: ',', records: [], error: null });
  });
});

describe('delimiter', () => {
  test('detects semicolon and tab from the header', () => {
    expect(parseCsv('name;mac;label\nA;B;C').delimiter).toBe(';');
    expect(lines('name;label\n"Pump; 1";a,b')).toEqual([
      [1, 'name', 'label'],
      [2, 'Pump; 1', 'a,b'],
    ]);
    expect(parseCsv('name\tmac\nA\tB').delimiter).toBe('\t');
    expect(lines('name\tlabel\nA\tx, y; z')).toEqual([
      [1, 'name', 'label'],
      [2, 'A', 'x, y; z'],
    ]);
  });

  test('counts only outside quotes, and only on the header line', () => {
    expect(detectDelimiter('"a,b,c";name;mac\nx,y,z,w,v', true)).toBe(';');
  });

  test('skips leading blank lines to find the header', () => {
    expect(detectDelimiter('\r\n\nname;mac\n', true)).toBe(';');
  });

  test('ties go to comma, then semicolon, then tab', () => {
    expect(detectDelimiter('name', true)).toBe(',');
    expect(detectDelimiter('name;attr:a,b', true)).toBe(',');
    expect(detectDelimiter('name\tattr:a;b', true)).toBe(';');
  });

  test('waits for the end of the header line when more text may come', () => {
    expect(detectDelimiter('name;ma', false)).toBeNull();
    expect(detectDelimiter('name;ma', true)).toBe(';');
  });

  test('an explicit delimiter skips detection', () => {
    expect(parseCsv('name,x;y\nA,B;C', { delimiter: ';' }).records[1]?.fields).toEqual(['A,B', 'C']);
  });

  test("Excel's sep= line sets the delimiter and is not a record", () => {
    expect(parseCsv('sep=;\nname,x;mac\nA,B;C')).toEqual({
      delimiter: ';',
      records: [
        { line: 2, fields: ['name,x', 'mac'] },
        { line: 3, fields: ['A,B', 'C'] },
      ],
      error: null,
    });
  });
});

describe('CsvParser in chunks', () => {
  const text = '\uFEFFname;label;mac\r\n"Pump; ""A""";"two\r\nlines";aa:bb\r\nB;;\rC;"x"\n\n"unterminated;\nD;1;2';

  test.each([text, 'sep=\t\r\nname,x\tmac\r\n"a\tb"\t"c"\r\n', 'name,label\n"x"y,z\n'])(
    'every split into two chunks gives the same result as one string: %j',
    (sample) => {
      const whole = parseCsv(sample);
      for (let cut = 0; cut <= sample.length; cut++) {
        const parser = new CsvParser();
        const records = [...parser.push(sample.slice(0, cut)), ...parser.end(sample.slice(cut))];
        expect({ delimiter: parser.delimiter, records, error: parser.error }, `cut at ${cut}`).toEqual(whole);
      }
    },
  );

  test('one character at a time gives the same result as one string', () => {
    const parser = new CsvParser();
    const records = [...text].flatMap((c) => parser.push(c));
    records.push(...parser.end());
    expect({ delimiter: parser.delimiter, records, error: parser.error }).toEqual(parseCsv(text));
  });

  test('push returns the records each chunk completes', () => {
    const parser = new CsvParser();
    expect(parser.push('name,mac\nA,')).toEqual([{ line: 1, fields: ['name', 'mac'] }]);
    expect(parser.push('1\nB')).toEqual([{ line: 2, fields: ['A', '1'] }]);
    expect(parser.end(',2')).toEqual([{ line: 3, fields: ['B', '2'] }]);
  });
});

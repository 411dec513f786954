import type { DeviceColumn, ImportProblem } from '../../../shared/import.ts';
import { attributeColumnPrefix, deviceColumns, maxTextLength } from '../../../shared/import-limits.ts';
import type { CsvRecord } from './csv.ts';
import { controlCharacterProblem, lengthProblem } from './text.ts';
import type { RawDevice } from './validate.ts';

/** What a CSV column or a JSON key feeds. */
export type ColumnTarget =
  | { kind: 'field'; field: DeviceColumn }
  | { kind: 'attribute'; key: string }
  /** Reported once at the header (unknown, duplicate, `attr:` without a key); its values are not read. */
  | { kind: 'ignored' }
  /** An empty header cell: harmless while its cells are empty too, which is how spreadsheets pad rows. */
  | { kind: 'blank' };

export type KnownColumn = Extract<ColumnTarget, { kind: 'field' | 'attribute' }>;

export interface HeaderMap {
  line: number;
  targets: ColumnTarget[];
  /** Per column, the name problems use: canonical when recognised, else as written (trimmed). */
  names: string[];
  /** Recognised columns in file order, canonical spelling (`clientId`, `attr:Floor`). */
  columns: string[];
  hasName: boolean;
  problems: ImportProblem[];
}

const fieldByLowerName = new Map<string, DeviceColumn>(deviceColumns.map((c) => [c.toLowerCase(), c]));

/**
 * Canonical name of a column or key: case-insensitive for the fixed ones; an attribute key keeps its case. Any other
 * name is an attribute under that name, as the import's help text has always promised ("anything else becomes an
 * attribute"): a vendor's list with a "Floor" column imports without renaming it to `attr:Floor` first.
 */
export function resolveColumn(written: string): KnownColumn | { kind: 'emptyKey' } {
  const name = written.trim();
  const field = fieldByLowerName.get(name.toLowerCase());
  if (field) return { kind: 'field', field };
  if (name.slice(0, attributeColumnPrefix.length).toLowerCase() === attributeColumnPrefix) {
    const key = name.slice(attributeColumnPrefix.length).trim();
    return key === '' ? { kind: 'emptyKey' } : { kind: 'attribute', key };
  }
  return { kind: 'attribute', key: name };
}

/** Attribute keys become ThingsBoard attribute keys (at most 255 characters, shown in its UI). */
export function attributeKeyProblem(key: string): string | null {
  // Assigning it on a plain object would set the prototype instead of an attribute.
  if (key === '__proto__') return "attribute key '__proto__' is reserved";
  return lengthProblem('attribute key', key, maxTextLength) ?? controlCharacterProblem('attribute key', key);
}

export function columnName(target: KnownColumn): string {
  return target.kind === 'field' ? target.field : attributeColumnPrefix + target.key;
}

export function mapHeader(header: CsvRecord): HeaderMap {
  const map: HeaderMap = { line: header.line, targets: [], names: [], columns: [], hasName: false, problems: [] };
  const seen = new Map<string, number>();
  header.fields.forEach((cell, index) => {
    const written = cell.trim();
    const resolved = resolveColumn(written);
    const canonical = resolved.kind === 'field' || resolved.kind === 'attribute' ? columnName(resolved) : written;
    map.names.push(canonical);
    if (written === '') {
      map.targets.push({ kind: 'blank' });
      return;
    }
    if (resolved.kind === 'emptyKey') {
      const message = `column '${written}' needs an attribute key after '${attributeColumnPrefix}', e.g. ${attributeColumnPrefix}floor`;
      map.problems.push({ line: header.line, column: written, message });
      map.targets.push({ kind: 'ignored' });
      return;
    }
    const keyProblem = resolved.kind === 'attribute' ? attributeKeyProblem(resolved.key) : null;
    if (keyProblem) {
      map.problems.push({ line: header.line, column: written, message: keyProblem });
      map.targets.push({ kind: 'ignored' });
      return;
    }
    const first = seen.get(canonical);
    if (first !== undefined) {
      map.problems.push({
        line: header.line,
        column: canonical,
        message: `column '${canonical}' appears twice (columns ${first + 1} and ${index + 1})`,
      });
      map.targets.push({ kind: 'ignored' });
      return;
    }
    seen.set(canonical, index);
    map.targets.push(resolved);
    map.columns.push(canonical);
    if (resolved.kind === 'field' && resolved.field === 'name') map.hasName = true;
  });
  if (!map.hasName) {
    const found = map.columns.length > 0 ? ` (found: ${map.columns.join(', ')})` : '';
    map.problems.push({ line: header.line, column: null, message: `the header has no 'name' column${found}` });
  }
  if (header.malformed) map.problems.push(malformedProblem(header, map.names));
  return map;
}

/** A data record as raw device values; null for a row whose cells are all blank (spreadsheet padding). */
export function recordToDevice(record: CsvRecord, header: HeaderMap): RawDevice | null {
  const { fields } = record;
  let blank = true;
  for (const field of fields) {
    if (field.trim() !== '') {
      blank = false;
      break;
    }
  }
  if (blank) return null;

  const device: RawDevice = { line: record.line, values: {}, attributes: {}, problems: [] };
  const width = header.targets.length;
  for (let i = 0; i < fields.length && i < width; i++) {
    const target = header.targets[i]!;
    const value = fields[i]!;
    if (target.kind === 'field') device.values[target.field] = value;
    else if (target.kind === 'attribute') device.attributes[target.key] = value;
    else if (target.kind === 'blank' && value.trim() !== '') {
      device.problems.push({
        line: record.line,
        column: null,
        message: `column ${i + 1} has a value but no header`,
        value,
      });
    }
  }
  // A row with fewer values than the header lost a separator (or a value) on the way: every value after the gap
  // would land in the wrong column without a word. Spreadsheets write every row to the header's width.
  let needed = width;
  while (needed > 0 && header.targets[needed - 1]!.kind === 'blank') needed--;
  if (fields.length < needed) {
    device.problems.push({
      line: record.line,
      column: header.names[fields.length] || null,
      message: `this row has ${fields.length} ${fields.length === 1 ? 'value' : 'values'} but the header has ${width} columns`,
    });
  }
  // Trailing empty cells beyond the header are padding (Excel keeps them once any cell to the right was touched).
  for (let i = width; i < fields.length; i++) {
    if (fields[i]!.trim() !== '') {
      device.problems.push({
        line: record.line,
        column: null,
        message: `this row has ${fields.length} values but the header has ${width} columns`,
      });
      break;
    }
  }
  if (record.malformed) device.problems.push(malformedProblem(record, header.names));
  return device;
}

function malformedProblem(record: CsvRecord, names: string[]): ImportProblem {
  const { field, message } = record.malformed!;
  return { line: record.line, column: names[field] || null, message, value: record.fields[field] };
}

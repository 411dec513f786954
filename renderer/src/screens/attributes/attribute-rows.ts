import { getIntl } from '../../i18n/intl.ts';
import { parseAttributeValue } from '../../../../shared/attributes.ts';

/** One row of the editor as typed: the key and the value's text. */
export interface AttributeRow {
  id: number;
  key: string;
  text: string;
}

// ThingsBoard caps attribute keys at 255 characters (AttributeKvEntity key column), as shared/attributes.ts does.
const maxKeyLength = 255;

/**
 * How a value is written in the editor so that reading it back gives the same value: a string as itself unless it
 * would read as JSON (then quoted, so "42" stays a string), anything else as JSON.
 */
export function valueText(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return parseAttributeValue(value) === value ? value : JSON.stringify(value);
}

/** A row's value in words for a screen reader and the type hint: number, boolean, object… */
export function valueKind(text: string): string {
  const value = parseAttributeValue(text);
  const intl = getIntl();
  if (value === null) return intl.formatMessage({ id: 'attributes.kind.null', defaultMessage: 'null (removes the key)' });
  if (Array.isArray(value)) return intl.formatMessage({ id: 'attributes.kind.list', defaultMessage: 'list' });
  if (typeof value === 'object') return intl.formatMessage({ id: 'attributes.kind.object', defaultMessage: 'object' });
  if (typeof value === 'number') return intl.formatMessage({ id: 'attributes.kind.number', defaultMessage: 'number' });
  if (typeof value === 'boolean') return intl.formatMessage({ id: 'attributes.kind.boolean', defaultMessage: 'boolean' });
  return intl.formatMessage({ id: 'attributes.kind.string', defaultMessage: 'string' });
}

let nextId = 1;
export const newRow = (key = '', text = ''): AttributeRow => ({ id: nextId++, key, text });

export function rowsOf(values: Record<string, unknown>): AttributeRow[] {
  return Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => newRow(key, valueText(value)));
}

/** The problem with each row's key, by row id, in plain words; empty when all are fine. */
export function keyProblems(rows: readonly AttributeRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  const intl = getIntl();
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '') problems.set(row.id, intl.formatMessage({ id: 'attributes.nameMissing', defaultMessage: 'Give the attribute a name.' }));
    else if (key.length > maxKeyLength) {
      problems.set(
        row.id,
        intl.formatMessage({ id: 'attributes.nameLong', defaultMessage: 'A name is at most {max, number} characters (this one has {length, number}).' }, { max: maxKeyLength, length: key.length }),
      );
    } else if (seen.has(key)) problems.set(row.id, intl.formatMessage({ id: 'attributes.nameTaken', defaultMessage: '“{key}” is already in the list.' }, { key }));
    seen.add(key);
  }
  return problems;
}

/** What to send to `attributes.set`: new and changed keys with their values, removed keys as null. */
export function changesOf(authored: Record<string, unknown>, rows: readonly AttributeRow[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const kept = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    kept.add(key);
    const value = parseAttributeValue(row.text);
    if (!(key in authored) || JSON.stringify(authored[key]) !== JSON.stringify(value)) changes[key] = value;
  }
  for (const key of Object.keys(authored)) if (!kept.has(key)) changes[key] = null;
  return changes;
}

/** A value on screen: text as itself, anything else as JSON. */
export const displayValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

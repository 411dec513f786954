import { describe, expect, it } from 'vitest';
import { changesOf, keyProblems, newRow, rowsOf, valueText } from '../../renderer/src/screens/attributes/attribute-rows.ts';
import { parseAttributeValue } from '../../shared/attributes.ts';

describe('the shared attributes editor rows', () => {
  it('reads values as the CLI does: JSON when it parses, else text', () => {
    expect(parseAttributeValue('42')).toBe(42);
    expect(parseAttributeValue('true')).toBe(true);
    expect(parseAttributeValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseAttributeValue('eco mode')).toBe('eco mode');
    expect(parseAttributeValue('"42"')).toBe('42');
  });

  it('writes each value so that reading it back gives the same value, a numeric string included', () => {
    for (const value of [42, 'eco', '42', 'true', true, { a: [1, 'x'] }, '', 'null']) {
      expect(parseAttributeValue(valueText(value))).toEqual(value);
    }
    expect(valueText('eco')).toBe('eco');
    expect(valueText('42')).toBe('"42"');
  });

  it('sends only what changed: new and changed keys, removed keys as null', () => {
    const authored = { interval: 60, mode: 'eco', old: true };
    const rows = rowsOf(authored).filter((r) => r.key !== 'old');
    rows[0]!.text = '30';
    rows.push(newRow('site', 'north'));
    expect(changesOf(authored, rows)).toEqual({ interval: 30, site: 'north', old: null });
    expect(changesOf(authored, rowsOf(authored))).toEqual({});
  });

  it('names the problem with a key in words', () => {
    const rows = [newRow('', '1'), newRow('a', '1'), newRow(' a ', '2'), newRow('k'.repeat(256), '3')];
    expect([...keyProblems(rows).values()]).toEqual([
      'Give the attribute a name.',
      '“a” is already in the list.',
      'A name is at most 255 characters (this one has 256).',
    ]);
  });
});

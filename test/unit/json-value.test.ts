import { describe, expect, it } from 'vitest';
import { isJsonValue, JsonValue } from '../../shared/attributes.ts';

describe('JsonValue', () => {
  it('accepts what JSON.parse can give and refuses what JSON cannot carry', () => {
    expect(isJsonValue(JSON.parse('{"a":[1,-2.5,"x",true,null,{"b":{}}],"c":[]}'))).toBe(true);
    expect(isJsonValue(Object.create(null))).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, new Date(0), new Map(), 1n, Symbol('s'), { a: [1, { b: undefined }] }]) {
      expect(isJsonValue(bad), String(typeof bad)).toBe(false);
    }
    expect(JsonValue.safeParse({ a: [Number.NaN] }).success).toBe(false);
  });

  it('walks 100,000 levels of nesting without running out of stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(isJsonValue(deep)).toBe(true);
  });
});

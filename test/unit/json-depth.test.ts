import { describe, expect, it } from 'vitest';
import { depthScanner, nestsDeeperThan } from '../../electron/station/net/json-depth.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

// Texts whose answer turns on the details: brackets inside strings, escaped quotes and backslashes.
const cases: [text: string, deeperThan3: boolean][] = [
  ['[[[1]]]', false],
  ['[[[[1]]]]', true],
  ['{"a":[{"b":[1]}]}', true],
  ['["[[[[[[", "]]]"]', false],
  ['["\\"[[[[", 1]', false],
  ['["\\\\", [[[1]]]]', true],
  ['["\\\\\\"[[[[[["]', false],
  ['[[["}}}}]]]"]]]', false],
];

describe('JSON nesting depth', () => {
  it('answers the same whole and fed in two pieces at every split point (escapes cut between chunks included)', () => {
    for (const [text, deeper] of cases) {
      const all = bytes(text);
      expect(nestsDeeperThan(all, 3), text).toBe(deeper);
      for (let cut = 0; cut <= all.length; cut++) {
        const scan = depthScanner(3);
        const first = scan(all.subarray(0, cut));
        const second = scan(all.subarray(cut));
        expect(first || second, `${text} cut at ${cut}`).toBe(deeper);
      }
    }
  });

  it('fed one byte at a time, and keeps saying so once too deep', () => {
    for (const [text, deeper] of cases) {
      const scan = depthScanner(3);
      let seen = false;
      for (const b of bytes(text)) seen = scan(Uint8Array.of(b)) || seen;
      expect(seen, text).toBe(deeper);
      if (deeper) expect(scan(bytes('1'))).toBe(true);
    }
  });
});

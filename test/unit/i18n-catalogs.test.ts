import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// The ICU parser react-intl itself uses (a dependency of react-intl).
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { extractEnglish } from '../../scripts/pseudo-locale.mjs';

/*
 * The German catalogs against the code's English, as FormatJS's CLI extracts it: every message has a German text, no
 * German text is left over from a message that is gone, and each German text uses the same placeholders and tags, so
 * a count or a name is never dropped and a translation never breaks at run time.
 */

const catalogDir = join(process.cwd(), 'renderer/src/i18n/de');

function german(): Record<string, string> {
  const all: Record<string, string> = {};
  for (const file of readdirSync(catalogDir).filter((f) => f.endsWith('.json'))) {
    Object.assign(all, JSON.parse(readFileSync(join(catalogDir, file), 'utf8')) as Record<string, string>);
  }
  return all;
}

/** The argument names and tag names a message uses, sorted: what both languages must agree on. */
function slots(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(`{${e.value}}`);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(`{${e.value}}`);
      for (const option of Object.values(e.options)) slots(option.value, into);
    }
    if (e.type === TYPE.tag) {
      into.add(`<${e.value}>`);
      slots(e.children, into);
    }
  }
  return into;
}

describe('UI catalogs', () => {
  const english = extractEnglish();
  const de = german();

  it('has a German text for every message in the code, and none for messages that are gone', () => {
    expect(Object.keys(english).length).toBeGreaterThan(500);
    expect(Object.keys(english).filter((id) => !(id in de))).toEqual([]);
    expect(Object.keys(de).filter((id) => !(id in english))).toEqual([]);
  });

  it('uses the same placeholders and tags in German as in English', () => {
    const mismatched = Object.entries(english)
      .filter(([id]) => id in de)
      .map(([id, { defaultMessage }]) => ({ id, en: [...slots(parse(defaultMessage))].sort(), de: [...slots(parse(de[id]!))].sort() }))
      .filter((m) => m.en.join() !== m.de.join());
    expect(mismatched).toEqual([]);
  });
});

import { createTurns } from './loop-turns.ts';

/** Arrays up to this long, without anything long inside, are stringified whole: a small value costs one call. */
const wholeArray = 64;
/** Items of a long array stringified together in one piece. */
const itemsPerPiece = 256;
/** Strings longer than this are escaped in slices. */
const stringSlice = 256 * 1024;

/**
 * The JSON text of `value` in pieces: an item of a long array, a slice of a long string, so that whoever builds or
 * sends the text can stop between pieces (loop-turns.ts). Joined, the pieces are exactly JSON.stringify(value, null,
 * gap) (toJSON applied; undefined, functions and symbols dropped from objects and null in arrays). Only the top two
 * levels, long arrays and the objects holding them are walked; anything else is one JSON.stringify.
 */
export function* jsonPieces(value: unknown, gap = '', indent = '', key = '', depth = 0): Generator<string, void, undefined> {
  const v = hasToJson(value) ? value.toJSON(key) : value;
  if (typeof v === 'string' && v.length > stringSlice) return yield* stringPieces(v);
  const inner = indent + gap;
  const open = gap ? `\n${inner}` : '';
  if (Array.isArray(v) && v.length > 0 && (depth < 2 || v.length > wholeArray || holdsLong(v))) {
    yield '[';
    for (let i = 0; i < v.length; ) {
      // Items with nothing long inside go a run at a time, in one JSON.stringify: a piece per item made building a
      // bundle with 200,000 telemetry points six times slower than JSON.stringify, and millions of strings to collect.
      let end = i;
      while (end < v.length && end - i < itemsPerPiece && !isLong(v[end])) end++;
      if (end > i) {
        const items = JSON.stringify(v.slice(i, end), null, gap);
        // '[…]' or '[\n  …\n]' around the items: the items alone, indented to this depth.
        const body = gap ? items.slice(2, -2).replaceAll('\n', `\n${indent}`) : items.slice(1, -1);
        yield `${i > 0 ? ',' : ''}${gap ? `\n${indent}` : ''}${body}`;
        i = end;
        continue;
      }
      yield i > 0 ? `,${open}` : open;
      yield* jsonPieces(v[i], gap, inner, String(i), depth + 1);
      i++;
    }
    return yield `${gap ? `\n${indent}` : ''}]`;
  }
  if (isPlainObject(v) && (depth < 2 || holdsLong(Object.values(v)))) {
    let first = true;
    for (const k of Object.keys(v)) {
      const item = v[k];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      yield `${first ? '{' : ','}${open}${JSON.stringify(k)}:${gap ? ' ' : ''}`;
      first = false;
      yield* jsonPieces(item, gap, inner, k, depth + 1);
    }
    return yield first ? '{}' : `${gap ? `\n${indent}` : ''}}`;
  }
  const text = JSON.stringify(v, null, gap);
  // undefined only at the top (anywhere else the walk above dropped it); an API reply is never undefined.
  if (text === undefined) return yield 'null';
  yield gap && indent && text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text;
}

/** The same text as JSON.stringify(value, null, gap), built with turns of the event loop between pieces. */
export async function jsonText(value: unknown, gap = ''): Promise<string> {
  const turns = createTurns();
  const parts: string[] = [];
  for (const piece of jsonPieces(value, gap)) {
    parts.push(piece);
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return parts.join('');
}

function* stringPieces(text: string): Generator<string, void, undefined> {
  yield '"';
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + stringSlice, text.length);
    // Never between the two halves of a surrogate pair: each half alone would be escaped as \udXXX.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    yield JSON.stringify(text.slice(at, end)).slice(1, -1);
    at = end;
  }
  yield '"';
}

/** Walked rather than stringified whole: a long string or array, or an object holding one. */
function isLong(item: unknown): boolean {
  if (typeof item === 'string') return item.length > stringSlice;
  if (Array.isArray(item)) return item.length > wholeArray || holdsLong(item);
  return isPlainObject(item) && holdsLong(Object.values(item));
}

/** Holds a long array or a long string directly (a device with all its telemetry, a bundle with its text). */
function holdsLong(values: readonly unknown[]): boolean {
  for (const item of values) {
    if (Array.isArray(item) && item.length > wholeArray) return true;
    if (typeof item === 'string' && item.length > stringSlice) return true;
  }
  return false;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function hasToJson(value: unknown): value is { toJSON(key: string): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

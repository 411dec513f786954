import { mutateBytes } from './mutate-bytes.ts';
import type { Rng } from './rng.ts';

/**
 * Mutated JSON text from a valid template: type swaps, numbers at their limits, huge and odd strings (lone
 * surrogates, NUL, right-to-left marks), deep nesting, duplicate and prototype-polluting keys, and sometimes
 * byte-level damage so the text is no longer JSON at all. Written by its own serializer so duplicate keys and raw
 * number texts (2^53 + 1, 1e400) reach the server exactly.
 */
export interface JsonBudget {
  /** Largest string or nesting a mutation may add, in bytes. */
  maxBytes: number;
}

export function mutatedJson(rng: Rng, template: unknown, budget: JsonBudget): string {
  const mutations = rng.range(1, 3);
  let value: Node = toNode(template);
  for (let i = 0; i < mutations; i++) value = mutateSomewhere(rng, value, budget);
  // Mutations compound (a repeated node that is itself nested thousands deep): cut the text at a bound, so no input
  // is ever larger than a few times the budget. A cut text is simply not JSON any more.
  const text = serialize(value, budget.maxBytes * 4 + 4096);
  if (rng.chance(0.15)) return mutateBytes(rng, Buffer.from(text), budget.maxBytes * 2).toString('latin1');
  return text;
}

type Node =
  | { kind: 'raw'; text: string }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; entries: [string, Node][] };

function toNode(value: unknown): Node {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toNode) };
  if (value !== null && typeof value === 'object') return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, toNode(v)]) };
  return { kind: 'raw', text: JSON.stringify(value ?? null) };
}

function serialize(node: Node, maxChars: number): string {
  // Iterative: a mutation may nest thousands deep.
  const out: string[] = [];
  let size = 0;
  const stack: (Node | string)[] = [node];
  while (stack.length && size < maxChars) {
    const item = stack.pop()!;
    const text = typeof item === 'string' ? item : item.kind === 'raw' ? item.text : null;
    if (text !== null) {
      out.push(text);
      size += text.length;
    }
    if (typeof item === 'string' || item.kind === 'raw') continue;
    if (item.kind === 'array') {
      stack.push(']');
      for (let i = item.items.length - 1; i >= 0; i--) {
        stack.push(item.items[i]!);
        if (i > 0) stack.push(',');
      }
      out.push('[');
      size++;
    } else {
      stack.push('}');
      for (let i = item.entries.length - 1; i >= 0; i--) {
        const [k, v] = item.entries[i]!;
        stack.push(v, `${JSON.stringify(k)}:`);
        if (i > 0) stack.push(',');
      }
      out.push('{');
      size++;
    }
  }
  return out.join('').slice(0, maxChars);
}

/** Replaces the root or one random descendant with a mutated version of it. */
function mutateSomewhere(rng: Rng, root: Node, budget: JsonBudget): Node {
  if (rng.chance(0.25)) return mutateNode(rng, root, budget);
  let node = root;
  for (let depth = 0; depth < 8; depth++) {
    const children = node.kind === 'array' ? node.items : node.kind === 'object' ? node.entries.map((e) => e[1]) : [];
    if (children.length === 0) break;
    const i = rng.int(children.length);
    const child = children[i]!;
    if (rng.chance(0.4) || child.kind === 'raw') {
      const mutated = mutateNode(rng, child, budget);
      if (node.kind === 'array') node.items[i] = mutated;
      else if (node.kind === 'object') node.entries[i] = [node.entries[i]![0], mutated];
      return root;
    }
    node = child;
  }
  return mutateNode(rng, root, budget);
}

function mutateNode(rng: Rng, node: Node, budget: JsonBudget): Node {
  switch (rng.int(7)) {
    case 0:
      return { kind: 'raw', text: rng.pick(limitNumbers) };
    case 1:
      return { kind: 'raw', text: JSON.stringify(oddString(rng, budget)) };
    case 2:
      return { kind: 'raw', text: rng.pick(['null', 'true', 'false', '""', '[]', '{}', '0', '"0"']) };
    case 3:
      return nest(rng, node, budget);
    case 4:
      if (node.kind === 'object') return mutateKeys(rng, node, budget);
      return { kind: 'object', entries: [['value', node]] };
    case 5:
      return node.kind === 'array' ? { kind: 'array', items: repeat(rng, node.items, budget) } : { kind: 'array', items: [node] };
    default:
      return { kind: 'raw', text: rng.pick(rawTexts) };
  }
}

const limitNumbers = [
  '0', '-0', '1', '-1', '0.1', '1e308', '-1e308', '1e400', '-1e400', '5e-324', '1e-400', '9007199254740991',
  '9007199254740993', '-9007199254740993', '18446744073709551616', '2147483648', '-2147483649', '4294967296',
  '123456789012345678901234567890', '1.7976931348623157e308', '0.000000000000000000000000000001', '1E+2', '-0.0',
];
// Not JSON at all, or JSON that trips naive code: the server must answer 400, never crash.
const rawTexts = ['NaN', 'Infinity', 'undefined', "'x'", '01', '1.', '.5', '+1', '0x10', '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '[', '{', '}', '"', '', ' '];

const oddPieces = ['\u0000', '\ud800', '\udc00', '😀', '\u202e', '\u200b', '\ufeff', 'é', '\u0301', '"', '\\', '\n', '\r', '/', '%00', '%', '../', '<script>', "'", '\u2028', '𝕏', '\uffff', '$', '__proto__'];

function oddString(rng: Rng, budget: JsonBudget): string {
  if (rng.chance(0.2)) {
    const size = rng.chance(0.5) ? rng.range(256, 4096) : rng.range(1, budget.maxBytes);
    return rng.pick(['A', 'é', '😀', '\u0000']).repeat(Math.max(1, Math.floor(size / 4)));
  }
  const parts: string[] = [];
  const n = rng.range(0, 12);
  for (let i = 0; i < n; i++) parts.push(rng.chance(0.5) ? rng.pick(oddPieces) : String.fromCharCode(rng.int(0x10000)));
  return parts.join('');
}

function nest(rng: Rng, node: Node, budget: JsonBudget): Node {
  const depth = rng.chance(0.3) ? rng.range(500, Math.min(20_000, Math.floor(budget.maxBytes / 2))) : rng.range(2, 64);
  let out = node;
  const asArray = rng.chance(0.5);
  for (let i = 0; i < depth; i++) out = asArray ? { kind: 'array', items: [out] } : { kind: 'object', entries: [['a', out]] };
  return out;
}

function mutateKeys(rng: Rng, node: Extract<Node, { kind: 'object' }>, budget: JsonBudget): Node {
  const entries = [...node.entries];
  switch (rng.int(5)) {
    case 0: // duplicate a key with another value: JSON.parse keeps the last
      if (entries.length) {
        const [k] = rng.pick(entries);
        entries.push([k, { kind: 'raw', text: rng.pick(['1', 'null', '"dup"', '{}', '[]']) }]);
      }
      break;
    case 1:
      if (entries.length) entries.splice(rng.int(entries.length), 1);
      break;
    case 2:
      entries.push([rng.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'ts', 'values']), { kind: 'raw', text: rng.pick(['{}', '{"isAdmin":true}', 'null', '1', '"x"']) }]);
      break;
    case 3: {
      // Many keys: wide objects.
      const n = rng.range(10, Math.min(5000, Math.floor(budget.maxBytes / 12)));
      for (let i = 0; i < n; i++) entries.push([`k${i}`, { kind: 'raw', text: String(i) }]);
      break;
    }
    default:
      entries.push([oddString(rng, { maxBytes: 64 }), { kind: 'raw', text: '"v"' }]);
  }
  return { kind: 'object', entries };
}

function repeat(rng: Rng, items: Node[], budget: JsonBudget): Node[] {
  const n = rng.range(2, Math.min(5000, Math.floor(budget.maxBytes / 8)));
  const item = items.length ? rng.pick(items) : ({ kind: 'raw', text: '0' } as Node);
  return Array<Node>(n).fill(item);
}

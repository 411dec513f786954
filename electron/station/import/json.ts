import type { DeviceColumn, ImportProblem } from '../../../shared/import.ts';
import { attributeColumnPrefix } from '../../../shared/import-limits.ts';
import { attributeKeyProblem, columnName, resolveColumn } from './columns.ts';
import type { RawDevice } from './validate.ts';

/**
 * A device list in JSON: `[{…}, …]` or `{"devices": [{…}, …]}` (other top-level keys are ignored, so an export
 * may carry a version or a date). Each element takes the CSV column names as keys, case-insensitively, with
 * attributes either as `attr:<key>` keys or nested under `attributes`.
 *
 * JSON has no meaningful line numbers once pretty-printers and minifiers are involved, so a problem's `line` is the
 * element's 1-based position in the device list (the first device is 1); 0 means the whole document.
 */
export interface JsonDevices {
  devices: RawDevice[];
  problems: ImportProblem[];
  /** Keys seen, canonical (`clientId`, `attr:Floor`), in order of first appearance. */
  columns: string[];
}

const shapeHint = 'a list of devices ([{"name": "…"}, …]) or an object with a "devices" list';

export function readJsonDevices(text: string): JsonDevices {
  const out: JsonDevices = { devices: [], problems: [], columns: [] };
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    out.problems.push({ line: 0, column: null, message: syntaxMessage(source, error) });
    return out;
  }
  const list = Array.isArray(document) ? document : isObject(document) ? document['devices'] : undefined;
  if (!Array.isArray(list)) {
    out.problems.push({ line: 0, column: null, message: `the JSON must be ${shapeHint}` });
    return out;
  }

  const columns = new Set<string>();
  // Keys repeat on every element: resolve each distinct key once.
  const plans = new Map<string, KeyPlan>();
  // A stray key is usually on every element; one problem says it, 10,000 would bury everything else.
  const reportedKeys = new Set<string>();
  for (let index = 0; index < list.length; index++) {
    const element: unknown = list[index];
    const line = index + 1;
    if (!isObject(element)) {
      const message = `device ${line} is ${describeType(element)}, not an object like {"name": "…"}`;
      out.problems.push({ line, column: null, message });
      continue;
    }
    const device: RawDevice = { line, values: {}, attributes: {}, problems: [] };
    const taken = new Taken(device, columns);
    for (const key in element) {
      const value = element[key];
      let plan = plans.get(key);
      if (plan === undefined) {
        plan = planKey(key);
        plans.set(key, plan);
      }
      if (plan.kind === 'bad') {
        if (!reportedKeys.has(key)) {
          reportedKeys.add(key);
          out.problems.push({ line, column: key, message: plan.message });
        }
      } else if (plan.kind === 'attributes') {
        readNestedAttributes(value, taken);
      } else {
        const text = taken.take(plan.canonical, key, value);
        if (text === undefined) continue;
        if (plan.kind === 'field') device.values[plan.field] = text;
        else device.attributes[plan.key] = text;
      }
    }
    out.devices.push(device);
  }
  out.columns = [...columns];
  return out;
}

type KeyPlan =
  | { kind: 'field'; field: DeviceColumn; canonical: string }
  | { kind: 'attribute'; key: string; canonical: string }
  | { kind: 'attributes' }
  | { kind: 'bad'; message: string };

function planKey(key: string): KeyPlan {
  if (key.trim().toLowerCase() === 'attributes') return { kind: 'attributes' };
  const resolved = resolveColumn(key);
  if (resolved.kind === 'emptyKey') {
    const example = `${attributeColumnPrefix}floor`;
    return {
      kind: 'bad',
      message: `key '${key}' needs an attribute key after '${attributeColumnPrefix}', e.g. ${example}`,
    };
  }
  if (resolved.kind === 'field') return { kind: 'field', field: resolved.field, canonical: resolved.field };
  const keyProblem = attributeKeyProblem(resolved.key);
  if (keyProblem) return { kind: 'bad', message: keyProblem };
  return { kind: 'attribute', key: resolved.key, canonical: columnName(resolved) };
}

/** The keys one element has given so far, to catch one given twice ("Name" after "name"); checks each value's type. */
class Taken {
  readonly device: RawDevice;
  readonly #columns: Set<string>;
  readonly #canonical: string[] = [];
  readonly #written: string[] = [];

  constructor(device: RawDevice, columns: Set<string>) {
    this.device = device;
    this.#columns = columns;
  }

  /** The value as text, or undefined after reporting why it cannot be used. */
  take(canonical: string, written: string, value: unknown): string | undefined {
    const { line, problems } = this.device;
    const repeat = this.#canonical.indexOf(canonical);
    if (repeat !== -1) {
      const previous = this.#written[repeat];
      const message = canonical.startsWith(attributeColumnPrefix)
        ? `attribute '${canonical.slice(attributeColumnPrefix.length)}' is given twice ('${previous}' and '${written}')`
        : `key '${written}' repeats '${previous}' (keys are case-insensitive)`;
      problems.push({ line, column: canonical, message });
      return undefined;
    }
    this.#canonical.push(canonical);
    this.#written.push(written);
    if (typeof value === 'string') {
      this.#columns.add(canonical);
      return value;
    }
    // Exports write absent values as null.
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'number' || typeof value === 'boolean') {
      // Serials and tokens such as 00123 or 1e5 change when read as numbers, so they are not converted.
      const message = `${canonical} must be text, not ${describeType(value)} (write it in quotes: "${value}")`;
      problems.push({ line, column: canonical, message, value: String(value) });
    } else {
      problems.push({ line, column: canonical, message: `${canonical} must be text, not ${describeType(value)}` });
    }
    return undefined;
  }
}

function readNestedAttributes(value: unknown, taken: Taken): void {
  if (value === null) return;
  const { device } = taken;
  const { line } = device;
  if (!isObject(value)) {
    const message = `attributes must be an object like {"floor": "3"}, not ${describeType(value)}`;
    device.problems.push({ line, column: 'attributes', message });
    return;
  }
  for (const rawKey in value) {
    const key = rawKey.trim();
    const keyProblem = key === '' ? 'attribute key is empty' : attributeKeyProblem(key);
    if (keyProblem) {
      device.problems.push({ line, column: 'attributes', message: keyProblem, value: rawKey });
      continue;
    }
    const text = taken.take(attributeColumnPrefix + key, `attributes.${rawKey}`, value[rawKey]);
    if (text !== undefined) device.attributes[key] = text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'true/false';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'text';
  return typeof value;
}

/** V8's message without its position, plus the line and column a text editor would show. */
function syntaxMessage(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw)?.[1];
  const offset = position !== undefined ? Number(position) : /end of JSON input/.test(raw) ? text.length : null;
  let reason = raw
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ after JSON at position \d+.*$/s, ' after the end')
    .replace(/^(Unexpected token '.+?'), ".*$/s, '$1');
  reason = reason.charAt(0).toLowerCase() + reason.slice(1);
  if (offset === null) return `the file is not valid JSON: ${reason}`;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `the file is not valid JSON: ${reason} (line ${line}, column ${offset - lineStart + 1})`;
}

import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LabelInput } from '../../electron/station/labels/layout.ts';
import { encodeQr } from '../../electron/station/labels/qr.ts';
import { getTemplate } from '../../electron/station/labels/templates.ts';
import { LabelTextError } from '../../electron/station/labels/text-check.ts';
import { zplLabel, zplLabels } from '../../electron/station/labels/zpl.ts';
import { CROCKFORD_ALPHABET, encodeJsonPayload, encodeTokenPayload, encodeUrlPayload, formatShortCode } from '../../shared/label-payload.ts';

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');

interface Field {
  origin: { command: 'FO' | 'FT'; x: number; y: number };
  format: string;
  data: string;
}

interface Format {
  width: number;
  length: number;
  fields: Field[];
}

/** Reads ZPL the way a printer would, for the commands we emit: ^FH hex escapes decoded as UTF-8. */
function parseFormats(zpl: string): Format[] {
  const blocks = zpl.match(/\^XA[\s\S]*?\^XZ/g) ?? [];
  expect(blocks.join('').replace(/\s/g, '')).toBe(zpl.replace(/\s/g, ''));
  return blocks.map((block) => {
    const commands = [...block.matchAll(/\^([A-Z][A-Z0-9@])([^^]*)/g)].map(([, name, args]) => ({ name: name!, args: args!.trim() }));
    const format: Format = { width: 0, length: 0, fields: [] };
    let origin: Field['origin'] | undefined;
    let fieldFormat = '';
    let hexIndicator: string | undefined;
    for (const { name, args } of commands) {
      if (name === 'PW') format.width = Number(args);
      else if (name === 'LL') format.length = Number(args);
      else if (name === 'FO' || name === 'FT') {
        const [x, y] = args.split(',').map(Number);
        origin = { command: name, x: x!, y: y! };
      } else if (name === 'BQ' || name === 'A0') fieldFormat = `${name}${args}`;
      else if (name === 'FH') hexIndicator = args || '_';
      else if (name === 'FD') {
        let data = args;
        if (hexIndicator) {
          const bytes: number[] = [];
          for (let i = 0; i < data.length; i++) {
            if (data[i] === hexIndicator) {
              bytes.push(Number.parseInt(data.slice(i + 1, i + 3), 16));
              i += 2;
            } else bytes.push(...Buffer.from(data[i]!));
          }
          data = Buffer.from(bytes).toString('utf8');
        }
        expect(origin, 'every field has an origin').toBeDefined();
        format.fields.push({ origin: origin!, format: fieldFormat, data });
        hexIndicator = undefined;
      }
    }
    return format;
  });
}

const tokenLabels = (count: number): LabelInput[] =>
  Array.from({ length: count }, (_, i) => ({ payload: encodeTokenPayload(crockford(10), crockford(16)), name: `Sensor ${i + 1}`, serial: `S${i}` }));

async function collect(generator: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const part of generator) out += part;
  return out;
}

describe('ZPL labels', () => {
  for (const [name, dpi, minModule] of [
    ['zebra-2x1', 203, 3],
    ['zebra-2x1', 300, 4],
    ['zebra-4x2', 203, 3],
    ['zebra-4x2', 300, 4],
  ] as const) {
    it(`${name} at ${dpi} dpi: one format per label with its payload in a QR that fits the label`, async () => {
      const t = getTemplate(name);
      const labels = tokenLabels(50);
      const formats = parseFormats(await collect(zplLabels(t, labels, { dpi })));
      expect(formats).toHaveLength(50);
      formats.forEach((format, i) => {
        const label = labels[i]!;
        expect(format.width).toBe(Math.round((t.pageMm.width * dpi) / 25.4));
        expect(format.length).toBe(Math.round((t.pageMm.height * dpi) / 25.4));
        const qr = format.fields.find((f) => f.format.startsWith('BQN,2,'));
        expect(qr, `label ${i} has a ^BQN field`).toBeDefined();
        expect(qr!.data).toBe(`MA,${label.payload}`);
        const module = Number(qr!.format.split(',')[2]);
        expect(module).toBeGreaterThanOrEqual(minModule);
        // Symbol plus its 4-module quiet zone on every side stays on the label.
        const span = encodeQr(label.payload).size * module;
        expect(qr!.origin.x - 4 * module).toBeGreaterThanOrEqual(0);
        expect(qr!.origin.y - 4 * module).toBeGreaterThanOrEqual(0);
        expect(qr!.origin.x + span + 4 * module).toBeLessThanOrEqual(format.width);
        expect(qr!.origin.y + span + 4 * module).toBeLessThanOrEqual(format.length);
        const text = format.fields.filter((f) => f.format.startsWith('A0N'));
        expect(text.map((f) => f.data)).toContain(formatShortCode(label.payload.slice(4, 14)));
        for (const field of text) {
          expect(field.origin.command).toBe('FT');
          expect(field.origin.x).toBeGreaterThanOrEqual(qr!.origin.x + span);
          expect(field.origin.y).toBeLessThanOrEqual(format.length);
        }
      });
    });
  }

  it('carries url and json payloads intact', async () => {
    const ports = { http: 8080, mqtt: 1883, coap: 5683 };
    const labels = [
      { payload: encodeUrlPayload('192.168.178.20', 8080, crockford(10)), name: 'Door' },
      { payload: encodeJsonPayload({ host: '192.168.178.20', ports, key: crockford(10), secret: crockford(16) }), name: 'Window' },
    ];
    const formats = parseFormats(await collect(zplLabels(getTemplate('zebra-4x2'), labels, { dpi: 203, ecc: 'Q' })));
    expect(formats.map((f) => f.fields.find((x) => x.format.startsWith('BQN'))!.data)).toEqual(labels.map((l) => `QA,${l.payload}`));
  });

  it('a name containing ZPL control characters prints as typed instead of breaking the format', () => {
    const name = 'Tank ^7 ~ b_2 Öl';
    const zpl = zplLabel(getTemplate('zebra-4x2'), { payload: encodeTokenPayload(crockford(10), null), name });
    const [format] = parseFormats(zpl);
    expect(format!.fields.map((f) => f.data)).toContain(name);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
  });

  it('sends Cyrillic and Greek names as UTF-8 (^CI28) for the printer font, and refuses scripts no label font has', async () => {
    const t = getTemplate('zebra-4x2');
    const zpl = zplLabel(t, { payload: encodeTokenPayload(crockford(10), null), name: 'Насос Ωμέγα 2' });
    expect(zpl).toContain('^CI28');
    expect(parseFormats(zpl)[0]!.fields.map((f) => f.data)).toContain('Насос Ωμέγα 2');

    const labels = [{ payload: encodeTokenPayload(crockford(10), null), name: 'ポンプ 2' }];
    expect(() => zplLabel(t, labels[0]!)).toThrow(LabelTextError);
    // The whole job is refused before its first format reaches the printer.
    const formats = zplLabels(t, [{ payload: encodeTokenPayload(crockford(10), null), name: 'Pump 1' }, ...labels]);
    await expect(formats.next()).rejects.toThrow(/^Device "ポンプ 2" cannot get a readable label: its name has characters the label font cannot print: "ポ" \(U\+30DD\)/);
  });

  it('moves everything by the printer offset, in dots', () => {
    const label = tokenLabels(1)[0]!;
    const t = getTemplate('zebra-2x1');
    const [plain] = parseFormats(zplLabel(t, label, { dpi: 203 }));
    const [nudged] = parseFormats(zplLabel(t, label, { dpi: 203, offsetMm: { x: 1, y: 0.5 } }));
    plain!.fields.forEach((field, i) => {
      expect(nudged!.fields[i]!.origin).toEqual({ ...field.origin, x: field.origin.x + 8, y: field.origin.y + 4 });
    });
  });

  it('refuses sheet templates and print heads the template was not laid out for', () => {
    const label = tokenLabels(1)[0]!;
    expect(() => zplLabel(getTemplate('avery-5160'), label)).toThrow(/sheet template/);
    expect(() => zplLabel(getTemplate('zebra-2x1'), label, { dpi: 600 })).toThrow(/203 or 300 dpi/);
  });
});

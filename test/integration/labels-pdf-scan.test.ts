import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelInput, OffsetMm } from '../../electron/station/labels/layout.ts';
import { renderLabelsPdf } from '../../electron/station/labels/pdf.ts';
import { getTemplate, type LabelTemplate } from '../../electron/station/labels/templates.ts';
import { CROCKFORD_ALPHABET, encodeJsonPayload, encodeTokenPayload, encodeUrlPayload } from '../../shared/label-payload.ts';

/*
 * The promise of a label sheet: every code on it scans, and scans as the device it was printed for.
 * Pages are rasterised with poppler at a printer-like resolution, cut into one tile per label from the
 * template geometry (zbarimg misses codes on a whole sheet), and every tile is decoded with zbar.
 */

const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-labels-scan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');

function batch(count: number, payload: (i: number) => string): LabelInput[] {
  return Array.from({ length: count }, (_, i) => ({
    payload: payload(i),
    name: `Soil probe ${i + 1}, greenhouse row ${(i % 12) + 1}`,
    serial: `SP-${String(100_000 + i)}`,
    batch: 'B-2025-03',
    site: 'Westland north',
  }));
}

const tokens = (count: number) => batch(count, () => encodeTokenPayload(crockford(10), crockford(16)));

interface Gray {
  width: number;
  height: number;
  pixels: Buffer;
}

function readPgm(file: string): Gray {
  const data = readFileSync(file);
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error(`${file} is not a binary PGM`);
  const [text, width, height] = header;
  return { width: Number(width), height: Number(height), pixels: data.subarray(text.length) };
}

function cropTile(page: Gray, x: number, y: number, width: number, height: number): Gray {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const w = Math.min(page.width, x + width) - left;
  const h = Math.min(page.height, y + height) - top;
  const tile = Buffer.alloc(w * h);
  for (let row = 0; row < h; row++) {
    const from = (top + row) * page.width + left;
    page.pixels.copy(tile, row * w, from, from + w);
  }
  return { width: w, height: h, pixels: tile };
}

function writePgm(image: Gray, file: string): void {
  writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${image.width} ${image.height}\n255\n`), image.pixels]));
}

/** Bounding box of dark pixels in the QR box's columns: on these layouts, that is the QR symbol alone. */
function darkBox(image: Gray, maxX: number, maxY: number): { left: number; top: number; right: number; bottom: number } {
  const box = { left: Number.POSITIVE_INFINITY, top: Number.POSITIVE_INFINITY, right: -1, bottom: -1 };
  for (let y = 0; y < Math.min(maxY, image.height); y++) {
    for (let x = 0; x < Math.min(maxX, image.width); x++) {
      if (image.pixels[y * image.width + x]! >= 128) continue;
      box.left = Math.min(box.left, x);
      box.top = Math.min(box.top, y);
      box.right = Math.max(box.right, x + 1);
      box.bottom = Math.max(box.bottom, y + 1);
    }
  }
  return box;
}

async function rasterise(pdf: string, dpi: number, prefix: string): Promise<string[]> {
  await run('pdftoppm', ['-r', String(dpi), '-gray', pdf, prefix]);
  const base = path.basename(prefix);
  return readdirSync(path.dirname(prefix))
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.pgm'))
    .sort()
    .map((f) => path.join(path.dirname(prefix), f));
}

/** Decodes the files in order; zbar prints one line per symbol found, so the lines pair up with the labels. */
async function decode(files: string[]): Promise<string[]> {
  const halves = [files.slice(0, Math.ceil(files.length / 2)), files.slice(Math.ceil(files.length / 2))];
  const outputs = await Promise.all(
    halves.map(async (part) => {
      if (part.length === 0) return '';
      // zbarimg exits 4 when some image holds no code; the assertion on the output says which.
      const result = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', ...part], { maxBuffer: 16 << 20 }).catch((error) => error);
      return String(result.stdout);
    }),
  );
  return outputs.join('').split('\n').filter(Boolean);
}

async function renderToFile(t: LabelTemplate, labels: LabelInput[], file: string, options: { dpi?: number; offsetMm?: OffsetMm; skip?: number } = {}) {
  return renderLabelsPdf(t, labels, createWriteStream(file), options);
}

async function scanSheet(t: LabelTemplate, labels: LabelInput[], options: { offsetMm?: OffsetMm; skip?: number } = {}): Promise<string[]> {
  const dir = mkdtempSync(path.join(work, `${t.name}-`));
  const pdf = path.join(dir, 'labels.pdf');
  const result = await renderToFile(t, labels, pdf, options);
  const perPage = t.grid.cols * t.grid.rows;
  expect(result).toEqual({ labels: labels.length, pages: Math.ceil((labels.length + (options.skip ?? 0)) / perPage) });

  const dpi = 300;
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const pages = (await rasterise(pdf, dpi, path.join(dir, 'page'))).map(readPgm);
  // Tiles come straight from the template's published geometry, not from the renderer's own layout code.
  const { cols, originMm, pitchMm } = t.grid;
  const offset = options.offsetMm ?? { x: 0, y: 0 };
  // Token payloads are version 2 symbols (25 modules), drawn as large as the QR box allows with a 4-module quiet zone.
  const moduleMm = t.qrMm.size / (25 + 8);
  const expectedQr = {
    left: px(t.qrMm.x + 4 * moduleMm),
    top: px(t.qrMm.y + 4 * moduleMm),
    right: px(t.qrMm.x + 29 * moduleMm),
    bottom: px(t.qrMm.y + 29 * moduleMm),
  };
  const tiles = labels.map((label, i) => {
    const slot = (options.skip ?? 0) + i;
    const onPage = slot % perPage;
    const x = originMm.x + (onPage % cols) * pitchMm.x + offset.x;
    const y = originMm.y + Math.floor(onPage / cols) * pitchMm.y + offset.y;
    const file = path.join(dir, `tile-${String(i).padStart(5, '0')}.pgm`);
    const tile = cropTile(pages[Math.floor(slot / perPage)]!, px(x), px(y), px(t.labelMm.width), px(t.labelMm.height));
    writePgm(tile, file);
    if (label.payload.startsWith('FS1:')) {
      const found = darkBox(tile, px(t.qrMm.x + t.qrMm.size), px(t.qrMm.y + t.qrMm.size));
      for (const side of ['left', 'top', 'right', 'bottom'] as const) {
        expect(Math.abs(found[side] - expectedQr[side]), `label ${i}: QR ${side} edge at ${found[side]} px, expected ${expectedQr[side]}`).toBeLessThanOrEqual(2);
      }
    }
    return file;
  });
  return decode(tiles);
}

async function scanRoll(t: LabelTemplate, labels: LabelInput[], dpi: number): Promise<string[]> {
  const dir = mkdtempSync(path.join(work, `${t.name}-${dpi}-`));
  const pdf = path.join(dir, 'labels.pdf');
  expect(await renderToFile(t, labels, pdf, { dpi })).toEqual({ labels: labels.length, pages: labels.length });
  return decode(await rasterise(pdf, dpi, path.join(dir, 'label')));
}

describe('sheet labels scan back to the payload printed on them', () => {
  for (const name of ['avery-5160', 'avery-5163', 'avery-l7160', 'avery-l7651']) {
    it(`${name}: 100 token labels, each found exactly once, in print order, QR where the template puts it`, async () => {
      const labels = tokens(100);
      expect(await scanSheet(getTemplate(name), labels)).toEqual(labels.map((l) => l.payload));
    });
  }

  it('url payloads on the smallest sheet (avery-l7651) scan too', async () => {
    const labels = batch(65, () => encodeUrlPayload('192.168.178.20', 8080, crockford(10)));
    expect(await scanSheet(getTemplate('avery-l7651'), labels)).toEqual(labels.map((l) => l.payload));
  });

  it('a part-used sheet with a printer offset still puts every code on its own label', async () => {
    const labels = tokens(40);
    const options = { skip: 7, offsetMm: { x: 1.5, y: -1 } };
    expect(await scanSheet(getTemplate('avery-5160'), labels, options)).toEqual(labels.map((l) => l.payload));
  });
});

describe('roll labels scan at the print head resolution', () => {
  const cases = [
    ['zebra-2x1', 203],
    ['zebra-2x1', 300],
    ['zebra-4x2', 203],
    ['zebra-4x2', 300],
    ['brother-dk1201', 300],
    ['brother-dk22205', 300],
  ] as const;
  for (const [name, dpi] of cases) {
    it(`${name} at ${dpi} dpi: 100 token labels, one page each`, async () => {
      const labels = tokens(100);
      expect(await scanRoll(getTemplate(name), labels, dpi)).toEqual(labels.map((l) => l.payload));
    });
  }

  it('zebra-2x1 at 203 dpi carries a full json payload (3-dot modules) and it scans', async () => {
    const labels = batch(30, () =>
      encodeJsonPayload({ host: '192.168.178.20', ports: { http: 8080, mqtt: 1883, coap: 5683 }, key: crockford(10), secret: crockford(16) }),
    );
    expect(await scanRoll(getTemplate('zebra-2x1'), labels, 203)).toEqual(labels.map((l) => l.payload));
  });
});

import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelInput } from '../../electron/station/labels/layout.ts';
import { renderLabelsPdf } from '../../electron/station/labels/pdf.ts';
import { getTemplate } from '../../electron/station/labels/templates.ts';
import { CROCKFORD_ALPHABET, encodeTokenPayload, formatShortCode } from '../../shared/label-payload.ts';

const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-labels-pdf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');

function labels(count: number, name = (i: number) => `Meter ${i + 1}`): LabelInput[] {
  return Array.from({ length: count }, (_, i) => ({ payload: encodeTokenPayload(crockford(10), crockford(16)), name: name(i), serial: `M-${i}` }));
}

async function renderFile(template: string, input: LabelInput[], file: string) {
  const out = path.join(work, file);
  const result = await renderLabelsPdf(getTemplate(template), input, createWriteStream(out));
  return { out, result };
}

describe('PDF labels', () => {
  it('draws QR codes as vectors (no images), keeps the text selectable, and stays small', async () => {
    const input = labels(300);
    const { out, result } = await renderFile('avery-5160', input, 'vector.pdf');
    expect(result).toEqual({ labels: 300, pages: 10 });
    const images = await run('pdfimages', ['-list', out]);
    expect(images.stdout.trim().split('\n')).toHaveLength(2); // the header lines only
    const text = (await run('pdftotext', [out, '-'])).stdout;
    for (const label of input.slice(0, 30)) expect(text).toContain(label.name);
    expect(statSync(out).size / 300).toBeLessThan(2_000);
  });

  it('prints the full short code on every label, derived from the payload when not given', async () => {
    const input = labels(65);
    const { out } = await renderFile('avery-l7651', input, 'codes.pdf');
    const text = (await run('pdftotext', [out, '-'])).stdout;
    for (const label of input) {
      const key = label.payload.slice(4, 14);
      expect(text).toContain(formatShortCode(key));
    }
  });

  it('cuts names that do not fit with an ellipsis instead of running off the label', async () => {
    const long = 'Refrigerated display case controller, aisle 14, back wall';
    const { out } = await renderFile('avery-l7160', labels(3, () => long), 'long.pdf');
    const text = (await run('pdftotext', [out, '-'])).stdout;
    expect(text).not.toContain(long);
    expect(text).toMatch(/Refrigerated[^\n]*…/);
  });

  it('draws letters beyond Latin-1 as typed, with the embedded font (no more "?" for Ł)', async () => {
    const { out } = await renderFile('avery-5163', labels(1, () => 'Kraków Łąka'), 'latin.pdf');
    expect((await run('pdftotext', [out, '-'])).stdout).toContain('Kraków Łąka');
  });

  // How fast is `npm run bench` (labels suite); here only that a large run comes out whole.
  it('renders 1,000 labels into one readable PDF with every page', async () => {
    const input = labels(1_000);
    const { out, result } = await renderFile('avery-5160', input, 'thousand.pdf');
    expect(result).toEqual({ labels: 1_000, pages: 34 });
    expect((await run('pdfinfo', [out])).stdout).toMatch(/^Pages:\s+34$/m);
    const last = (await run('pdftotext', ['-f', '34', '-l', '34', out, '-'])).stdout;
    expect(last).toContain('Meter 1000');
  });

  it('streams: a slow printer spool holds back the labels, not a growing buffer', async () => {
    let written = 0;
    // A consumer that takes one chunk per event-loop turn, like a spooler writing to a slow disk.
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        setImmediate(done);
      },
    });
    const writtenWhenPulled: number[] = [];
    async function* source() {
      for (const label of labels(3_000)) {
        writtenWhenPulled.push(written);
        yield label;
      }
    }
    const result = await renderLabelsPdf(getTemplate('avery-5160'), source(), slow);
    expect(result).toEqual({ labels: 3_000, pages: 100 });
    // How many labels ahead of the spool the renderer ran: rendering unthrottled would be ~3,000 ahead.
    const bytesPerLabel = written / 3_000;
    const lead = Math.max(...writtenWhenPulled.map((bytes, i) => i - bytes / bytesPerLabel));
    expect(lead).toBeLessThan(4 * 30);
  });

  it('reports progress page by page, with the total when it is known', async () => {
    const seen: Array<[number, number | undefined]> = [];
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await renderLabelsPdf(getTemplate('avery-5163'), labels(25), sink, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([
      [10, 25],
      [20, 25],
      [25, 25],
    ]);
  });

  it('leaves the used slots of a part-used sheet empty', async () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    expect(await renderLabelsPdf(getTemplate('avery-5163'), labels(5), sink, { skip: 7 })).toEqual({ labels: 5, pages: 2 });
    const again = new Writable({ write: (_c, _e, done) => done() });
    await expect(renderLabelsPdf(getTemplate('avery-5163'), labels(5), again, { skip: 10 })).rejects.toThrow(/skip must be a whole number from 0 to 9/);
  });

  it('says so when there is nothing to print', async () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await expect(renderLabelsPdf(getTemplate('zebra-2x1'), [], sink)).rejects.toThrow(/no labels/);
  });
});

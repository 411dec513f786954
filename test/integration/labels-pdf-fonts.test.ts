import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelInput } from '../../electron/station/labels/layout.ts';
import { renderLabelsPdf } from '../../electron/station/labels/pdf.ts';
import { getTemplate, listTemplates } from '../../electron/station/labels/templates.ts';
import { checkLabelText, LabelTextError } from '../../electron/station/labels/text-check.ts';
import { CROCKFORD_ALPHABET, encodeTokenPayload } from '../../shared/label-payload.ts';

/*
 * Labels carry their own font: a PDF that leaves fonts to the viewer prints with whatever the machine has,
 * and a wider substitute pushes text into the QR code's quiet zone. pdffonts (poppler) says what a PDF embeds;
 * pdftotext reads the text back through the embedded font's Unicode map, so neither depends on installed fonts.
 */

const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-labels-fonts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const crockford = (length: number) => Array.from({ length }, () => CROCKFORD_ALPHABET[randomInt(32)]).join('');
const label = (name: string, more: Partial<LabelInput> = {}): LabelInput => ({
  payload: encodeTokenPayload(crockford(10), crockford(16)),
  name,
  serial: 'SN-7731',
  batch: 'B-2025-03',
  site: 'Westland north',
  ...more,
});

async function render(template: string, labels: LabelInput[], file: string, options: { dpi?: number } = {}): Promise<string> {
  const out = path.join(work, file);
  await renderLabelsPdf(getTemplate(template), labels, createWriteStream(out), options);
  return out;
}

interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
}

/** pdffonts' table: name, type (may hold spaces), encoding, then emb/sub/uni yes|no and the object id. */
async function fontsOf(pdf: string): Promise<PdfFont[]> {
  const lines = (await run('pdffonts', [pdf])).stdout.trim().split('\n').slice(2);
  return lines.map((line) => {
    const match = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(line);
    if (!match) throw new Error(`unexpected pdffonts line: ${line}`);
    return { name: match[1]!, type: match[2]!, embedded: match[4] === 'yes' };
  });
}

const pdfText = async (pdf: string) => (await run('pdftotext', [pdf, '-'])).stdout;

describe('label PDFs embed their font', () => {
  for (const t of listTemplates()) {
    it(`${t.name}: every font is embedded (a subset of DejaVu Sans Condensed), none left to the viewer`, async () => {
      const pdf = await render(t.name, [label('Pump 1'), label('Pump 2')], `${t.name}.pdf`);
      const fonts = await fontsOf(pdf);
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(font.embedded, `${font.name} is not embedded`).toBe(true);
        // A subset's name carries a six-letter tag: only the glyphs the labels use travel in the file.
        expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSansCondensed(-Bold)?$/);
      }
      expect(await pdfText(pdf)).toContain('Pump 2');
    });
  }

  it('Cyrillic, Greek and Latin names with accents print as typed and read back', async () => {
    const names = ['Датчик влажности 7', 'Αισθητήρας 3', 'Kraków Łąka', 'Ærøskøbing Straße'];
    const pdf = await render('avery-5163', names.map((name) => label(name)), 'scripts.pdf');
    const text = await pdfText(pdf);
    for (const name of names) expect(text).toContain(name);
    // Serials, batches and sites in those scripts too.
    const more = await render('avery-5163', [label('Насос', { serial: 'СН-12', site: 'Θεσσαλονίκη' })], 'fields.pdf');
    expect(await pdfText(more)).toMatch(/Насос[\s\S]*SN СН-12[\s\S]*Site Θεσσαλονίκη/);
  });

  it('a decomposed accent (e + U+0301) prints as the composed letter', async () => {
    const pdf = await render('avery-5160', [label('Cafe\u0301 north')], 'composed.pdf');
    expect(await pdfText(pdf)).toContain('Café north');
  });

  it('refuses a name in a script the font cannot draw, naming the device and the characters, before writing a byte', async () => {
    let written = 0;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done();
      },
    });
    const labels = [label('Pump 1'), label('温度传感器 3')];
    const rendering = renderLabelsPdf(getTemplate('avery-5160'), labels, out);
    await expect(rendering).rejects.toThrow(LabelTextError);
    await expect(rendering).rejects.toThrow(
      'Device "温度传感器 3" cannot get a readable label: its name has characters the label font cannot print: ' +
        '"温" (U+6E29), "度" (U+5EA6), "传" (U+4F20), "感" (U+611F), "器" (U+5668). ' +
        'Change the name to Latin, Greek or Cyrillic letters, then print again.',
    );
    expect(written).toBe(0);
  });

  it('refuses Thai in a site name and Hebrew (right to left) in a name, saying which field', () => {
    const t = getTemplate('avery-5163');
    const thai = checkLabelText(t, label('Pump 4', { site: 'เชียงใหม่' }));
    expect(thai?.message).toMatch(/^Device "Pump 4" cannot get a readable label: its site name "Site เชียงใหม่" has characters the label font cannot print: "เ" \(U\+0E40\)/);
    expect(thai?.message).toMatch(/Change the site name to Latin, Greek or Cyrillic letters/);
    expect(thai).toMatchObject({ device: 'Pump 4', field: 'site' });
    const hebrew = checkLabelText(t, label('משאבה 12'));
    expect(hebrew?.message).toMatch(/its name has right-to-left text, which labels cannot print yet: "מ" \(U\+05DE\)/);
    // A field the template does not print is not checked: avery-l7651 shows the name and short code only.
    expect(checkLabelText(getTemplate('avery-l7651'), label('Pump 4', { site: 'เชียงใหม่' }))).toBeNull();
    expect(checkLabelText(t, label('Датчик Ωμέγα Kraków'))).toBeNull();
  });
});

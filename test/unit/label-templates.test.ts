import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { textLines } from '../../electron/station/labels/layout.ts';
import { defaultTemplatesDir, getTemplate, LabelTemplateError, labelsPerPage, listTemplates } from '../../electron/station/labels/templates.ts';

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyOfTemplates(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fieldstation-templates-'));
  tempDirs.push(dir);
  cpSync(defaultTemplatesDir(), dir, { recursive: true });
  return dir;
}

describe('label templates', () => {
  it('ships the stock technicians buy', () => {
    expect(listTemplates().map((t) => t.name)).toEqual([
      'avery-5160',
      'avery-5163',
      'avery-l7160',
      'avery-l7651',
      'brother-dk1201',
      'brother-dk22205',
      'zebra-2x1',
      'zebra-4x2',
    ]);
  });

  it('sheets match the published label size, count and page', () => {
    const letter = { width: 215.9, height: 279.4 };
    const a4 = { width: 210, height: 297 };
    const expected = {
      'avery-5160': { page: letter, label: [66.675, 25.4], perPage: 30 },
      'avery-5163': { page: letter, label: [101.6, 50.8], perPage: 10 },
      'avery-l7160': { page: a4, label: [63.5, 38.1], perPage: 21 },
      'avery-l7651': { page: a4, label: [38.1, 21.2], perPage: 65 },
    };
    for (const [name, spec] of Object.entries(expected)) {
      const t = getTemplate(name);
      expect(t.media).toBe('sheet');
      expect(t.pageMm).toEqual(spec.page);
      expect([t.labelMm.width, t.labelMm.height]).toEqual(spec.label);
      expect(labelsPerPage(t)).toBe(spec.perPage);
      // The published margins centre the grid on the page: an asymmetry here means a typo in the JSON.
      const right = t.pageMm.width - (t.grid.originMm.x + (t.grid.cols - 1) * t.grid.pitchMm.x + t.labelMm.width);
      const bottom = t.pageMm.height - (t.grid.originMm.y + (t.grid.rows - 1) * t.grid.pitchMm.y + t.labelMm.height);
      expect(Math.abs(right - t.grid.originMm.x), `${name} side margins`).toBeLessThan(0.05);
      expect(Math.abs(bottom - t.grid.originMm.y), `${name} top/bottom margins`).toBeLessThan(0.05);
    }
  });

  it('rolls print one label per page, laid out for their printers', () => {
    expect(getTemplate('zebra-2x1').dpi).toEqual([203, 300]);
    expect(getTemplate('zebra-4x2').dpi).toEqual([203, 300]);
    expect(getTemplate('brother-dk1201').labelMm).toMatchObject({ width: 90, height: 29 });
    expect(getTemplate('brother-dk22205').labelMm).toMatchObject({ width: 62, height: 40 });
    for (const t of listTemplates().filter((t) => t.media === 'roll')) {
      expect(labelsPerPage(t)).toBe(1);
      expect(t.pageMm).toEqual({ width: t.labelMm.width, height: t.labelMm.height });
    }
  });

  it('small labels show fewer lines', () => {
    const label = { payload: 'x', name: 'Pump 7', shortCode: 'ABCD-EFGH-JK-M', serial: 'S1', batch: 'B1', site: 'North' };
    expect(textLines(getTemplate('avery-l7651'), label).map((l) => l.text)).toEqual(['Pump 7', 'ABCD-EFGH-JK-M']);
    expect(textLines(getTemplate('avery-5163'), label).map((l) => l.text)).toEqual(['Pump 7', 'ABCD-EFGH-JK-M', 'SN S1', 'Batch B1', 'Site North']);
  });

  it('load from an explicit directory, as a bundled CLI must', () => {
    const dir = copyOfTemplates();
    const custom = JSON.parse(readFileSync(path.join(dir, 'zebra-2x1.json'), 'utf8'));
    writeFileSync(path.join(dir, 'site-tag.json'), JSON.stringify({ ...custom, name: 'site-tag', title: 'Site tag' }));
    expect(listTemplates(dir).map((t) => t.name)).toContain('site-tag');
    expect(getTemplate('site-tag', dir).title).toBe('Site tag');
  });

  it('a broken template file is reported by name with what is wrong', () => {
    const dir = copyOfTemplates();
    const file = path.join(dir, 'avery-5160.json');
    const broken = JSON.parse(readFileSync(file, 'utf8'));
    broken.qrMm.size = 40;
    writeFileSync(file, JSON.stringify(broken));
    expect(() => listTemplates(dir)).toThrow(LabelTemplateError);
    expect(() => listTemplates(dir)).toThrow(/avery-5160\.json: QR box does not fit inside the label/);
    expect(() => listTemplates(path.join(dir, 'missing'))).toThrow(/cannot list label templates/);
  });

  it('a text box reaching into the QR box (the quiet zone) is refused', () => {
    const dir = copyOfTemplates();
    const file = path.join(dir, 'avery-l7651.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    template.text.boxMm.x -= 0.5;
    template.text.boxMm.width += 0.5;
    writeFileSync(file, JSON.stringify(template));
    expect(() => listTemplates(dir)).toThrow("avery-l7651.json: text box overlaps the QR box (the code's quiet zone)");
  });

  it('an unknown name lists the ones that exist', () => {
    expect(() => getTemplate('avery-9999')).toThrow(/unknown label template "avery-9999"; known: avery-5160, avery-5163/);
  });
});

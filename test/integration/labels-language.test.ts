import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// Issue 12: a batch's labels print in the batch's language. Driven through the built CLI as a technician's script
// would, the PDF read back with poppler's pdftotext and the ZPL by its ^FD fields: the words a person sees.

const run = promisify(execFile);

describe('label language of a batch', () => {
  const data = tempDir();
  const work = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  const ok = (...args: string[]) => {
    const r = cli(...args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  };
  const csv = (name: string, prefix: string) => {
    const file = join(work, name);
    writeFileSync(file, `name,serial\n${prefix}-1,S-${prefix}-1\n${prefix}-2,S-${prefix}-2\n`);
    return file;
  };
  const batches = () => JSON.parse(ok('batch', 'list', '--json')) as { name: string; language: string }[];
  const languageOf = (name: string) => batches().find((b) => b.name === name)?.language;
  const pdfText = async (batch: string, out: string) => {
    ok('labels', '--batch', batch, '--template', 'avery-5163', '--out', out);
    return (await run('pdftotext', [out, '-'])).stdout;
  };
  const zplFields = (batch: string) => {
    const out = join(work, `${batch}.zpl`);
    ok('labels', '--batch', batch, '--template', 'zebra-4x2', '--out', out);
    return [...readFileSync(out, 'utf8').matchAll(/\^FD([^^]*)\^FS/g)].map((m) => m[1]);
  };

  beforeAll(() => {
    ok('profile', 'add', '--name', 'meters', '--key', 'meters-key', '--secret', 'meters-secret', '--strategy', 'check-pre-provisioned');
    ok('batch', 'add', '--name', 'Nord', '--profile', 'meters', '--site', 'Köln Süd', '--language', 'de');
    ok('batch', 'add', '--name', 'West', '--profile', 'meters', '--site', 'Köln Süd');
    ok('import', '--profile', 'meters', '--batch', 'Nord', csv('nord.csv', 'n'));
    ok('import', '--profile', 'meters', '--batch', 'West', csv('west.csv', 'w'));
    for (const b of ['Nord', 'West']) ok('tokens', 'issue', '--batch', b, '--per-device');
  });
  afterAll(() => {
    rmSync(data, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('batch add --language sets it, without it a batch prints in English, and batch list shows it', () => {
    expect(languageOf('Nord')).toBe('de');
    expect(languageOf('West')).toBe('en');
    const table = ok('batch', 'list');
    expect(table.split('\n')[0]).toMatch(/\bLANGUAGE\b/i);
    expect(table.split('\n').find((l) => l.startsWith('Nord'))).toMatch(/\bde\b/);
  });

  it('a German batch prints German words in the PDF, umlauts included; an English batch English ones', async () => {
    const german = await pdfText('Nord', join(work, 'nord.pdf'));
    expect(german).toContain('Charge Nord');
    expect(german).toContain('Standort Köln Süd');
    expect(german).toContain('SN S-n-1');
    expect(german).not.toMatch(/\bBatch\b|\bSite\b/);
    expect((await run('pdfinfo', [join(work, 'nord.pdf')])).stdout).toMatch(/Title:\s+Geräteetiketten \(avery-5163\)/);

    const english = await pdfText('West', join(work, 'west.pdf'));
    expect(english).toContain('Batch West');
    expect(english).toContain('Site Köln Süd');
    expect(english).not.toMatch(/\bCharge\b|\bStandort\b/);
    expect((await run('pdfinfo', [join(work, 'west.pdf')])).stdout).toMatch(/Title:\s+Device labels \(avery-5163\)/);
  });

  it('ZPL carries the same words in its ^FD fields', () => {
    const german = zplFields('Nord');
    expect(german).toEqual(expect.arrayContaining(['n-1', 'SN S-n-1', 'Charge Nord', 'Standort Köln Süd']));
    expect(zplFields('West')).toEqual(expect.arrayContaining(['SN S-w-1', 'Batch West', 'Site Köln Süd']));
  });

  it('batch set-language changes what the next labels print', () => {
    expect(ok('batch', 'set-language', 'Nord', 'en')).toBe("batch 'Nord' prints its labels in 'en'\n");
    expect(zplFields('Nord')).toEqual(expect.arrayContaining(['Batch Nord', 'Site Köln Süd']));
    ok('batch', 'set-language', 'Nord', 'de');
    expect(zplFields('Nord')).toContain('Charge Nord');
  });

  it('import --language gives the batch it creates that language; an existing batch keeps its own', () => {
    ok('import', '--profile', 'meters', '--batch', 'Ost', '--language', 'de', csv('ost.csv', 'o'));
    expect(languageOf('Ost')).toBe('de');
    ok('import', '--profile', 'meters', '--batch', 'West', '--language', 'de', csv('west2.csv', 'w2'));
    expect(languageOf('West')).toBe('en');
  });

  it('device add --batch NEW --language gives the batch it creates that language; an existing batch keeps its own', () => {
    ok('device', 'add', '--profile', 'meters', '--name', 'sued-1', '--batch', 'Süd', '--language', 'de');
    expect(languageOf('Süd')).toBe('de');
    ok('device', 'add', '--profile', 'meters', '--name', 'west-9', '--batch', 'West', '--language', 'de');
    expect(languageOf('West')).toBe('en');
  });

  it('refuses a language it does not have, naming the ones it has', () => {
    for (const args of [
      ['batch', 'add', '--name', 'X', '--profile', 'meters', '--language', 'fr'],
      ['import', '--profile', 'meters', '--batch', 'X', '--language', 'fr', csv('x.csv', 'x')],
      ['device', 'add', '--profile', 'meters', '--name', 'x-1', '--batch', 'X', '--language', 'fr'],
    ]) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("fieldstation: --language must be one of en, de, not 'fr'\n");
    }
    const r = cli('batch', 'set-language', 'Nord', 'fr');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("fieldstation: the language must be one of en, de, not 'fr'\n");
    expect(batches().map((b) => b.name)).not.toContain('X');
  });
});

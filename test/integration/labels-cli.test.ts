import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// Drives the built CLI (dist/cli.mjs, as `npm test` builds it) on a data directory, as a technician's script would.

const run = promisify(execFile);

describe('fieldstation labels', () => {
  const data = tempDir();
  const work = tempDir();
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  let issued: { device: string; payload: string }[] = [];
  const payloadOf = (device: string) => issued.find((t) => t.device === device)!.payload;
  const ok = (...args: string[]) => {
    const r = cli(...args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  };

  beforeAll(() => {
    ok('profile', 'add', '--name', 'meters', '--key', 'meters-key', '--secret', 'meters-secret', '--strategy', 'check-pre-provisioned');
    const csv = join(work, 'devices.csv');
    writeFileSync(csv, `name,serial\n${Array.from({ length: 45 }, (_, i) => `m-${i + 1},SN-${i + 1}`).join('\n')}\n`);
    ok('import', '--profile', 'meters', '--batch', 'B', csv);
  });
  afterAll(() => {
    rmSync(data, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a batch whose devices have no tokens yet, saying what to run', () => {
    const r = cli('labels', '--batch', 'B', '--template', 'avery-5160', '--out', join(work, 'none.pdf'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "fieldstation: None of the 45 selected devices in batch 'B' has an active onboarding token. Run: fieldstation tokens issue --batch B --per-device first, or leave them out with --skip-missing.\n",
    );
    expect(existsSync(join(work, 'none.pdf'))).toBe(false);
    issued = JSON.parse(ok('tokens', 'issue', '--batch', 'B', '--per-device', '--json'));
  });

  it('writes the batch as a PDF', async () => {
    const out = join(work, 'x.pdf');
    expect(ok('labels', '--batch', 'B', '--template', 'avery-5160', '--out', out)).toBe(`wrote 45 labels on 2 pages to ${out}\n`);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await run('pdfinfo', [out])).stdout).toMatch(/Pages:\s+2\n/);
    // The bundled CLI finds the label font beside dist/ and embeds it: no font is left to the viewer.
    const fonts = (await run('pdffonts', [out])).stdout.trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/^[A-Z]{6}\+DejaVuSansCondensed(-Bold)?\s.*\byes\s+yes\s+yes\s/);
    // Nothing is left beside it.
    expect(readdirSync(work).filter((f) => f.includes('.partial'))).toEqual([]);
    // A file is a download, not a printed label; --printed says the file goes to a printer now.
    expect(JSON.parse(ok('labels', 'history', '--device', 'm-1', '--json'))).toMatchObject({ count: 0, downloads: 1, prints: [{ output: 'pdf', printed: false }] });
    expect(ok('labels', '--batch', 'B', '--template', 'avery-5160', '--unprinted-only', '--out', out)).toBe(`wrote 45 labels on 2 pages to ${out}\n`);
    ok('labels', '--batch', 'B', '--template', 'avery-5160', '--devices', 'm-1', '--printed', '--out', out);
    expect(JSON.parse(ok('labels', 'history', '--device', 'm-1', '--json'))).toMatchObject({ count: 1, downloads: 2, lastTemplate: 'avery-5160' });
    expect(ok('labels', '--batch', 'B', '--template', 'avery-5160', '--unprinted-only', '--out', out)).toBe(`wrote 44 labels on 2 pages to ${out}\n`);
  }, 90_000);

  it('writes ZPL as one ^XA…^XZ format per label, each with its device token', () => {
    const out = join(work, 'x.zpl');
    ok('labels', '--batch', 'B', '--template', 'zebra-2x1', '--dpi', '300', '--devices', 'm-3,m-1', '--out', out);
    const zpl = readFileSync(out, 'utf8');
    const blocks = zpl.match(/\^XA[\s\S]*?\^XZ\n/g)!;
    expect(blocks).toHaveLength(2);
    expect(blocks.join('')).toBe(zpl);
    // Batch order, whatever order --devices names them in.
    expect(blocks[0]).toContain('^FDm-1^FS');
    expect(blocks[0]).toContain(`^FDMA,${payloadOf('m-1')}^FS`);
    expect(blocks[1]).toContain(`^FDMA,${payloadOf('m-3')}^FS`);
  });

  it('lists the 8 templates as JSON', () => {
    const templates = JSON.parse(ok('labels', '--list-templates', '--json')) as { name: string; kind: string }[];
    expect(templates.map((t) => t.name)).toEqual([
      'avery-5160', 'avery-5163', 'avery-l7160', 'avery-l7651', 'brother-dk1201', 'brother-dk22205', 'zebra-2x1', 'zebra-4x2',
    ]);
    expect(ok('labels', '--list-templates')).toMatch(/^name +kind +size/);
  });

  it('a payload too large for the template exits non-zero naming a template that fits', () => {
    // JSON at level M still fits L7651 (a version 7 symbol, 0.37 mm modules); at Q it needs version 9 and does not.
    const r = cli('labels', '--batch', 'B', '--template', 'avery-l7651', '--payload', 'json', '--ecc', 'Q', '--host', '10.0.0.2', '--out', join(work, 'big.pdf'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^fieldstation: This payload needs a 53×53-module QR code \(version 9, level Q\); on "avery-l7651".*Use "avery-l7160"/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(existsSync(join(work, 'big.pdf'))).toBe(false);
    expect(cli('labels', '--batch', 'B', '--template', 'avery-5160', '--out', join(work, 'x.txt')).stderr).toBe("fieldstation: --out must end in .pdf or .zpl, not '" + join(work, 'x.txt') + "'\n");
    expect(cli('labels', '--batch', 'B', '--template', 'avery-5160', '--ecc', 'H', '--out', join(work, 'x.pdf')).status).toBe(2);
  });

  it('remembers a printer offset per template', () => {
    expect(ok('labels', 'offset', '--template', 'avery-5160', '--x', '0.5', '--y=-1.25')).toBe('offset for avery-5160: x 0.5 mm, y -1.25 mm (applied to every print on it)\n');
    const offsets = JSON.parse(ok('labels', 'offset', '--json')) as { template: string; x: number; y: number }[];
    expect(offsets.find((o) => o.template === 'avery-5160')).toEqual({ template: 'avery-5160', x: 0.5, y: -1.25 });
    expect(cli('labels', 'offset', '--x', '1').stderr).toBe('fieldstation: --template is required to set an offset\n');
    expect(cli('labels', 'offset', '--template', 'avery-5160', '--batch', 'B').status).toBe(2);
  });

  it('shows progress on stderr for a big batch', () => {
    const csv = join(work, 'big.csv');
    writeFileSync(csv, `name\n${Array.from({ length: 1_000 }, (_, i) => `big-${i + 1}`).join('\n')}\n`);
    ok('import', '--profile', 'meters', '--batch', 'Big', csv);
    ok('tokens', 'issue', '--batch', 'Big', '--per-device', '--json');
    const out = join(work, 'big.zpl');
    const r = cli('labels', '--batch', 'Big', '--template', 'zebra-4x2', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote 1000 labels to ${out}\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines[0]).toMatch(/^labels: \d[\d,]* of 1,000$/);
  });

  it('--printer sends ZPL straight to a raw TCP printer', async () => {
    const received: Promise<string>[] = [];
    const server = net.createServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      received.push(
        once(socket, 'end').then(() => {
          socket.end();
          return Buffer.concat(chunks).toString();
        }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const r = await runCliAsync(['labels', '--batch', 'B', '--template', 'zebra-2x1', '--devices', 'm-1,m-2,m-3', '--printer', `127.0.0.1:${port}`, '--data', data]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^sent 3 labels \\(\\d[\\d,]* bytes of ZPL\\) to 127\\.0\\.0\\.1:${port}\\n$`));
    expect((await received[0]!).match(/\^XA[\s\S]*?\^XZ/g)).toHaveLength(3);
    server.close();
  });

  it('refuses a batch with a name the label font cannot draw, naming the device, and writes nothing', () => {
    const csv = join(work, 'tokyo.csv');
    writeFileSync(csv, 'name\nPump 1\n東京ポンプ 2\n');
    ok('import', '--profile', 'meters', '--batch', 'Tokyo', csv);
    ok('tokens', 'issue', '--batch', 'Tokyo', '--per-device');
    for (const file of ['tokyo.pdf', 'tokyo.zpl']) {
      const r = cli('labels', '--batch', 'Tokyo', '--template', 'zebra-2x1', '--out', join(work, file));
      expect(r.stderr).toMatch(/^fieldstation: Device "東京ポンプ 2" cannot get a readable label: its name has characters the label font cannot print: "東" \(U\+6771\), "京" \(U\+4EAC\)/);
      expect(r.status).toBe(1);
      expect(existsSync(join(work, file))).toBe(false);
    }
  });
});

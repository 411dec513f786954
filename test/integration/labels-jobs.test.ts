import { execFile } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedLabel } from '../../electron/station/labels/jobs.ts';
import { slotPosition } from '../../electron/station/labels/layout.ts';
import { lanAddress } from '../../electron/station/net/lan-addresses.ts';
import { openDatabase, schemaVersion } from '../../electron/station/store/database.ts';
import type { StationEvent } from '../../shared/events.ts';
import { parseLabelPayload } from '../../shared/label-payload.ts';
import { LabelJob, type LabelJobInput } from '../../shared/labels.ts';
import { openTestEngine, type TestEngine, tempDir } from '../support/engine.ts';

const run = promisify(execFile);

/** A Writable that keeps what it is given, standing in for a file or an HTTP response. */
function memorySink() {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

describe('label jobs: a batch becomes labels carrying each device its own token', () => {
  let t: TestEngine;
  const ids = new Map<string, number>();
  const job = (input: Omit<LabelJobInput, 'batch' | 'template'> & Partial<LabelJobInput> = {}) =>
    LabelJob.parse({ batch: 'north', template: 'avery-5160', ...input });
  const labelsOf = (input: Parameters<typeof job>[0] = {}): PlannedLabel[] => [...t.engine.labels.plan(job(input)).labels()];

  beforeEach(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
    await t.call('batches.create', { name: 'north', profile: 'meters', site: 'Westland' });
    const rows = Array.from({ length: 100 }, (_, i) => `meter-${String(i + 1).padStart(3, '0')},SN-${1000 + i}`);
    await t.call('devices.import', { profile: 'meters', batch: 'north', text: `name,serial\n${rows.join('\n')}\n` });
    ids.clear();
    for (const token of (await t.call('tokens.issue', { batch: 'north', perDevice: true })).tokens) ids.set(token.device!, token.id);
  });
  afterEach(() => t.close());

  it('renders a 100-device batch: each label is its device token, in batch order, and the job is recorded', async () => {
    const labels = labelsOf();
    expect(labels.map((l) => l.name)).toEqual([...ids.keys()]);
    for (const label of labels) {
      const printable = await t.call('tokens.printable', { id: ids.get(label.name)! });
      expect(label.payload).toBe(printable.payload);
      expect(label.shortCode).toBe(printable.shortCode);
    }
    expect(labels[0]).toMatchObject({ name: 'meter-001', serial: 'SN-1000', batch: 'north', site: 'Westland' });

    const events: StationEvent[] = [];
    const off = t.engine.bus.subscribe((e) => events.push(e));
    const dir = tempDir();
    const file = join(dir, 'north.pdf');
    const result = await t.engine.labels.runs.pdf(t.engine.labels.plan(job()), createWriteStream(file), { record: true });
    off();
    expect(result).toEqual({ labels: 100, pages: 4 });
    expect((await run('pdfinfo', [file])).stdout).toMatch(/Pages:\s+4\n/);
    expect(events.at(-1)).toEqual({ type: 'progress', task: 'labels:north', done: 100, total: 100 });

    // The first row of page 1, scanned as a phone would: each code is its device's payload.
    const template = t.engine.labels.jobs.template('avery-5160');
    const px = (mm: number) => Math.round((mm * 300) / 25.4);
    for (let slot = 0; slot < 3; slot++) {
      const at = slotPosition(template, slot);
      const tile = join(dir, `tile-${slot}`);
      const crop = ['-x', px(at.xMm), '-y', px(at.yMm), '-W', px(template.labelMm.width), '-H', px(template.labelMm.height)].map(String);
      await run('pdftoppm', ['-r', '300', '-f', '1', '-l', '1', '-gray', '-singlefile', ...crop, file, tile]);
      const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', `${tile}.pgm`]);
      expect(stdout.trim()).toBe(labels[slot]!.payload);
    }
    rmSync(dir, { recursive: true, force: true });

    // A file written is a download, not a printed label (issue 15): the history keeps them apart.
    const history = await t.call('labels.history', { device: 'meter-001' });
    expect(history).toMatchObject({
      device: 'meter-001',
      count: 0,
      downloads: 1,
      lastPrintedAt: null,
      prints: [{ tokenId: ids.get('meter-001'), payload: 'token', output: 'pdf', printed: false }],
    });
    expect(t.engine.db.prepare('SELECT count(*) FROM label_prints').pluck().get()).toBe(100);
  });

  it('reprints exactly the selected devices, in batch order, and the history counts the reprint', async () => {
    const reprint = labelsOf({ selection: { devices: ['meter-050', 'meter-007', 'meter-093'] } });
    expect(reprint.map((l) => l.name)).toEqual(['meter-007', 'meter-050', 'meter-093']);
    await t.engine.labels.runs.pdf(t.engine.labels.plan(job()), memorySink().sink, { record: true, printed: true });
    const out = memorySink();
    const result = await t.engine.labels.runs.pdf(t.engine.labels.plan(job({ selection: { devices: ['meter-050', 'meter-007', 'meter-093'] } })), out.sink, {
      record: true,
      printed: true,
    });
    expect(result).toEqual({ labels: 3, pages: 1 });
    expect(out.bytes().subarray(0, 5).toString()).toBe('%PDF-');
    expect((await t.call('labels.history', { device: 'meter-007' })).count).toBe(2);
    expect((await t.call('labels.history', { device: 'meter-008' })).count).toBe(1);

    expect(() => labelsOf({ selection: { devices: ['meter-001', 'nobody'] } })).toThrow("not in batch 'north': 'nobody'");
  });

  it('picks the devices never printed, and those still pending', async () => {
    // Downloaded, not printed: "never printed" still holds for them.
    const two = job({ selection: { devices: ['meter-001', 'meter-002'] } });
    await t.engine.labels.runs.pdf(t.engine.labels.plan(two), memorySink().sink, { record: true, job: 'download-0001' });
    expect(labelsOf({ selection: { unprintedOnly: true } })).toHaveLength(100);
    // The technician printed the file and says so: now they count as printed.
    expect(t.engine.labels.history.markPrinted('download-0001')).toBe(2);
    expect(labelsOf({ selection: { unprintedOnly: true } })).toHaveLength(98);
    expect(labelsOf({ selection: { unprintedOnly: true } })[0]!.name).toBe('meter-003');

    // meter-002 comes up: its token is used, so it has no label to print any more.
    const token = await t.call('tokens.printable', { id: ids.get('meter-002')! });
    const decoded = t.service.decode({ provisionDeviceKey: token.key, provisionDeviceSecret: token.secret });
    if (!decoded.ok) throw new Error(decoded.message);
    expect(await t.service.provision(decoded.request, { transport: 'http', remoteAddress: '127.0.0.9' })).toMatchObject({ status: 'SUCCESS' });
    expect(() => labelsOf()).toThrow(
      "1 of 100 selected devices in batch 'north' has no active onboarding token. Run: fieldstation tokens issue --batch north --per-device first, or leave them out with --skip-missing. 1 of them has already provisioned: --pending-only leaves those out.",
    );
    const pending = labelsOf({ selection: { state: 'pending' } });
    expect(pending).toHaveLength(99);
    expect(pending.map((l) => l.name)).not.toContain('meter-002');
  });

  it('refuses devices without an active token in plain words, or leaves them out when asked', async () => {
    await t.call('devices.add', { profile: 'meters', name: 'late-1', batch: 'north' });
    await t.call('devices.add', { profile: 'meters', name: 'late-2', batch: 'north' });
    await t.call('batches.create', { name: 'south side', profile: 'meters' });
    await t.call('devices.add', { profile: 'meters', name: 'south-1', batch: 'south side' });

    expect(() => labelsOf()).toThrow(
      "2 of 102 selected devices in batch 'north' have no active onboarding token. Run: fieldstation tokens issue --batch north --per-device first, or leave them out with --skip-missing.",
    );
    expect(() => labelsOf({ batch: 'south side' })).toThrow(
      "None of the 1 selected device in batch 'south side' has an active onboarding token. Run: fieldstation tokens issue --batch 'south side' --per-device first",
    );
    const plan = t.engine.labels.plan(job({ selection: { skipMissing: true } }));
    expect(plan).toMatchObject({ total: 100, missing: 2 });
    const check = await t.call('labels.check', { batch: 'north', template: 'avery-5160' });
    expect(check).toMatchObject({ ok: false, labels: 100, missing: 2, pages: 4, suggestion: null });
    expect(check.message).toMatch(/^2 of 102 selected devices/);
    expect(await t.call('labels.check', { batch: 'north', template: 'avery-5160', selection: { skipMissing: true } })).toMatchObject({ ok: true, message: null });
  });

  it('a device name the label font cannot draw is refused by labels.check and before printing, naming the device', async () => {
    await t.call('devices.add', { profile: 'meters', name: '水表 12', batch: 'north' });
    await t.call('tokens.issue', { batch: 'north', device: '水表 12' });
    const message =
      'Device "水表 12" cannot get a readable label: its name has characters the label font cannot print: "水" (U+6C34), "表" (U+8868). ' +
      'Change the name to Latin, Greek or Cyrillic letters, then print again.';
    expect(await t.call('labels.check', { batch: 'north', template: 'avery-5160' })).toMatchObject({ ok: false, message, labels: 101 });
    const { sink, bytes } = memorySink();
    await expect(t.engine.labels.runs.pdf(t.engine.labels.plan(job()), sink, { record: true })).rejects.toMatchObject({
      code: 'invalid_params',
      message,
      details: { device: '水表 12', field: 'name', characters: ['水', '表'] },
    });
    expect(bytes().length).toBe(0);
    await expect(t.engine.labels.runs.zpl(t.engine.labels.plan(job({ template: 'zebra-2x1' })), memorySink().sink, { record: true })).rejects.toThrow(message);
    // Nothing was recorded as printed; leaving the device out prints the rest.
    expect(await t.call('labels.history', { device: 'meter-001' })).toMatchObject({ count: 0 });
    const others = [...ids.keys()];
    expect(await t.call('labels.check', { batch: 'north', template: 'avery-5160', selection: { devices: others } })).toMatchObject({ ok: true, message: null });
  });

  it('url and json payloads carry the station address: given, the serving listeners, or the LAN address', async () => {
    const [url] = labelsOf({ payload: 'url', station: { host: '10.1.2.3', httpPort: 8081 } });
    expect(url!.payload).toMatch(/^http:\/\/10\.1\.2\.3:8081\/onboard\/[0-9A-Z]{10}$/);
    expect(parseLabelPayload(url!.payload)).toEqual({ kind: 'url', key: (await t.call('tokens.printable', { id: ids.get('meter-001')! })).key });

    t.engine.runtime.listeners = [
      { name: 'http', address: '10.9.8.7', port: 18080, url: '', enabled: true, lanUrls: [] },
      { name: 'mqtt', address: '10.9.8.7', port: 11883, url: '', enabled: true, lanUrls: [] },
      { name: 'coap', address: '10.9.8.7', port: 15683, url: '', enabled: true, lanUrls: [] },
    ];
    const [json] = labelsOf({ payload: 'json' });
    const printable = await t.call('tokens.printable', { id: ids.get('meter-001')! });
    expect(JSON.parse(json!.payload)).toEqual({ host: '10.9.8.7', ports: { http: 18080, mqtt: 11883, coap: 15683 }, key: printable.key, secret: printable.secret });

    // A listener switched off before it ever bound to a free port has none yet: its default port is printed.
    t.engine.runtime.listeners = [
      { name: 'http', address: '10.9.8.7', port: 0, url: '', enabled: false, lanUrls: [] },
      { name: 'mqtt', address: '10.9.8.7', port: 11883, url: '', enabled: true, lanUrls: [] },
      { name: 'coap', address: '10.9.8.7', port: 15683, url: '', enabled: false, lanUrls: [] },
    ];
    expect(JSON.parse(labelsOf({ payload: 'json' })[0]!.payload).ports).toEqual({ http: 8080, mqtt: 11883, coap: 15683 });

    // Unbound (0.0.0.0) or not serving: the first LAN IPv4 address and the CLI's default ports.
    const lan = { eth0: [{ address: '192.168.7.20', family: 'IPv4', internal: false }], lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] };
    expect(lanAddress(lan as never)).toBe('192.168.7.20');
    expect(lanAddress({ lo: lan.lo } as never)).toBeNull();
    t.engine.runtime.listeners = [];
    const host = lanAddress();
    if (host !== null) {
      expect(JSON.parse(labelsOf({ payload: 'json' })[0]!.payload)).toMatchObject({ host, ports: { http: 8080, mqtt: 1883, coap: 5683 } });
    }
  });

  it('remembers printer offsets per template and applies them to every render', async () => {
    await t.call('labels.offsets.set', { template: 'zebra-2x1', x: 1, y: -0.5 });
    expect(await t.call('labels.offsets.get', { template: 'zebra-2x1' })).toEqual([{ template: 'zebra-2x1', x: 1, y: -0.5 }]);
    expect((await t.call('labels.templates', {})).find((x) => x.name === 'zebra-2x1')!.offset).toEqual({ x: 1, y: -0.5 });

    const zplOf = async (offset?: { x: number; y: number }) => {
      const out = memorySink();
      await t.engine.labels.runs.zpl(t.engine.labels.plan(job({ template: 'zebra-2x1', selection: { devices: ['meter-001'] }, offset })), out.sink, { record: false });
      return out.bytes().toString();
    };
    const qrAt = (zpl: string) => /\^FO(\d+),(\d+)\^BQ/.exec(zpl)!.slice(1).map(Number);
    const [x0, y0] = qrAt(await zplOf({ x: 0, y: 0 }));
    // 203 dpi = 8 dots/mm: 1 mm right, 0.5 mm up.
    expect(qrAt(await zplOf())).toEqual([x0! + 8, y0! - 4]);

    // It outlives the engine: it is in the station's database.
    const dataDir = t.dataDir;
    await t.engine.close();
    const again = openTestEngine(dataDir);
    t = again;
    expect(await t.call('labels.offsets.get', {})).toContainEqual({ template: 'zebra-2x1', x: 1, y: -0.5 });
    expect(t.engine.labels.plan(job()).offset).toEqual({ x: 0, y: 0 });
    await t.call('labels.offsets.set', { template: 'zebra-2x1', x: 0, y: 0 });
    expect(t.engine.labels.plan(job({ template: 'zebra-2x1' })).offset).toEqual({ x: 0, y: 0 });
    await expect(t.call('labels.offsets.set', { template: 'zebra-3x1', x: 1, y: 1 })).rejects.toThrow("unknown label template 'zebra-3x1'");
  });

  it('a group token prints one label, or N copies; ECC Q grows the symbol and the fit check names a larger template', async () => {
    await t.call('batches.create', { name: 'self-enrol', profile: 'meters', site: 'Delft' });
    await expect(t.call('labels.check', { batch: 'self-enrol', template: 'avery-5160' })).resolves.toMatchObject({ ok: false, labels: 0 });
    const { tokens } = await t.call('tokens.issue', { batch: 'self-enrol', uses: 50 });
    const one = labelsOf({ batch: 'self-enrol' });
    expect(one).toEqual([expect.objectContaining({ deviceId: 0, tokenId: tokens[0]!.id, payload: tokens[0]!.payload, name: 'Group token, 50 uses', site: 'Delft' })]);
    expect(labelsOf({ batch: 'self-enrol', copies: 3 })).toHaveLength(3);
    expect(() => labelsOf({ group: true })).toThrow("batch 'north' has no active group token; run: fieldstation tokens issue --batch north --uses N");

    const m = await t.call('labels.check', { batch: 'north', template: 'avery-l7651', payload: 'json', station: { host: '10.1.2.3' } });
    expect(m).toMatchObject({ ok: true, labels: 100, pages: 2 });
    const q = await t.call('labels.check', { batch: 'north', template: 'avery-l7651', payload: 'json', ecc: 'Q', station: { host: '10.1.2.3' } });
    expect(q).toMatchObject({ ok: false, suggestion: 'avery-l7160', moduleMm: null });
    expect(q.message).toContain('Use "avery-l7160"');
    const out = memorySink();
    await expect(t.engine.labels.runs.pdf(t.engine.labels.plan(job({ template: 'avery-l7651', payload: 'json', ecc: 'Q', station: { host: '10.1.2.3' } })), out.sink, { record: true })).rejects.toThrow(
      /below the 0\.33 mm that scanners read reliably\. Use "avery-l7160"/,
    );
    expect(out.bytes()).toHaveLength(0);
    expect(t.engine.db.prepare('SELECT count(*) FROM label_prints').pluck().get()).toBe(0);
  });

  it('migration 5 upgrades a schema-4 database with the print history table', () => {
    const dir = tempDir();
    const file = join(dir, 'station.db');
    const old = openDatabase(file, { upTo: 4 });
    expect(() => old.prepare('SELECT * FROM label_prints').all()).toThrow(/no such table/);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
    expect(db.prepare('SELECT count(*) FROM label_prints').pluck().get()).toBe(0);
    db.close();
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
    rmSync(dir, { recursive: true, force: true });
  });
});

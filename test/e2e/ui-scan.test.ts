/// <reference lib="dom" />
// page.evaluate() and addInitScript callbacks run in the browser.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from '../support/browser.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { type AdminRpc, adminRpc } from '../support/served-ui.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Scanner check-in as the technician meets it: the manufacturer's serial and MAC stickers find their device, every
 * scan ends in a big banner and a tone (which can be muted), a repeat scan somewhere else asks before it moves the
 * device (old and new place shown), and a laptop's camera reads a real label of this station: Chromium's fake
 * camera plays a video made from the label PDF the station rendered (pdftoppm), and the device is checked in.
 */

const batch = 'plant';
const { until, visible } = uiWaits(15_000);

/** A PGM (P5) image from pdftoppm -gray: its size and 8-bit pixels. */
function readPgm(file: string): { width: number; height: number; pixels: Buffer } {
  const bytes = readFileSync(file);
  const header = /^P5\s+(?:#[^\n]*\s+)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 100).toString('latin1'));
  if (!header) throw new Error(`${file} is not a binary PGM`);
  const [, width, height] = header.map(Number) as [number, number, number, number];
  return { width, height, pixels: bytes.subarray(header[0].length) };
}

/**
 * A one-frame YUV4MPEG2 video (what `--use-file-for-fake-video-capture` plays, in a loop): the label in the middle
 * of a white 640×480 frame. 4:2:0 with neutral chroma, so the luma plane is the grey image itself.
 */
function labelVideo(label: { width: number; height: number; pixels: Buffer }, file: string) {
  const W = 640;
  const H = 480;
  if (label.width > W || label.height > H) throw new Error(`the label (${label.width}×${label.height}) is larger than the frame`);
  const y = Buffer.alloc(W * H, 235);
  const left = (W - label.width) >> 1;
  const top = (H - label.height) >> 1;
  for (let row = 0; row < label.height; row++) {
    label.pixels.copy(y, (top + row) * W + left, row * label.width, (row + 1) * label.width);
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), Buffer.from('FRAME\n'), y, chroma]));
}

describe('scanner check-in: stickers, feedback, moves and the camera', () => {
  let work: string;
  let station: ServeProcess;
  let rpc: AdminRpc;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'fieldstation-scan-'));
    station = await startServe({ dataDir: join(work, 'data'), args: ['--bind', '127.0.0.1', '--listeners', 'none'] });
    rpc = adminRpc(station);
    await rpc('profiles.add', { name: 'pumps', provisionDeviceKey: 'pumps-key-000001', provisionDeviceSecret: 'pumps-secret-0001', strategy: 'check-pre-provisioned' });
    await rpc('batches.create', { name: batch, site: 'Pump house', profile: 'pumps' });
    await rpc('devices.import', {
      profile: 'pumps',
      batch,
      text: 'name,serial,mac\npump-01,SN-0001,AA:BB:CC:00:00:01\npump-02,SN-0002,AA:BB:CC:00:00:02\npump-03,SN-0003,AA:BB:CC:00:00:03\n',
    });
    await rpc('tokens.issue', { batch, perDevice: true });

    // The station's own label for pump-03 (one label a page on a 2×1" Zebra roll), rendered as a printer would.
    const pdf = await fetch(`${station.baseUrl}/api/labels.pdf?batch=${batch}&template=zebra-2x1`, { headers: { authorization: `Bearer ${station.secret}` } });
    expect(pdf.status).toBe(200);
    writeFileSync(join(work, 'labels.pdf'), Buffer.from(await pdf.arrayBuffer()));
    execFileSync('pdftoppm', ['-f', '3', '-l', '3', '-r', '200', '-gray', join(work, 'labels.pdf'), join(work, 'label')]);
    const pgm = readdirPgm(work);
    labelVideo(readPgm(pgm), join(work, 'label.y4m'));

    browser = await openBrowser({
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${join(work, 'label.y4m')}`,
        '--autoplay-policy=no-user-gesture-required',
      ],
      permissions: ['camera'],
    });
    page = browser.page;
    // Every tone the page starts (oscillator type and frequency), and every camera stream it opens.
    await page.addInitScript(() => {
      const w = window as unknown as { __tones: string[]; __streams: MediaStream[] };
      w.__tones = [];
      w.__streams = [];
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        const osc = create.call(this);
        const start = osc.start.bind(osc);
        osc.start = (when?: number) => {
          w.__tones.push(`${osc.type}:${osc.frequency.value}`);
          start(when);
        };
        return osc;
      };
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        w.__streams.push(stream);
        return stream;
      };
    });
    await page.goto(station.uiUrl);
    await page.locator('[data-app-state="ready"]').waitFor();
    await page.goto(`${station.baseUrl}/#/batches/${batch}`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  function readdirPgm(dir: string): string {
    const out = readdirSync(dir).find((f) => f.startsWith('label-') && f.endsWith('.pgm'));
    if (!out) throw new Error('pdftoppm wrote no page');
    return join(dir, out);
  }

  const field = () => page.getByRole('textbox', { name: 'Scan a label' });
  const flash = () => page.locator('[data-scan-flash]');
  const tones = () => page.evaluate(() => (window as unknown as { __tones: string[] }).__tones.splice(0));
  /** A USB scanner: the code a few ms a key, then Enter, into the scanner field. */
  const usbScan = async (code: string) => {
    await field().click();
    await page.keyboard.type(code, { delay: 3 });
    await page.keyboard.press('Enter');
  };
  const device = async (name: string) => (await rpc('devices.get', { name })) as { locationNote: string | null; installedAt: string | null };

  it('finds a device by its manufacturer MAC or serial sticker, with a big banner and a tone; a wrong code buzzes', async () => {
    await visible(field());
    await usbScan('aabbcc000002');
    await until(() => flash().getAttribute('data-scan-flash'), 'ok');
    expect(await flash().textContent()).toBe('Found pump-02by its MAC address');
    expect(await tones()).toEqual(['sine:880', 'sine:1320']);
    await page.screenshot({ path: join(screenshots, 'scan-found-by-mac.png'), animations: 'disabled' });

    await usbScan('SN-0001');
    await until(() => flash().textContent(), 'Found pump-01by its serial number');

    await usbScan('NOT-OURS-42');
    await until(() => flash().getAttribute('data-scan-flash'), 'fail');
    expect(await flash().textContent()).toBe('Not found: NOT-OURS-42');
    // Why, in the error notice (an alert for screen readers), once.
    expect(await page.getByRole('alert').filter({ hasText: /not a Fieldstation label, nor a device's name, serial number or MAC address/ }).count()).toBe(1);
    expect(await tones()).toEqual(['sine:880', 'sine:1320', 'square:220', 'square:196']);
    await page.screenshot({ path: join(screenshots, 'scan-not-found.png'), animations: 'disabled' });

    // Muted: the banner still says it, no sound; the choice is remembered.
    await page.getByRole('checkbox', { name: 'Sound on each scan' }).uncheck();
    await usbScan('SN-0002');
    await until(() => flash().textContent(), 'Found pump-02by its serial number');
    expect(await tones()).toEqual([]);
    await page.reload();
    await visible(field());
    expect(await page.getByRole('checkbox', { name: 'Sound on each scan' }).isChecked()).toBe(false);
    await page.getByRole('checkbox', { name: 'Sound on each scan' }).check();
  });

  it('asks before a repeat scan moves a device, showing where it is and where this scan is', async () => {
    await page.getByRole('textbox', { name: 'Location note' }).fill('Room 1');
    await page.getByRole('checkbox', { name: 'Mark each scanned device installed here' }).check();
    await usbScan('SN-0001');
    await until(() => flash().textContent(), 'Checked in: pump-01“Room 1”');
    expect((await device('pump-01')).locationNote).toBe('Room 1');

    // The same label at another place: nothing changes until the technician decides.
    await page.getByRole('textbox', { name: 'Location note' }).fill('Room 2');
    await usbScan('SN-0001');
    await until(() => flash().getAttribute('data-scan-flash'), 'ask');
    expect(await flash().textContent()).toBe('pump-01 is already installed elsewhereMove it, or keep it where it is?');
    expect(await tones()).toContain('triangle:660');
    const move = page.getByRole('region', { name: 'Move pump-01?' });
    expect(await move.locator('[data-move-old]').textContent()).toMatch(/^“Room 1” · /);
    expect(await move.locator('[data-move-new]').textContent()).toBe('“Room 2”');
    expect((await device('pump-01')).locationNote).toBe('Room 1');
    await page.screenshot({ path: join(screenshots, 'scan-move-ask.png'), animations: 'disabled' });
    await move.getByRole('button', { name: 'Keep it at “Room 1”' }).click();
    await until(() => flash().textContent(), 'pump-01 stays where it is“Room 1”');
    expect((await device('pump-01')).locationNote).toBe('Room 1');

    await usbScan('SN-0001');
    await move.getByRole('button', { name: 'Move it to “Room 2”' }).click();
    await until(() => flash().textContent(), 'Checked in: pump-01“Room 2”');
    expect((await device('pump-01')).locationNote).toBe('Room 2');
    // The same place again is no question.
    await usbScan('SN-0001');
    await until(() => flash().textContent(), 'pump-01 is already installed here“Room 2”');
  });

  it("reads a label's QR code through the camera and checks the device in; closing releases the camera", async () => {
    await page.getByRole('textbox', { name: 'Location note' }).fill('Shelf 9');
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await visible(page.locator('video[aria-label="Camera view"]'));
    await until(() => flash().textContent(), 'Checked in: pump-03“Shelf 9”', 30_000);
    expect((await device('pump-03')).locationNote).toBe('Shelf 9');
    await page.screenshot({ path: join(screenshots, 'scan-camera.png'), animations: 'disabled' });
    // The label stays in front of the camera: it is not checked in again and again.
    const events = (await rpc('devices.events', { name: 'pump-03' })) as { kind: string }[];
    expect(events.filter((e) => e.kind === 'device.installed')).toHaveLength(1);

    await page.getByRole('button', { name: 'Close camera' }).click();
    await until(() => page.locator('video').count(), 0);
    expect(
      await page.evaluate(() =>
        (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) => s.getTracks()).map((t) => t.readyState),
      ),
    ).toEqual(['ended']);
    await visible(page.getByRole('button', { name: 'Scan with camera' }));
  });
});

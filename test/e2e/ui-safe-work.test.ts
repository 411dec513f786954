import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_LOGIN_MESSAGE } from '../../electron/station/sync/thingsboard.ts';
import { type AdminRpc, openServedUi, type ServedUi } from '../support/served-ui.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { screenshots, uiWaits } from '../support/ui-waits.ts';

/*
 * Issue 15, from the technician's side: printing that asks before 60 labels and can be cancelled, downloads that do
 * not count as printed, work kept when leaving a screen (and a question before closing), a profile secret change
 * that names the devices it strands, and a sync target tested before it is saved and edited afterwards.
 */

const batch = 'plant-3';
const devices = Array.from({ length: 60 }, (_, i) => `boiler-${String(i + 1).padStart(3, '0')}`);
const { until, visible } = uiWaits(15_000);
const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `safe-work-${name}.png`), fullPage: true, animations: 'disabled' });

/** A label printer's port 9100 on loopback: keeps each job's bytes; `paused`, it reads nothing (a slow printer). */
async function rawPrinter(paused = false) {
  const jobs: Promise<string>[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: paused }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const chunks: Buffer[] = [];
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => chunks.push(c));
    jobs.push(once(socket, 'close').then(() => Buffer.concat(chunks).toString('utf8')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    jobs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
const labelsIn = (zpl: string) => zpl.match(/\^XA/g)?.length ?? 0;

describe('a safe day: printing, unsaved work, secrets, sync targets', () => {
  let ui: ServedUi | undefined;
  let page: Page;
  let rpc: AdminRpc;
  let cloud: ThingsBoardCloud;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    cloud = await startThingsBoardCloud({ profiles: ['boilers'] });
    ui = await openServedUi({
      prefix: 'fieldstation-safe-work-',
      args: ['--bind', '127.0.0.1', '--listeners', 'none'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'boilers', provisionDeviceKey: 'boilers-key-0001', provisionDeviceSecret: 'boilers-secret-01', strategy: 'check-pre-provisioned' });
        await rpc('batches.create', { name: batch, site: 'North plant', profile: 'boilers' });
        await rpc('devices.import', { profile: 'boilers', batch, text: `name\n${devices.join('\n')}\n` });
        await rpc('tokens.issue', { batch, perDevice: true });
      },
    });
    ({ page, rpc } = ui);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
    await ui?.close();
    await cloud?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const batchTab = (name: string) => page.getByRole('navigation', { name: 'Batch sections' }).getByRole('link', { name: new RegExp(`^${name}`) }).click();
  const openBatch = async () => {
    await nav('Batches');
    await page.getByRole('link', { name: batch }).first().click();
    await visible(page.getByRole('heading', { name: batch, level: 1 }));
  };
  const printCard = () => page.getByRole('region', { name: 'Print', exact: true });
  const checkOk = () => until(() => page.locator('[data-check-ok]').getAttribute('data-check-ok'), 'true');

  it('a downloaded PDF does not count as printed until the technician says it printed', async () => {
    await openBatch();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('p');
    await visible(page.getByRole('heading', { name: `Labels for ${batch}`, level: 1 }));
    await page.getByRole('checkbox', { name: 'Only labels never printed before' }).check();
    await checkOk();
    await visible(page.getByText(/^60 labels on 2 pages/));

    const [download] = await Promise.all([page.waitForEvent('download'), printCard().getByRole('button', { name: /Download PDF/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    await visible(printCard().getByText(/A downloaded file does not count as printed/));
    // Still all 60: a download is not a print.
    const stillUnprinted = await rpc('labels.check', { batch, template: 'avery-5160', selection: { unprintedOnly: true } });
    expect(stillUnprinted).toMatchObject({ labels: 60 });
    await shot(page, 'downloaded');

    await printCard().getByRole('button', { name: 'They printed: mark 60 labels as printed' }).click();
    await visible(printCard().getByRole('status').filter({ hasText: 'Marked 60 labels as printed.' }));
    expect(await rpc('labels.check', { batch, template: 'avery-5160', selection: { unprintedOnly: true } })).toMatchObject({ labels: 0 });
    await page.getByRole('checkbox', { name: 'Only labels never printed before' }).uncheck();
  }, 90_000);

  it('a network label printer: one test label, a confirmation naming 60 labels, then a 6,000-label job cancelled', async () => {
    const printer = await rawPrinter();
    closers.push(printer.close);
    await page.getByRole('radio', { name: /Zebra direct-thermal roll, 2 × 1 in/ }).check();
    await checkOk();
    await printCard().getByRole('textbox', { name: 'Network label printer' }).fill('127.0.0.1');
    await printCard().getByRole('textbox', { name: 'Port' }).fill(String(printer.port));

    await printCard().getByRole('button', { name: 'Send one test label' }).click();
    await visible(printCard().getByRole('status').filter({ hasText: 'Sent one test label to 127.0.0.1.' }));
    expect(labelsIn(await printer.jobs[0]!)).toBe(1);

    // 60 labels: asked first, with the number and the printer; "Cancel" sends nothing.
    await printCard().getByRole('button', { name: 'Send', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Send 60 labels to 127.0.0.1?' });
    await visible(confirm);
    await shot(page, 'confirm-print');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await until(() => confirm.count(), 0);
    expect(printer.jobs).toHaveLength(1);
    await printCard().getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('dialog', { name: 'Send 60 labels to 127.0.0.1?' }).getByRole('button', { name: 'Print 60 labels' }).click();
    await visible(printCard().getByRole('status').filter({ hasText: 'Sent 60 labels to 127.0.0.1.' }));
    expect(labelsIn(await printer.jobs[1]!)).toBe(60);

    // 100 copies of each: 6,000 labels to a printer that takes its time; cancelled while sending.
    const slow = await rawPrinter(true);
    closers.push(slow.close);
    await printCard().getByRole('textbox', { name: 'Port' }).fill(String(slow.port));
    await page.getByRole('spinbutton', { name: 'Copies of each label' }).fill('100');
    await visible(page.getByText(/^6,000 labels on 6,000 pages/));
    await checkOk();
    await printCard().getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('dialog', { name: 'Send 6,000 labels to 127.0.0.1?' }).getByRole('button', { name: 'Print 6,000 labels' }).click();
    const sending = printCard().getByRole('group', { name: 'Sending labels' });
    await visible(sending);
    await until(async () => Number(await sending.getByRole('progressbar').getAttribute('value')) > 0, true);
    await shot(page, 'sending');
    const printedBefore = ((await rpc('labels.history', { device: 'boiler-001' })) as { count: number }).count;
    await sending.getByRole('button', { name: 'Cancel printing' }).click();
    const cancelled = printCard().getByRole('status').filter({ hasText: /^Cancelled after sending [\d,]+ of 6,000 labels to 127\.0\.0\.1\./ });
    await visible(cancelled, 30_000);
    await visible(printCard().getByText(/none is marked printed/));
    await until(() => sending.count(), 0);
    // Whatever the printer got before the reset, none of it is claimed as printed.
    expect(((await rpc('labels.history', { device: 'boiler-001' })) as { count: number }).count).toBe(printedBefore);
    await page.getByRole('spinbutton', { name: 'Copies of each label' }).fill('1');
  }, 120_000);

  it('keeps import fixes and profile edits when the technician leaves the screen, and asks before closing', async () => {
    await openBatch();
    await batchTab('Import');
    const list = `name,mac\nboiler-101,3C:71:BF:00:01:01\nboiler-102,not-a-mac\n`;
    await page.getByLabel('Device list file').setInputFiles({ name: 'late-delivery.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
    const problems = page.getByRole('list', { name: 'Problems in late-delivery.csv' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'Line 3' });
    await visible(problem);
    await problem.getByRole('button', { name: 'Correct it' }).click();
    const cell = page.getByRole('textbox', { name: 'New mac for line 3' });
    await cell.fill('3C:71:BF:00:01:02');
    await cell.press('Enter');
    await visible(page.locator('[data-check="ok"]'));

    // Another tab, another screen, back: the file and its fix are still there.
    await batchTab('Devices');
    await nav('Sync');
    await openBatch();
    await batchTab('Import');
    await visible(page.getByText('late-delivery.csv', { exact: true }));
    await visible(page.locator('[data-check="ok"]'));
    await visible(page.getByRole('button', { name: 'Import 2 devices' }));

    // Profile edits: typed, left, found again.
    await nav('Profiles');
    const form = page.getByRole('form', { name: 'Edit “boilers”' });
    await visible(form);
    await form.getByRole('textbox', { name: 'Offline after' }).fill('5m');
    await nav('Batches');
    await nav('Profiles');
    await until(() => form.getByRole('textbox', { name: 'Offline after' }).inputValue(), '5m');
    await visible(form.getByText('Unsaved changes'));

    // Closing the window (or reloading) with unsaved work asks first; staying keeps it.
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    await until(() => form.getByRole('textbox', { name: 'Offline after' }).inputValue(), '5m');
  }, 90_000);

  it('a new provision secret names the 60 devices it strands before it is saved', async () => {
    const form = page.getByRole('form', { name: 'Edit “boilers”' });
    await form.getByRole('textbox', { name: 'Provision secret' }).fill('boilers-secret-02');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the provision secret of “boilers”?' });
    await visible(dialog);
    await visible(dialog.getByText('60 devices use this profile. Firmware with the old provision secret will stop provisioning: 60 are still pending', { exact: false }));
    await shot(page, 'secret-change');
    await dialog.getByRole('button', { name: 'Keep the old provision secret' }).click();
    const stored = async () => ((await rpc('profiles.list', {})) as { provisionDeviceSecret: string }[])[0]!.provisionDeviceSecret;
    expect(await stored()).toBe('boilers-secret-01');

    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('dialog', { name: 'Change the provision secret of “boilers”?' }).getByRole('button', { name: 'Change it for 60 devices' }).click();
    await until(stored, 'boilers-secret-02');
    await until(() => form.getByText('Unsaved changes').count(), 0);
  }, 60_000);

  it('a sync target is tested before it is saved, and edited afterwards', async () => {
    await nav('Sync');
    await page.getByRole('button', { name: 'Add target' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a sync target' });
    await visible(dialog);
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('cloud');
    await dialog.getByRole('textbox', { name: 'URL' }).fill(cloud.url);
    await dialog.getByRole('textbox', { name: 'User name' }).fill('tenant@thingsboard.org');
    await dialog.getByLabel('Password').fill('wrong-password');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: BAD_LOGIN_MESSAGE }));
    await dialog.getByLabel('Password').fill('tenant');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: 'accepted these credentials (not saved yet)' }));
    expect(await rpc('sync.targets.list', {})).toEqual([]);
    await shot(page, 'sync-test');
    await dialog.getByRole('button', { name: 'Add target' }).click();
    const card = page.getByRole('listitem', { name: 'Sync target cloud' });
    await visible(card);

    // Edited in place: the stored password stays when the field is left empty; a changed one is tested first.
    await card.getByRole('button', { name: 'Edit…' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit sync target cloud' });
    await visible(edit);
    expect(await edit.getByRole('textbox', { name: 'URL' }).inputValue()).toBe(cloud.url);
    await edit.getByRole('button', { name: 'Test connection' }).click();
    await visible(edit.getByRole('status').filter({ hasText: 'accepted these credentials' }));
    await edit.getByLabel('Password').fill('not-it');
    await edit.getByRole('button', { name: 'Test connection' }).click();
    await visible(edit.getByRole('status').filter({ hasText: BAD_LOGIN_MESSAGE }));
    await edit.getByRole('checkbox', { name: /Create device profiles/ }).check();
    await edit.getByLabel('Password').fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await until(() => edit.count(), 0);
    expect(await rpc('sync.targets.list', {})).toMatchObject([{ name: 'cloud', allowCreateProfiles: true, status: 'idle' }]);
    await card.getByRole('button', { name: 'Test connection' }).click();
    await visible(card.getByRole('status').filter({ hasText: "accepted this station's credentials" }));
    expect(ui!.browser.problems.all).toEqual([]);
  }, 60_000);
});

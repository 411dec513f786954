/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedToken } from '../../shared/tokens.ts';
import { openBrowser } from '../support/browser.ts';
import { findOverflow, seriousAxeViolations } from '../support/layout-probe.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { startThingsBoardCloud, type ThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { uiWaits } from '../support/ui-waits.ts';

/*
 * The workbench on a tablet and a phone: every screen at 768×1024 (tablet portrait) and 1280×800 (a small laptop),
 * the check-in flows (a batch's scanner and devices, a device's drawer, the hand-over progress) also at 390×844 (a
 * phone). Nothing may stick out past the right edge, measured from the page: the document's scroll width and every
 * element's box. The only exception is a box that scrolls sideways on purpose and says so (`data-scroll-x`): the
 * label sheet previewed at true scale (an A4 sheet is 794 px wide; shrinking it would lie about the print).
 * Then axe-core on every screen and main dialog in each theme: no serious or critical violation.
 */

const shots = join(process.cwd(), 'test-results', 'layout');
const batch = 'north-wing-delivery-2';
const { until, visible } = uiWaits(10_000);

interface Screen {
  name: string;
  hash: string;
  /** Checked down to phone width. */
  checkIn?: boolean;
  ready: (page: Page) => Locator;
}

const h1 = (name: string) => (page: Page) => page.getByRole('heading', { level: 1, name, exact: true });
const screens: Screen[] = [
  { name: 'server', hash: '#/server', ready: (p) => p.getByRole('grid', { name: 'Provisioning attempts' }) },
  { name: 'batches', hash: '#/batches', ready: (p) => p.getByRole('table', { name: 'Batches' }).getByRole('link', { name: batch }) },
  { name: 'batch-devices', hash: `#/batches/${batch}`, checkIn: true, ready: (p) => p.getByRole('grid', { name: `Devices of batch ${batch}` }).getByRole('row', { name: /meter-0003/ }) },
  { name: 'batch-device-drawer', hash: `#/batches/${batch}/devices/meter-0001`, checkIn: true, ready: (p) => p.getByRole('dialog', { name: 'meter-0001' }).getByText('Used', { exact: true }) },
  { name: 'batch-tokens', hash: `#/batches/${batch}/tokens`, ready: (p) => p.getByRole('grid', { name: `Tokens of batch ${batch}` }).getByRole('row', { name: /meter-0003/ }) },
  { name: 'batch-import', hash: `#/batches/${batch}/import`, ready: (p) => p.getByLabel('Device list file') },
  { name: 'batch-attributes', hash: `#/batches/${batch}/attributes`, ready: h1(batch) },
  { name: 'batch-handover', hash: `#/batches/${batch}/handover`, checkIn: true, ready: (p) => p.getByRole('table', { name: 'Hand-over of each device' }).getByText('meter-0001') },
  { name: 'devices', hash: '#/devices', ready: (p) => p.getByRole('grid', { name: 'Devices' }).getByRole('row', { name: /meter-0003/ }) },
  { name: 'device-drawer', hash: '#/devices/meter-0001', checkIn: true, ready: (p) => p.getByRole('dialog', { name: 'meter-0001' }).getByText('Used', { exact: true }) },
  { name: 'labels', hash: '#/labels', ready: h1('Labels') },
  { name: 'labels-batch', hash: `#/labels/${batch}`, ready: (p) => p.getByRole('listitem', { name: 'Label for meter-0003' }) },
  { name: 'sync', hash: '#/sync', ready: (p) => p.getByRole('listitem', { name: 'Sync target cloud', exact: true }) },
  { name: 'profiles', hash: '#/profiles', ready: h1('Profiles') },
];

const sizes = [
  { width: 768, height: 1024 },
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

describe('layout from phone to laptop, and axe-core on every screen', () => {
  let ui: ServedUi | undefined;
  let page: Page;
  let cloud: ThingsBoardCloud;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    ui = await openServedUi({
      prefix: 'fieldstation-layout-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (rpc) => {
        await rpc('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-00001', provisionDeviceSecret: 'meters-secret-001', strategy: 'check-pre-provisioned' });
        await rpc('batches.create', { name: batch, site: 'North wing, building 4', profile: 'meters' });
        await rpc('devices.import', {
          profile: 'meters',
          batch,
          text: 'name,serial,mac\nmeter-0001,SN-1001-ABCDEFGH,3C:71:BF:00:00:01\nmeter-0002,SN-1002,3C:71:BF:00:00:02\nmeter-0003,SN-1003,\n',
        });
        await rpc('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
      },
    });
    page = ui.page;
    // One device provisions over HTTP (curl's request, from Node's fetch), so its drawer has history and it can be handed over.
    const { tokens } = (await ui.rpc('tokens.issue', { batch, perDevice: true })) as { tokens: IssuedToken[] };
    const first = tokens.find((t) => t.device === 'meter-0001')!;
    const answer = await fetch(`http://127.0.0.1:${ui.station.ports.http}/api/v1/provision`, {
      method: 'POST',
      body: JSON.stringify({ deviceName: 'meter-0001', provisionDeviceKey: first.key, provisionDeviceSecret: first.secret }),
    });
    expect(await answer.json()).toMatchObject({ status: 'SUCCESS' });
    await ui.rpc('handover.start', { batch, target: 'cloud' });
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await cloud?.close();
  });

  const open = async (screen: Screen) => {
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, screen.hash);
    await visible(screen.ready(page));
  };

  /** Waits for the layout to settle (tables fit their columns after a resize) with nothing past the right edge. */
  const expectNoOverflow = async (what: string) => {
    await expect
      .poll(async () => {
        const o = await findOverflow(page);
        return { pageWiderThanWindow: o.scrollWidth > o.innerWidth, elements: o.elements };
      }, { timeout: 5000, interval: 100, message: `${what}: something is wider than the window` })
      .toEqual({ pageWiderThanWindow: false, elements: [] });
  };

  for (const size of sizes) {
    const label = `${size.width}x${size.height}`;
    const shown = screens.filter((s) => size.width >= 768 || s.checkIn);
    it(`at ${label}: ${shown.map((s) => s.name).join(', ')} fit the window`, async () => {
      await page.setViewportSize(size);
      for (const screen of shown) {
        await open(screen);
        await expectNoOverflow(`${screen.name} at ${label}`);
        // On a phone the whole page, top to bottom: what a thumb scrolls through.
        await page.screenshot({ path: join(shots, `${label}-${screen.name}.png`), animations: 'disabled', fullPage: size.width < 768 });
      }
    }, 120_000);
  }

  it('folds the top navigation into a Menu button on a tablet; Esc closes it and gives the focus back', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await open(screens[0]!);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    expect(await nav.getByRole('link', { name: 'Devices' }).isVisible()).toBe(false);
    await menu.focus();
    await page.keyboard.press('Enter');
    await until(() => menu.getAttribute('aria-expanded'), 'true');
    await visible(nav.getByRole('link', { name: 'Devices' }));
    await expectNoOverflow('the open menu');
    await page.screenshot({ path: join(shots, '768x1024-menu-open.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await until(() => menu.getAttribute('aria-expanded'), 'false');
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    // A link chosen from the menu opens its screen and folds the menu again.
    await page.keyboard.press('Enter');
    await nav.getByRole('link', { name: 'Devices' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Devices' }));
    await until(() => menu.getAttribute('aria-expanded'), 'false');
    // At laptop width the links are back in the bar and the button is gone.
    await page.setViewportSize({ width: 1280, height: 800 });
    await visible(nav.getByRole('link', { name: 'Devices' }));
    expect(await menu.isVisible()).toBe(false);
  });

  it('fits the main dialogs on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(screens.find((s) => s.name === 'batch-devices')!);
    await page.getByRole('grid', { name: `Devices of batch ${batch}` }).getByRole('checkbox', { name: 'Select all shown devices' }).check();
    await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Revoke tokens' }).click();
    const revoke = page.getByRole('dialog', { name: /Revoke/ });
    await visible(revoke);
    await expectNoOverflow('the revoke dialog at 390');
    await page.screenshot({ path: join(shots, '390x844-dialog-revoke.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await until(() => revoke.count(), 0);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await visible(help);
    await expectNoOverflow('the shortcuts dialog at 390');
    await page.screenshot({ path: join(shots, '390x844-dialog-help.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await until(() => help.count(), 0);
  });

  it('gives every control a 44 px target on a touch screen (the check-in flows on a phone)', async () => {
    const touch = await openBrowser({ viewport: { width: 390, height: 844 }, hasTouch: true });
    try {
      const phone = touch.page;
      await phone.goto(ui!.station.uiUrl);
      await phone.locator('[data-app-state="ready"]').waitFor();
      expect(await phone.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
      const small: Record<string, string[]> = {};
      for (const screen of screens.filter((s) => s.checkIn)) {
        await phone.evaluate((hash) => {
          window.location.hash = hash;
        }, screen.hash);
        await visible(screen.ready(phone));
        const found = await phone.evaluate(() => {
          // Controls a finger presses; links inside running text are exempt (WCAG 2.5.5's inline exception).
          const controls = document.querySelectorAll<HTMLElement>(
            'button, a[href]:not(p a), input:not([type="hidden"]), select, textarea, .vtable-body [role="row"]',
          );
          const out: string[] = [];
          for (const el of controls) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || el.closest('.visually-hidden, .skip-link')) continue;
            const box = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') ?? el.parentElement!).getBoundingClientRect() : r;
            if (box.height < 43.5 || box.width < 43.5) out.push(`${el.outerHTML.slice(0, 90)} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}” ${Math.round(box.width)}×${Math.round(box.height)}`);
          }
          return out;
        });
        if (found.length > 0) small[screen.name] = found;
        await phone.screenshot({ path: join(shots, `390x844-touch-${screen.name}.png`), animations: 'disabled' });
      }
      expect(small).toEqual({});
    } finally {
      await touch.close();
    }
  }, 60_000);

  for (const theme of ['light', 'dark', 'contrast'] as const) {
    it(`axe-core finds no serious or critical violation on any screen or main dialog (${theme} theme)`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.evaluate((t) => localStorage.setItem('fieldstation.theme', t), theme);
      await page.reload();
      await page.locator('[data-app-state="ready"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      const found: Record<string, unknown> = {};
      const check = async (name: string) => {
        const v = await seriousAxeViolations(page);
        if (v.length > 0) found[name] = v;
      };
      for (const screen of screens) {
        await open(screen);
        await check(screen.name);
        if (screen.name === 'batch-devices' || screen.name === 'server') {
          await page.screenshot({ path: join(shots, `theme-${theme}-${screen.name}.png`), animations: 'disabled' });
        }
      }
      // The main dialogs: a new batch, issuing tokens, a sync target, the shortcuts.
      await open(screens.find((s) => s.name === 'batches')!);
      await page.getByRole('button', { name: 'New batch' }).first().click();
      await visible(page.getByRole('dialog', { name: 'New batch' }));
      await check('dialog new batch');
      await page.keyboard.press('Escape');
      await open(screens.find((s) => s.name === 'batch-devices')!);
      await page.getByRole('grid', { name: `Devices of batch ${batch}` }).getByRole('checkbox', { name: 'Select all shown devices' }).check();
      await page.getByRole('region', { name: 'Selected devices' }).getByRole('button', { name: 'Issue tokens' }).click();
      await visible(page.getByRole('dialog', { name: /Issue tokens/ }));
      await check('dialog issue tokens');
      await page.keyboard.press('Escape');
      await open(screens.find((s) => s.name === 'sync')!);
      await page.getByRole('button', { name: 'Add target' }).first().click();
      await visible(page.getByRole('dialog', { name: 'Add a sync target' }));
      await check('dialog add target');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await visible(page.getByRole('dialog', { name: 'Keyboard shortcuts' }));
      await check('dialog shortcuts');
      await page.keyboard.press('Escape');
      expect(found).toEqual({});
    }, 120_000);
  }
});

/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../support/serve-process.ts';
import { openBrowser } from '../support/browser.ts';
import { openServedUi, type ServedUi } from '../support/served-ui.ts';
import { screenshots } from '../support/ui-waits.ts';

/*
 * Languages as a technician meets them. In the pseudo-locale en-XA every message is accented, ~40% longer and
 * bracketed, so any English left on a screen was never translated: every screen and the main dialogs and tabs are
 * visited and each visible text node, aria-label, title and placeholder must be pseudo-localized, or be data (names,
 * numbers, codes, addresses) that the allow-list below names. The longer text must not push anything wider than a
 * 1280×800 window. Then German: a sample of strings per screen is German, numbers use German separators, and the
 * choice survives a reload.
 */

const run = promisify(execFile);
const viewport = { width: 1280, height: 800 };

/** Data on screen that no translation changes: what the seed created, and things that are names or numbers. */
const dataPatterns: RegExp[] = [
  /^(meters|north|North wing|meter-7|meter-8|meters-key-0001|Fieldstation)$/,
  // The language picker names each language in itself.
  /^(English|Deutsch|Pseudo \(en-XA\))$/,
  // Transport names on their chips and protocol names; ThingsBoard's outcome codes (a badge's title).
  /^(HTTP|HTTPS|MQTT|MQTTS|COAP)$/,
  /^(SUCCESS|NOT_FOUND|FAILURE|BAD_REQUEST)$/,
  // ThingsBoard's attribute scopes, a command name as an example, example addresses.
  /^(client|shared|server|blink)$/,
  /^https?:\/\/\S+$/,
  // A network interface and its address (the bind choice).
  /^[\w.-]+ · [\d.:a-f]+$/,
  // Units after a number, and the `×` of a label size.
  /^(mm|dpi|s|×)$/,
  // Label fields a stock shows (the engine's names for them).
  /^(name|shortCode|serial|batch|site)(, (name|shortCode|serial|batch|site))*$/,
  // Dates and times from Intl in the pseudo-locale's base language (en): "Dec 4, 2026, 8:03:12 AM", "08:03:12 AM".
  /^([A-Z][a-z]{2} \d{1,2}, \d{4}, )?\d{1,2}:\d{2}(:\d{2})?\s?(AM|PM)?$/,
  // Relative times from Intl.RelativeTimeFormat ("3 min. ago").
  /^\d+ (sec|min|hr|day)\.? ago$/,
];

/**
 * Where text is data by nature: code and keys, times, the label preview (a label prints in its batch's language), and
 * the station's own words (`data-station-words`: reasons and messages the API gives in English for scripts).
 */
const dataContainers = 'code, kbd, pre, time, textarea, .sheet, .template-choice .choice-title, table.kv tbody th, [data-station-words]';

interface Leftover {
  text: string;
  where: string;
}

/** Every visible text node and text attribute that has a plain ASCII letter and no pseudo-locale accent. */
async function untranslated(page: Page, patterns: readonly RegExp[], containers: string): Promise<Leftover[]> {
  return page.evaluate(
    ({ sources, skip }) => {
      const allowed = sources.map((s) => new RegExp(s));
      // en-XA (FormatJS) keeps ASCII letters only in placeholders' values; its own letters are from Latin Extended.
      const english = (text: string) => /[A-Za-z]/.test(text) && !/[\u00C0-\u024F\u1E00-\u1EFF]/.test(text);
      const isData = (text: string) => allowed.some((re) => re.test(text.trim()));
      const path = (el: Element | null) => {
        const parts: string[] = [];
        for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
          parts.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''));
        }
        return parts.join(' > ');
      };
      const shown = (el: Element) => el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions) || el.closest('select') !== null;
      const found: { text: string; where: string }[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        const parent = node.parentElement;
        if (!parent || !text.trim() || parent.closest(`script, style, ${skip}`) || !shown(parent)) continue;
        if (english(text) && !isData(text)) found.push({ text: text.trim(), where: path(parent) });
      }
      for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
        if (el.closest(skip) || !shown(el)) continue;
        for (const attribute of ['aria-label', 'title', 'placeholder']) {
          const text = el.getAttribute(attribute);
          if (text && english(text) && !isData(text)) found.push({ text: `${attribute}="${text}"`, where: path(el) });
        }
      }
      return found;
    },
    { sources: patterns.map((p) => p.source), skip: containers },
  );
}

/** Elements wider than the window, and whether the page scrolls sideways. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const wide: string[] = [];
    if (document.documentElement.scrollWidth > width) wide.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px)`);
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width > width + 0.5) wide.push(`${el.tagName.toLowerCase()}.${String(el.className)} is ${Math.round(rect.width)}px wide`);
    }
    return wide.slice(0, 10);
  });
}

describe('languages: every string translated, layouts that stretch', () => {
  let ui: ServedUi | undefined;
  let station: ServeProcess;
  let page: Page;
  let pendingProvision: { key: string; secret: string } | undefined;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ui = await openServedUi({
      prefix: 'fieldstation-languages-',
      args: ['--bind', '127.0.0.1', '--listeners', 'http'],
      seed: async (call) => {
        await call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key-0001', provisionDeviceSecret: 'meters-secret-01', strategy: 'allow-create' });
        await call('batches.create', { name: 'north', site: 'North wing', profile: 'meters' });
        await call('devices.add', { profile: 'meters', batch: 'north', name: 'meter-7' });
        await call('devices.add', { profile: 'meters', batch: 'north', name: 'meter-8' });
        const issued = (await call('tokens.issue', { batch: 'north', perDevice: true })) as { tokens: { device: string; key: string; secret: string }[] };
        const token = issued.tokens.find((t) => t.device === 'meter-7')!;
        // meter-7 provisions with its label's token, as its firmware would (curl, over the station's HTTP listener).
        pendingProvision = { key: token.key, secret: token.secret };
      },
    });
    ({ station, page } = ui);
    await page.setViewportSize(viewport);
    const { stdout } = await run('curl', [
      '-s',
      '-X',
      'POST',
      `http://127.0.0.1:${station.ports.http}/api/v1/provision`,
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ deviceName: 'meter-7', provisionDeviceKey: pendingProvision!.key, provisionDeviceSecret: pendingProvision!.secret }),
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'SUCCESS' });
  }, 60_000);
  afterAll(async () => {
    await ui?.close();
  });

  async function chooseLanguage(locale: string) {
    await page.locator('[data-language-picker]').selectOption(locale);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale);
  }

  /** Opens a place by its address and waits for its heading (and, on a batch, its tabs). */
  async function visit(hash: string) {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
    await page.locator('main h1').first().waitFor();
    await expect.poll(() => page.locator('main [aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  }

  async function expectPseudo(name: string) {
    await page.screenshot({ path: join(screenshots, `languages-en-XA-${name}.png`), fullPage: true, animations: 'disabled' });
    expect.soft(await untranslated(page, dataPatterns, dataContainers), `untranslated text on ${name}`).toEqual([]);
    expect.soft(await overflow(page), `wider than ${viewport.width}px on ${name}`).toEqual([]);
  }

  it('shows no untranslated text and nothing wider than the window in the pseudo-locale, on every screen and dialog', async () => {
    await chooseLanguage('en-XA');

    await visit('#/server');
    await page.locator('[data-outcome-count="SUCCESS"] strong', { hasText: '1' }).waitFor();
    await expectPseudo('server');

    await visit('#/batches');
    await page.locator('[data-batch="north"]').waitFor();
    await expectPseudo('batches');
    await page.keyboard.press('b');
    await page.locator('dialog[open]').waitFor();
    await expectPseudo('new-batch-dialog');
    await page.keyboard.press('Escape');

    await visit('#/batches/north');
    await page.locator('[data-batch-result-count="2"]').waitFor();
    await expectPseudo('batch-devices');
    await page.locator('.batch-devices-table input[type="checkbox"]').first().check();
    await page.locator('.bulk-actions .btn').first().click();
    await page.locator('dialog[open]').waitFor();
    await expectPseudo('issue-tokens-dialog');
    await page.keyboard.press('Escape');

    await visit('#/batches/north/tokens');
    await page.locator('.tokens-table .vtable-row.is-clickable').first().waitFor();
    await expectPseudo('batch-tokens');
    await page.locator('.tokens-table .vtable-row.is-clickable').first().click();
    await page.locator('dialog[open] [data-short-code]').waitFor();
    await expectPseudo('token-dialog');
    await page.keyboard.press('Escape');

    await visit('#/batches/north/import');
    await expectPseudo('batch-import');
    await visit('#/batches/north/attributes');
    await page.locator('[data-attributes-level="batch"]').waitFor();
    await expectPseudo('batch-attributes');
    await visit('#/batches/north/handover');
    await page.locator('.handover-panel .btn-primary:not([disabled])').click();
    await page.locator('dialog[open] .field-error').waitFor();
    await expectPseudo('handover-dialog');
    await page.keyboard.press('Escape');

    await visit('#/devices');
    await page.locator('[data-result-count="2"]').waitFor();
    await expectPseudo('devices');
    await visit('#/devices/meter-7');
    await page.locator('.drawer [data-recover-actions]').waitFor();
    await expectPseudo('device-drawer');

    await visit('#/labels/north');
    await page.locator('[data-check-ok]').waitFor();
    await page.locator('[data-preview-state="ready"]').waitFor();
    await expectPseudo('labels');

    await visit('#/sync');
    await expectPseudo('sync');
    await page.locator('.header-actions .btn').first().click();
    await page.locator('dialog[open]').waitFor();
    await expectPseudo('add-target-dialog');
    await page.keyboard.press('Escape');

    await visit('#/profiles');
    await page.locator('form.profile-form').waitFor();
    await expectPseudo('profiles');

    await page.keyboard.press('?');
    await page.locator('dialog[open] .shortcut-table').waitFor();
    await expectPseudo('shortcuts-dialog');
    await page.keyboard.press('Escape');
  }, 180_000);

  it('switches every screen to German, with German numbers and dates, and remembers the choice', async () => {
    // The attempt feed's rows were written in the pseudo-locale (English times, "02:03:18 PM"); choosing German on
    // the same screen writes them again, not only rows that arrive later.
    await visit('#/server');
    const feedTime = page.locator('.vtable-row time').first();
    await expect.poll(() => feedTime.textContent()).toMatch(/[AP]M$/);
    await chooseLanguage('de');
    await expect.poll(() => feedTime.textContent()).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    // The station's reason for meter-7's attempt, in German; its English words stay with the row for scripts.
    const reason = page.locator('.vtable-row [data-station-reason]').first();
    await expect.poll(() => reason.textContent()).toBe('Onboarding-Token eingelöst');
    expect(await reason.getAttribute('data-station-reason')).toBe('onboarding token redeemed');
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    for (const name of ['Server', 'Chargen', 'Geräte', 'Etiketten', 'Synchronisierung', 'Profile']) {
      await nav.getByRole('link', { name, exact: true }).waitFor();
    }

    const samples: [string, string[]][] = [
      ['#/server', ['Hierhin verbinden sich Geräte', 'Datenverzeichnis', 'Stationszertifikat', 'Ausstehend']],
      ['#/batches', ['Neue Charge', 'Fortschritt', 'Standort']],
      ['#/batches/north', ['Etikett scannen', 'Tokens ausstellen', 'Übergabe', 'Standortnotiz']],
      ['#/batches/north/tokens', ['Kurzcode', 'Verwendungen', 'Alle widerrufen …']],
      ['#/batches/north/import', ['Geräteliste', 'Datei auswählen …']],
      ['#/devices', ['Zuletzt gesehen', 'Nach Status filtern']],
      ['#/labels/north', ['Etikettenmaterial', 'Was der QR-Code enthält', 'Vorschau der ersten Seite']],
      ['#/sync', ['Noch kein Synchronisierungsziel.', 'Wartet auf Synchronisierung']],
      ['#/profiles', ['Wer sich provisionieren darf', 'Provisionierungsschlüssel', 'Gemeinsame Attribute']],
    ];
    for (const [hash, texts] of samples) {
      await visit(hash);
      for (const text of texts) {
        await expect.poll(() => page.getByText(text, { exact: true }).first().isVisible(), { timeout: 10_000, message: `“${text}” on ${hash}` }).toBe(true);
      }
      await page.screenshot({ path: join(screenshots, `languages-de-${hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '')}.png`), fullPage: true, animations: 'disabled' });
      expect.soft(await overflow(page), `wider than ${viewport.width}px on ${hash} in German`).toEqual([]);
    }

    // Plurals and the title follow the language; a date is written the German way.
    await visit('#/devices');
    await expect.poll(() => page.locator('.page-subtitle').textContent()).toMatch(/^2 Geräte · /);
    expect(await page.title()).toBe('Geräte · Fieldstation');
    await visit('#/server');
    await expect.poll(() => page.locator('.page-subtitle').first().textContent()).toMatch(/In Betrieb seit \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}/);

    // Remembered: a reload opens in German.
    await page.reload();
    await page.locator('[data-app-state="ready"]').waitFor();
    await expect.poll(() => page.getByRole('heading', { name: 'Hierhin verbinden sich Geräte' }).isVisible()).toBe(true);
    expect(await page.locator('[data-language-picker]').inputValue()).toBe('de');
  }, 120_000);
  it('keeps the language with the station: a new browser with a fresh profile opens in German; a German batch previews German labels', async () => {
    await chooseLanguage('de');
    await expect.poll(() => ui!.rpc('preferences.get', {})).toEqual({ locale: 'de' });
    await ui!.browser.close();

    // Another browser, another profile (no localStorage, no cookie): only the station knows the choice.
    const fresh = await openBrowser({ viewport });
    try {
      const p = fresh.page;
      await p.goto(station.uiUrl);
      await p.locator('[data-app-state="ready"]').waitFor();
      await p.getByRole('navigation', { name: 'Hauptnavigation' }).waitFor();
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('de');
      expect(await p.locator('[data-language-picker]').inputValue()).toBe('de');

      // A batch whose labels print in German, made in the new-batch dialog.
      await p.evaluate(() => {
        window.location.hash = '#/batches';
      });
      await p.getByRole('button', { name: 'Neue Charge' }).first().click();
      const dialog = p.getByRole('dialog', { name: 'Neue Charge' });
      await dialog.getByLabel('Name', { exact: true }).fill('ost');
      await dialog.getByLabel('Standort', { exact: true }).fill('Köln');
      await dialog.getByLabel('Etikettensprache').selectOption({ label: 'Deutsch' });
      await dialog.getByRole('button', { name: 'Charge anlegen' }).click();
      await p.getByRole('heading', { name: 'ost', level: 1 }).waitFor();
      await expect.poll(() => p.locator('.page-subtitle').first().textContent()).toContain('Etiketten auf Deutsch');
      expect(await ui!.rpc('batches.get', { batch: 'ost' })).toMatchObject({ site: 'Köln', language: 'de' });

      await ui!.rpc('devices.add', { profile: 'meters', batch: 'ost', name: 'meter-ost-1', serial: 'Z-1' });
      await ui!.rpc('tokens.issue', { batch: 'ost', perDevice: true });
      await p.evaluate(() => {
        window.location.hash = '#/labels/ost';
      });
      const label = p.getByRole('list', { name: 'Etiketten auf der ersten Seite' }).getByRole('listitem', { name: 'Etikett für meter-ost-1' });
      await label.waitFor();
      // The words the printer prints for this batch, the same table the station's PDF uses (shared/label-words.ts).
      await expect.poll(() => label.locator('.slot-text').innerText()).toContain('Charge ost');
      expect(await label.locator('.slot-text').innerText()).toContain('SN Z-1');
      expect(await label.locator('.slot-text').innerText()).not.toContain('Batch');
      // Changed beside the preview: the preview follows, and so does what the station prints.
      await p.getByLabel('Etikettensprache').selectOption({ label: 'Englisch' });
      await expect.poll(() => label.locator('.slot-text').innerText()).toContain('Batch ost');
      expect(await ui!.rpc('batches.get', { batch: 'ost' })).toMatchObject({ language: 'en' });

      // A second window on the same station (another tab, a tablet) follows a language chosen in the first, live.
      const other = await p.context().newPage();
      await other.goto(station.uiUrl);
      await other.locator('[data-app-state="ready"]').waitFor();
      expect(await other.evaluate(() => document.documentElement.lang)).toBe('de');
      await p.locator('[data-language-picker]').selectOption('en');
      await expect.poll(() => other.evaluate(() => document.documentElement.lang)).toBe('en');
      await other.getByRole('navigation', { name: 'Main' }).waitFor();
      expect(await ui!.rpc('preferences.get', {})).toEqual({ locale: 'en' });
    } finally {
      await fresh.close();
    }
  }, 120_000);
});

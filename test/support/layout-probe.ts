/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** One element that reaches past the viewport's right edge (or the page that scrolls sideways). */
export interface Overflow {
  selector: string;
  right: number;
  width: number;
}

/**
 * What sticks out sideways at the current viewport: the document's own scroll width, then every element whose box
 * reaches past the right edge. Elements inside a container that scrolls sideways on purpose (`overflow-x: auto|scroll`
 * with `data-scroll-x`) are clipped by it and skipped; so are elements that are not rendered or visually hidden.
 */
export function findOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; elements: Overflow[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const name = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 3).join('.')}` : '';
      const label = el.getAttribute('aria-label') ? `[aria-label="${el.getAttribute('aria-label')}"]` : '';
      return `${el.tagName.toLowerCase()}${id}${cls}${label}`;
    };
    const path = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && parts.length < 4 && e !== document.body; e = e.parentElement) parts.unshift(name(e));
      return parts.join(' > ');
    };
    const clipped = (el: Element) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        if (e.hasAttribute('data-scroll-x')) return true;
        const style = getComputedStyle(e);
        // A parent that clips (hidden) and itself fits: what overflows inside it is not seen and scrolls nothing.
        if ((style.overflowX === 'hidden' || style.overflowX === 'clip') && e.getBoundingClientRect().right <= innerWidth + 0.5) return true;
      }
      return false;
    };
    const elements: { selector: string; right: number; width: number }[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= innerWidth + 0.5) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed' && rect.left >= innerWidth) continue;
      if (el.closest('.visually-hidden, .skip-link')) continue;
      if (clipped(el)) continue;
      elements.push({ selector: path(el), right: Math.round(rect.right), width: Math.round(rect.width) });
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, elements: elements.slice(0, 20) };
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

/** Runs axe-core (WCAG 2.x A and AA rules, and its best practices) on the page; returns serious and critical findings. */
export async function seriousAxeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  // The station's CSP (script-src 'self') refuses an injected <script> (page.addScriptTag); evaluating the source
  // through the DevTools protocol is not a page script, so the policy stays as users get it.
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= readFileSync(axePath, 'utf8');
    await page.evaluate(axeSource);
  }
  return page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(context ? { include: [context] } : document, { resultTypes: ['violations'] });
    // A run that checked nothing would pass anything: make sure it looked.
    if (result.passes.length === 0) throw new Error('axe-core checked no rule on this page');
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }));
  }, include ?? null);
}

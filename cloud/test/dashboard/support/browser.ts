import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching out to the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } as const;

/** A fresh profile (its own IndexedDB, localStorage and service worker) at one size. */
export async function newPage(browser: Browser, size: typeof PHONE | typeof DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...size });
  return { context, page: await context.newPage() };
}

/** axe-core's serious and critical findings on the current page, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary ?? ''}`));
}

/**
 * Every visible text node (trimmed, trailing ":" dropped) plus aria-labels and placeholders, to
 * check that a language switch left no string of the other language behind. Written as a string
 * so the test's TypeScript (no DOM types) does not need the browser's.
 */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim().replace(/:$/, '');
      const element = node.parentElement;
      if (!text || !element) continue;
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden' || element.getClientRects().length === 0) continue;
      out.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label],[placeholder]')) {
      for (const name of ['aria-label', 'placeholder']) {
        const value = element.getAttribute(name);
        if (value) out.push(value.trim());
      }
    }
    return out;
  })()`);
}

/** Interactive elements smaller than 48×48 CSS pixels (touch targets), as "tag text" lines. */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const element of document.querySelectorAll('button, a[href], input:not([type=hidden]), select')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const target = element.closest('label') ?? element;
      const area = target.getBoundingClientRect();
      if (Math.max(box.height, area.height) < 47.5 || Math.max(box.width, area.width) < 47.5) out.push(element.tagName + ' ' + (element.textContent || element.getAttribute('aria-label') || '').trim().slice(0, 40));
    }
    return out;
  })()`);
}

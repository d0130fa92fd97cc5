import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching out to the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A phone-sized page (360×740, touch) on a fresh profile. */
export async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  return context.newPage();
}

/**
 * Every visible text node's words (trimmed, trailing ":" dropped), to check that a language
 * switch left no string of the other language behind. Written as a string so the test's
 * TypeScript (no DOM types) does not need to know the browser's.
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

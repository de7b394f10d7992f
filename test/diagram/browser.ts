// Headless Chromium for the diagram tests (../shared/EDITOR-HOST.md §iii): Debian's /usr/bin/chromium driven by
// playwright-core, no network. Missing Chromium is a failure with the fix in the message, not a skip.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the diagram tests render in headless Chromium. Install it with ` +
      '`apt-get install chromium` (CI does), or point CHROMIUM_PATH at a Chromium binary.');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** What a page did that it must not: dialogs opened, the payloads' `window.__pwned` flag, script errors. */
export interface Tripwires {
  dialogs: string[];
  errors: string[];
  pwned(): Promise<unknown>;
}

export function tripwires(page: Page): Tripwires {
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { dialogs, errors, pwned: () => page.evaluate('window.__pwned') };
}

/**
 * Scripts and event-handler attributes in the page's DOM: only the page's own nonce'd script may exist, and
 * no element may carry an on* attribute or a javascript: URL.
 */
export async function activeContent(page: Page): Promise<{ scripts: string[]; handlers: string[] }> {
  return page.evaluate(`(() => {
    const scripts = [...document.querySelectorAll('script')].map((s) => s.getAttribute('nonce') ? 'nonce' : 'NO-NONCE: ' + s.outerHTML.slice(0, 80));
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value)) handlers.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
      }
    }
    const frames = document.querySelectorAll('iframe, object, embed, img, svg svg').length;
    if (frames) handlers.push(frames + ' iframe/object/embed/img/nested svg elements');
    return { scripts, handlers };
  })()`) as Promise<{ scripts: string[]; handlers: string[] }>;
}

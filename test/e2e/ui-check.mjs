// What the user sees, checked with Playwright in code-server's workbench: the Problems panel lists the
// LOCK-PAIR finding, the status bar item counts it, the hover explains the lock call, the command palette
// lists the commands under "MM Review", and the protocol diagram panel draws the function at the cursor and
// reveals a step's call when it is clicked. Screenshots go to test-results/.
//
// run-code-server.mjs --ui-check calls runUiCheck() in its code-server; run alone, this file starts one, and
// with --vsix it checks a packaged extension installed from that file instead of the repository:
//   node test/e2e/ui-check.mjs [--code-server-dir DIR] [--vsix mm-review-0.1.0.vsix]
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { launchBrowser, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { DEFAULT_CODE_SERVER_DIR, REPO_ROOT, WORKSPACE } from './paths.mjs';

const RESULTS = join(REPO_ROOT, 'test-results');
const STEP_TIMEOUT = 30_000;

/** 1-based line and column of the call marked `/* expect: LOCK-PAIR *\/` in the workspace fixture. */
function markedCall() {
  const lines = readFileSync(join(WORKSPACE, 'lock-leak.c'), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes('/* expect: LOCK-PAIR */'));
  return { line: index + 1, column: lines[index].search(/\S/) + 3 };
}

/** 1-based line and column of the first occurrence of `text` in a workspace file. */
function lineOf(file, text) {
  const lines = readFileSync(join(WORKSPACE, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(text));
  return { line: index + 1, column: lines[index].indexOf(text) + 1 };
}

export async function runUiCheck(server, browser, { installed = false } = {}) {
  mkdirSync(RESULTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  const step = async (name, fn) => {
    try {
      const detail = await fn();
      passed++;
      console.log(`  ✔ ${name}${detail ? `: ${detail}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  ✘ ${name}: ${String(e.message ?? e).split('\n')[0]}`);
    }
  };
  const rowWith = (selector, text) => page.locator(selector, { hasText: text }).first();

  console.log(`UI check (Playwright, code-server workbench, extension ${installed ? 'installed from the .vsix' : 'from the repository'})`);
  try {
    await page.goto(workbenchUrl(server, { installed }));
    await step('workbench loads', () => page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT }));

    await step('lock-leak.c opens from Quick Open', async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
      await page.keyboard.press('Control+P');
      await page.keyboard.type('lock-leak.c');
      await rowWith('.quick-input-list .monaco-list-row', 'lock-leak.c').waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'lock-leak.c' }).waitFor({ timeout: STEP_TIMEOUT });
    });

    await step('status bar item counts the finding', async () => {
      const item = rowWith('.statusbar-item', 'MM Review: 1 finding');
      await item.waitFor({ timeout: STEP_TIMEOUT });
      return (await item.innerText()).trim();
    });

    await step('Problems panel lists the LOCK-PAIR finding', async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = rowWith('.markers-panel .monaco-list-row', "spinlock 'l' taken here");
      await row.waitFor({ timeout: STEP_TIMEOUT });
      const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
      if (!text.includes('LOCK-PAIR')) throw new Error(`the row does not show the rule: ${text}`);
      return text.slice(0, 140);
    });

    await step('hover on spin_lock explains the lock and the finding', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      const { line, column } = markedCall();
      await page.keyboard.type(`${line}:${column}`);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = rowWith('.monaco-hover', 'acquires the spinlock');
      await hover.waitFor({ timeout: STEP_TIMEOUT });
      await page.screenshot({ path: join(RESULTS, 'ui-hover-problems.png') });
      return (await hover.innerText()).split('\n').find((l) => l.includes('acquires'));
    });

    await step('command palette lists the MM Review commands', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.keyboard.type('MM Review');
      const titles = ['MM Review: Restart Server', 'MM Review: Show Output', 'MM Review: Re-check Current File',
        'MM Review: Show Protocol Diagram', 'MM Review: Simulate Function at Cursor'];
      for (const title of titles) await rowWith('.quick-input-list .monaco-list-row', title).waitFor({ timeout: STEP_TIMEOUT });
      await page.screenshot({ path: join(RESULTS, 'ui-command-palette.png') });
      await page.keyboard.press('Escape');
      return titles.join(', ');
    });

    // The protocol diagram webview: reached through its frames (../shared/EDITOR-HOST.md §iii).
    const diagram = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const flush = lineOf('collapse-nosync.c', 'pmdp_collapse_flush');
    await step('the protocol diagram panel shows the lanes and steps of the function at the cursor', async () => {
      await page.keyboard.press('Control+P');
      await page.keyboard.type('collapse-nosync.c');
      await rowWith('.quick-input-list .monaco-list-row', 'collapse-nosync.c').waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'collapse-nosync.c' }).waitFor({ timeout: STEP_TIMEOUT });
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(`${flush.line}:${flush.column}`);
      await page.keyboard.press('Enter');
      await page.keyboard.press('F1');
      await page.keyboard.type('MM Review: Show Protocol Diagram');
      await rowWith('.quick-input-list .monaco-list-row', 'MM Review: Show Protocol Diagram').waitFor({ timeout: STEP_TIMEOUT });
      await page.keyboard.press('Enter');
      await diagram.locator('.mmd-lane-name', { hasText: 'collapse_huge_page' }).waitFor({ timeout: STEP_TIMEOUT });
      const steps = await diagram.locator('.mmd-step').count();
      const missing = await diagram.locator('.mmd-band.is-missing .mmd-band-id').allInnerTexts();
      if (steps < 10 || !missing.includes('C18')) throw new Error(`${steps} steps, missing bands ${missing.join(', ')}`);
      await page.screenshot({ path: join(RESULTS, 'ui-diagram.png') });
      return `lane collapse_huge_page, ${steps} steps, missing step ${missing.join(', ')}`;
    });

    await step('clicking a diagram step reveals its call in the editor', async () => {
      await page.keyboard.press('Control+G'); // move the cursor away first, so the reveal is what puts it back
      await page.keyboard.type('1');
      await page.keyboard.press('Enter');
      await diagram.locator('.mmd-step', { hasText: 'pmdp_collapse_flush' }).click();
      // The reveal keeps the focus in the panel; focusing the editor shows its cursor in the status bar.
      await page.locator('.tab', { hasText: 'collapse-nosync.c' }).click();
      const where = rowWith('.statusbar-item', `Ln ${flush.line}, Col`); // Col counts tabs as the tab size
      await where.waitFor({ timeout: STEP_TIMEOUT });
      return (await where.innerText()).trim();
    });
  } finally {
    await page.screenshot({ path: join(RESULTS, installed ? 'ui-final-vsix.png' : 'ui-final.png') }).catch(() => {});
    await page.close();
  }
  console.log(`UI check: ${passed} passed, ${failed} failed; screenshots in ${RESULTS}`);
  return { passed, failed };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { 'code-server-dir': { type: 'string', default: DEFAULT_CODE_SERVER_DIR }, vsix: { type: 'string' } } });
  const vsix = values.vsix && resolve(values.vsix);
  const server = await startCodeServer({ codeServerDir: values['code-server-dir'], vsix });
  let result = { passed: 0, failed: 1 };
  try {
    const browser = await launchBrowser();
    try {
      result = await runUiCheck(server, browser, { installed: Boolean(vsix) });
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed === 0 ? 0 : 1);
}

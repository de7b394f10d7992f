// The diagram panel's page in headless Chromium, as VS Code would host it: the same HTML and CSP the panel
// builds (diagramPage with a cspSource), the bundled dist/webview/diagram.{js,css} served from a local
// origin, and a stubbed acquireVsCodeApi that records what the page posts. Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Checker } from '../../server/src/core';
import {
  diagramPage, fromSimulation, makeNonce, patchSources, prepareSimulation, simulationDiagram, staticDiagram, type DiagramModel,
} from '../../server/src/core/diagram';
import { simulate } from '../../server/src/core/sim';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { activeContent, launchChromium, tripwires } from './browser';
import { handTrace, hostileModel } from './fixtures';

const RESULTS = join(REPO_ROOT, 'test-results');
const WEBVIEW_DIST = join(REPO_ROOT, 'dist', 'webview');

/** What the stub records: the page's postMessage calls and its saved state. */
const STUB = `
  window.__sent = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__sent.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });`;

function knownModel(): DiagramModel {
  const { result, trace } = handTrace();
  return fromSimulation(result, trace, { threads: ['collapse_huge_page', 'gup-fast'], file: 'file:///k/khugepaged.c' });
}

describe('diagram webview page (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server;
  let origin = '';
  let html = '';

  before(async () => {
    assert.ok(readdirSync(WEBVIEW_DIST).includes('diagram.js'), 'dist/webview/diagram.js exists (npm run build)');
    server = createServer((req, res) => {
      const name = (req.url ?? '/').replace(/^\/webview\//, '');
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else if (/^(diagram\.js|diagram\.css)$/.test(name)) {
        res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(readFileSync(join(WEBVIEW_DIST, name)));
      } else if (req.url === '/favicon.ico') {
        res.writeHead(204).end(); // Chromium asks for it; VS Code's webview host answers it too
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Opens the panel's page (empty, as the panel does before the model arrives) and posts `model` to it. */
  async function openPanel(model: DiagramModel, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; wires: ReturnType<typeof tripwires> }> {
    html = diagramPage({
      title: 'MM Review diagram', nonce: makeNonce(), cspSource: origin,
      styles: [{ uri: `${origin}/webview/diagram.css` }], scripts: [{ uri: `${origin}/webview/diagram.js` }], body: '',
    });
    const page = await browser.newPage({ viewport });
    const wires = tripwires(page);
    await page.addInitScript(STUB);
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.__sent.some((m) => m.type === "ready")');
    // As the extension's webview.postMessage arrives: a message event on the page's window.
    await page.evaluate((m) => (globalThis as unknown as { postMessage(data: unknown, origin: string): void })
      .postMessage({ type: 'show', model: m }, '*'), model as unknown as Record<string, unknown>);
    await page.locator('article.mmd.is-live').waitFor();
    return { page, wires };
  }

  const sent = (page: Page) => page.evaluate('window.__sent') as Promise<{ type: string; step?: number }[]>;

  it('draws the lanes, bands and steps of a known trace, with the racing step highlighted', async () => {
    const { page, wires } = await openPanel(knownModel());
    assert.deepEqual(await page.locator('.mmd-lanes .mmd-lane-name').allInnerTexts(), ['collapse_huge_page', 'gup-fast']);
    assert.deepEqual(await page.locator('.mmd-step .mmd-op').allInnerTexts(), [
      'pmdp_get_lockless(pmdp)', 'mmap_write_lock(mm)', 'mmu_notifier_invalidate_range_start(&range)',
      'pmdp_collapse_flush(vma, address, pmd)', 'mmu_notifier_invalidate_range_end(&range)', 'ptep_get_lockless(ptep)']);
    assert.deepEqual((await page.locator('.mmd-band-title').allInnerTexts()).map((t) => t.split(/\s+/)[0]), ['·', 'a', 'b']);
    const racing = page.locator('.mmd-step.is-highlight');
    assert.equal(await racing.getAttribute('data-step'), '5');
    assert.match(await racing.innerText(), /GUP-FAST-SYNC/);
    assert.equal(await page.locator('.mmd-step[data-lane="1"] .mmd-thread').first().innerText(), 'gup-fast');
    assert.equal(await page.locator('.mmd-position').innerText(), 'Step 1 of 6');
    assert.equal(await page.locator('svg.mmd-rail').count(), 6 + 3, 'one rail per step and per band heading');
    await page.screenshot({ path: join(RESULTS, 'diagram-webview.png'), fullPage: true });
    assert.deepEqual([wires.dialogs, wires.errors], [[], []]);
    await page.close();
  });

  it('posts a reveal message when a step with a source line is clicked, and none for an actor step', async () => {
    const { page } = await openPanel(knownModel());
    await page.locator('.mmd-step[data-step="3"]').click();
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'reveal'), [{ type: 'reveal', step: 3 }]);
    assert.equal(await page.locator('.mmd-step[data-step="3"]').getAttribute('aria-current'), 'step');
    assert.match(await page.locator('.mmd-detail').innerText(), /After step 4: pmdp_collapse_flush[\s\S]*PMD: none/);
    await page.locator('.mmd-step[data-step="0"]').click();
    assert.equal((await sent(page)).filter((m) => m.type === 'reveal').length, 1, 'the actor step has no place to reveal');
    await page.close();
  });

  it('steps forward and back with the buttons and the keyboard, dimming the steps not yet reached', async () => {
    const { page } = await openPanel(knownModel());
    await page.getByRole('button', { name: /Forward/ }).click();
    assert.equal(await page.locator('.mmd-position').innerText(), 'Step 2 of 6');
    assert.equal(await page.locator('.mmd-step.is-future').count(), 4);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('.mmd-position').innerText(), 'Step 4 of 6');
    assert.equal(await page.evaluate('document.activeElement.dataset.step'), '3', 'the focus follows the current step');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator('[aria-current="step"]').getAttribute('data-step'), '2');
    await page.keyboard.press('End');
    assert.equal(await page.locator('.mmd-position').innerText(), 'Step 6 of 6');
    assert.equal(await page.getByRole('button', { name: /Forward/ }).isDisabled(), true);
    await page.keyboard.press('Home');
    await page.keyboard.press('h');
    assert.equal(await page.locator('[aria-current="step"]').getAttribute('data-step'), '5', 'h goes to the racing step');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'reveal').at(-1), { type: 'reveal', step: 4 });
    await page.close();
  });

  it('stays readable at a narrow width: the strip moves under the call, nothing overflows sideways', async () => {
    const { page } = await openPanel(knownModel(), { width: 380, height: 900 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(Number(overflow) <= 1, `the page scrolls sideways by ${overflow}px`);
    assert.equal(await page.locator('.mmd-colheads .mmd-cell').first().isVisible(), false);
    assert.match(await page.locator('.mmd-step[data-step="3"] .mmd-cell-pmd').innerText(), /none/);
    await page.screenshot({ path: join(RESULTS, 'diagram-webview-narrow.png'), fullPage: true });
    await page.close();
  });

  it('follows the theme: VS Code\'s CSS variables when the host sets them', async () => {
    const { page } = await openPanel(knownModel());
    await page.evaluate(`document.documentElement.style.setProperty('--vscode-editor-background', 'rgb(1, 2, 3)');
      document.documentElement.style.setProperty('--vscode-foreground', 'rgb(250, 240, 230)')`);
    assert.equal(await page.evaluate('getComputedStyle(document.body).backgroundColor'), 'rgb(1, 2, 3)');
    assert.equal(await page.evaluate('getComputedStyle(document.body).color'), 'rgb(250, 240, 230)');
    await page.close();
  });

  it('runs no script from a hostile model (names, subjects, file names, labels, messages)', async () => {
    const { page, wires } = await openPanel(hostileModel());
    await page.locator('.mmd-step').first().click();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(300); // an onerror or onload would have fired by now
    assert.deepEqual(wires.dialogs, []);
    assert.equal(await wires.pwned(), undefined);
    assert.deepEqual(await activeContent(page), { scripts: ['nonce'], handlers: [] });
    assert.match(await page.locator('.mmd-title').innerText(), /<img src=x onerror=/, 'the payload is shown as text');
    await page.close();
  });

  it('runs no script from a hostile patch, through the same builders the language server uses', async () => {
    const checker = await Checker.create();
    const file = join(FIXTURES, 'diagram', 'hostile.patch');
    const bytes = readFileSync(file);
    const series = checker.series().check([{ fileName: file, text: bytes }]);
    const [source] = patchSources({ file, text: bytes, series }, (image) => checker.check({ file: image.path, text: image.text }));
    const fn = source.functions.find((f) => f.name === 'collapse_huge_page')!;
    const prepared = prepareSimulation(fn, source, ['fault-vma-lock'], (text, name) => checker.threadProgram(file, text, name));
    assert.ok(!('message' in prepared));
    const models = [staticDiagram(fn, source), simulationDiagram(fn, source, prepared, simulate(prepared.scenario))];
    assert.equal(models[1].highlight?.rule, 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', 'the trace with the hostile call arguments is drawn');
    for (const model of models) {
      const { page, wires } = await openPanel(model);
      for (const row of await page.locator('.mmd-step').all()) await row.click();
      await page.waitForTimeout(200);
      assert.deepEqual(wires.dialogs, []);
      assert.equal(await wires.pwned(), undefined);
      assert.deepEqual(await activeContent(page), { scripts: ['nonce'], handlers: [] });
      assert.match(await page.locator('.mmd-subtitle').innerText(), /svg onload=window.__pwned=4/);
      if (model.mode === 'simulation') assert.match(await page.locator('.mmd-op').first().innerText(), /<\/script><script>window.__pwned='arg'/);
      await page.close();
    }
  });

  it('enforces its CSP: a script without the nonce does not run', async () => {
    const { page, wires } = await openPanel(knownModel());
    await page.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = "injected"'; document.body.append(s); })()`);
    assert.equal(await wires.pwned(), undefined);
    assert.ok(wires.errors.some((e) => /Content Security Policy/.test(e)), wires.errors.join('\n'));
    await page.close();
  });
});

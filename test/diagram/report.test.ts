// `mm-review report --html` (the bundled CLI, as users run it), and the report opened from file:// in
// headless Chromium: the diagram is there, it works without the editor, its CSP holds, and a hostile patch's
// subject, comments, names and file names run nothing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { activeContent, launchChromium, tripwires } from './browser';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const RESULTS = join(REPO_ROOT, 'test-results');
// The same file the end-to-end panel test opens in its workspace: one copy of the fixture.
const NOSYNC = join(REPO_ROOT, 'test', 'e2e', 'workspace', 'collapse-nosync.c');
const HOSTILE = join(FIXTURES, 'diagram', 'hostile.patch');

function report(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'report', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mm-review report --html', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-review-report-'));
    browser = await launchChromium();
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the report and checks the file's own guarantees: one CSP, one nonce'd script, nothing remote. */
  function write(name: string, ...args: string[]): string {
    const out = join(dir, name);
    const r = report('--html', out, ...args);
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? '')?.[1];
    assert.ok(nonce, `a CSP with a nonce: ${csp}`);
    assert.equal(csp, `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`);
    assert.deepEqual(html.match(/<script[^>]*>/g), [`<script nonce="${nonce}">`]);
    assert.doesNotMatch(html, /<link|<img|<iframe|https?:\/\/(?!www\.w3\.org)/);
    return out;
  }

  it('writes the static protocol diagram of a C function, which works in a browser without the editor', async () => {
    const out = write('static.html', '--function', 'collapse_huge_page', NOSYNC);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const wires = tripwires(page);
    await page.goto(pathToFileURL(out).href);
    await page.locator('article.mmd.is-live').waitFor();
    assert.equal(await page.locator('.mmd-band.is-missing .mmd-band-id').innerText(), 'C18', 'the missing GUP-fast sync');
    assert.ok(await page.locator('.mmd-step').count() >= 10);
    await page.locator('.mmd-step', { hasText: 'pmdp_collapse_flush' }).click();
    assert.match(await page.locator('.mmd-detail').innerText(), /collapse-nosync\.c:39/);
    assert.deepEqual([wires.dialogs, wires.errors], [[], []]);
    await page.close();
  });

  it('writes a simulation of it against gup-fast: the GUP-FAST-SYNC trace, steppable', async () => {
    const out = write('simulation.html', '--function', 'collapse_huge_page', '--actors', 'gup-fast', NOSYNC);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const wires = tripwires(page);
    await page.goto(pathToFileURL(out).href);
    await page.locator('article.mmd.is-live').waitFor();
    assert.deepEqual(await page.locator('.mmd-lanes .mmd-lane-name').allInnerTexts(), ['collapse_huge_page', 'gup-fast']);
    assert.match(await page.locator('.mmd-step.is-highlight').innerText(), /GUP-FAST-SYNC/);
    await page.getByRole('button', { name: /Go to GUP-FAST-SYNC/ }).click();
    assert.equal(await page.locator('[aria-current="step"]').getAttribute('data-step'), await page.locator('.mmd-step.is-highlight').getAttribute('data-step'));
    await page.screenshot({ path: join(RESULTS, 'diagram-report.png') }); // the viewport: controls stuck on top, the racing step in view
    assert.deepEqual([wires.dialogs, wires.errors], [[], []]);
    await page.close();
  });

  it('runs no script from a hostile patch (subject, From, comments, file name, call arguments)', async () => {
    for (const [name, extra] of [['hostile-static.html', []], ['hostile-simulation.html', ['--actors', 'fault-vma-lock']]] as const) {
      const out = write(name, ...extra, HOSTILE);
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const wires = tripwires(page);
      await page.goto(pathToFileURL(out).href);
      await page.locator('article.mmd.is-live').waitFor();
      for (const row of await page.locator('.mmd-step').all()) await row.click();
      await page.keyboard.press('End');
      await page.waitForTimeout(300);
      assert.deepEqual(wires.dialogs, [], name);
      assert.equal(await wires.pwned(), undefined, name);
      assert.deepEqual(await activeContent(page), { scripts: ['nonce'], handlers: [] }, name);
      assert.match(await page.title(), /MM Review/);
      assert.match(await page.locator('.mmd-subtitle').innerText(), /<img src=x onerror=/, 'the subject is shown as text');
      await page.close();
    }
  });

  it('explains bad input with exit status 2', () => {
    const bad = report('--html', join(dir, 'x.html'), '--actors', 'nobody', NOSYNC);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown actor 'nobody'/);
    assert.equal(report('--html', join(dir, 'x.html'), '--function', 'no_such_function', NOSYNC).status, 2);
    assert.equal(report(NOSYNC).status, 2, '--html is required');
    const help = report('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--actors A,B[\s\S]*gup-fast/);
  });
});

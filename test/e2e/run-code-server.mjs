// Runs the editor-host suite (out/test/e2e/suite) inside code-server's real extension host, then (with
// --ui-check) the Playwright UI check in the same code-server. Prints mocha's result as `N passed, N failed`
// and exits non-zero on a failure or a timeout. code-server is always stopped.
//
//   node test/e2e/run-code-server.mjs [--ui-check] [--code-server-dir DIR] [--timeout SECONDS] [--verbose]
//
// Needs: npm run build && npm run compile && bash scripts/setup-code-server.sh .cache/code-server
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchBrowser, sleep, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { DEFAULT_CODE_SERVER_DIR, REPO_ROOT, TESTS_INDEX } from './paths.mjs';
import { runUiCheck } from './ui-check.mjs';

const { values: opts } = parseArgs({
  options: {
    'ui-check': { type: 'boolean', default: false },
    'code-server-dir': { type: 'string', default: DEFAULT_CODE_SERVER_DIR },
    timeout: { type: 'string', default: '180' },
    verbose: { type: 'boolean', default: false },
  },
});

async function runSuite(server, browser) {
  const page = await browser.newPage();
  let result;
  let inMocha = false;
  const before = []; // workbench log lines before mocha started: shown only if mocha never reports
  const exited = new Promise((resolveExit) => page.exposeFunction('codeAutomationExit', (code) => resolveExit(code)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...args);
    const m = /^MOCHA-RESULT (\{.*\})$/.exec(line.trim());
    if (m) {
      result = JSON.parse(m[1]);
      inMocha = false;
    } else if (line.trim() === 'MOCHA-START') {
      inMocha = true;
    } else if (inMocha || opts.verbose) {
      console.log(line);
    } else {
      before.push(`[${type}] ${line}`);
    }
  });
  await page.goto(workbenchUrl(server, { extensionTestsPath: TESTS_INDEX }));
  const code = await Promise.race([exited, sleep(Number(opts.timeout) * 1000).then(() => 'timeout')]);
  if (!result && !opts.verbose) console.log(before.join('\n'));
  await page.close();
  return { code, result };
}

async function main() {
  for (const [file, hint] of [[join(REPO_ROOT, 'dist', 'extension.js'), 'npm run build'], [TESTS_INDEX, 'npm run compile'],
    [join(opts['code-server-dir'], 'node_modules', 'code-server', 'out', 'node', 'entry.js'), 'bash scripts/setup-code-server.sh .cache/code-server']]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`${hint}\` first`);
  }
  const started = Date.now();
  const server = await startCodeServer({ codeServerDir: opts['code-server-dir'], log: opts.verbose ? (s) => process.stderr.write(s) : undefined });
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    browser = await launchBrowser();
    const { code, result } = await runSuite(server, browser);
    if (result) {
      passed += result.passes;
      failed += result.failures;
    }
    if (code !== 0 && failed === 0) failed++; // timeout, or the host failed before mocha reported
    console.log(`editor-host suite: ${result ? `${result.passes} passed, ${result.failures} failed` : 'no mocha result'}` +
      ` (codeAutomationExit: ${code}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (opts['ui-check']) {
      const ui = await runUiCheck(server, browser);
      passed += ui.passed;
      failed += ui.failed;
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`run-code-server: ${e.stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

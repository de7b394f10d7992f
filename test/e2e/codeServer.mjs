// Shared by the code-server launchers: start code-server (installed by scripts/setup-code-server.sh) on
// 127.0.0.1 with fresh user-data and extensions dirs, open its workbench in Debian's Chromium through
// playwright-core, and always clean up. See ../shared/EDITOR-HOST.md §2b for why this setup.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEFAULT_CODE_SERVER_DIR, REPO_ROOT, WORKSPACE } from './paths.mjs';

/** Settings that keep a fresh profile quiet and offline: no welcome page, no update or gallery checks. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'git.enabled': false,
};

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts code-server in its own process group (so stop() also ends the extension host and the language
 * server it spawned) and waits for /healthz. With `vsix`, that package is installed into the fresh
 * extensions dir first, to check the packaged extension rather than the repository.
 */
export async function startCodeServer({ codeServerDir = DEFAULT_CODE_SERVER_DIR, vsix, log = () => {} } = {}) {
  const entry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const scratch = mkdtempSync(join(tmpdir(), 'mm-review-e2e-'));
  const userData = join(scratch, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const dirs = ['--user-data-dir', userData, '--extensions-dir', join(scratch, 'extensions')];
  if (vsix) execFileSync(process.execPath, [entry, ...dirs, '--install-extension', vsix], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(process.execPath, [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...dirs, WORKSPACE],
  { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d) => { output += d; log(String(d)); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) killGroup(child.pid, 'SIGKILL');
    killGroup(child.pid, 'SIGKILL'); // whatever of the group outlived code-server itself
    rmSync(scratch, { recursive: true, force: true });
  };
  // A Ctrl-C or a crash of the launcher must not leave code-server running.
  process.once('exit', () => { if (!stopped) killGroup(child.pid, 'SIGKILL'); });

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 30 s:\n${output}`);
    }
    await sleep(200);
  }
  return { baseUrl, authority: `127.0.0.1:${port}`, stop, output: () => output };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch { /* already gone */ }
}

/**
 * The workbench URL that opens WORKSPACE and loads the extension under development from the repository
 * (unless `installed`: then the extension installed from a .vsix runs).
 */
export function workbenchUrl(server, { extensionTestsPath, installed = false } = {}) {
  if (installed) return `${server.baseUrl}/?folder=${encodeURIComponent(WORKSPACE)}`;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${server.authority}${REPO_ROOT}`]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${server.authority}${extensionTestsPath}`]);
  return `${server.baseUrl}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

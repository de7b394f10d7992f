// Neovim (Debian's 0.7.2, headless) as a second, independent LSP client of the bundled server: the server
// must work with a client we did not write. CI installs Neovim; a machine without it fails this test loudly.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SERVER_JS } from '../lsp/lspTestClient';
import { expectedFindings } from '../lsp/markers';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'lock-leak.c');

describe('Neovim as an LSP client of dist/server.js', function () {
  this.timeout(30_000);

  it('shows the LOCK-PAIR finding at the marked line', function () {
    const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    assert.ok(nvim.status === 0, 'nvim is not installed: install Debian\'s `neovim` package (apt-get install -y neovim)');
    assert.ok(existsSync(SERVER_JS), `${SERVER_JS} is missing: run \`npm run build\` first`);
    const [expected] = expectedFindings(readFileSync(FIXTURE, 'utf8'));

    const out = execFileSync('nvim', ['--headless', '-u', 'NONE', '-c', 'luafile test/nvim/diagnostics.lua'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 25_000, env: { ...process.env, MM_REVIEW_FILE: FIXTURE },
    });
    const line = `DIAG lock-leak.c:${expected.line + 1}:${expected.character + 1} [LOCK-PAIR] spinlock 'l' taken here`;
    assert.ok(out.includes(line), `expected a line starting '${line}' in:\n${out}`);
    assert.match(out, /^OK: diagnostics received$/m);
  });
});

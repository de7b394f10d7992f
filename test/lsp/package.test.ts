// `npm run package` writes the .vsix offline (@vscode/vsce, no network), with the bundles and assets the
// editor loads and nothing else; extra arguments pass through (`-o PATH`).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lspTestClient';

describe('packaging (npm run package)', function () {
  this.timeout(120_000);

  it('writes a small .vsix with the server, both workers, the grammar and the rule pages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-review-vsix-'));
    try {
      const vsix = join(dir, 'mm-review.vsix');
      execFileSync('npm', ['run', '--silent', 'package', '--', '-o', vsix], { cwd: REPO_ROOT, stdio: 'pipe' });
      // unzip -Z1 lists the entries of the archive, one per line.
      const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js',
        'extension/dist/sim-worker.js', 'extension/dist/series-worker.js', 'extension/dist/tree-sitter-c.wasm',
        'extension/dist/web-tree-sitter.wasm', 'extension/dist/queries/functions.scm', 'extension/dist/webview/diagram.js',
        'extension/docs/rules/LOCK-PAIR.md']) {
        assert.ok(entries.includes(needed), `${needed} is in the .vsix`);
      }
      const unwanted = entries.filter((e) => /\.(ts|map)$|node_modules|\/test\/|\/out\/|dist\/cli\.js/.test(e));
      assert.deepEqual(unwanted, [], 'no sources, source maps, tests or the CLI');
      assert.ok(statSync(vsix).size < 2 * 1024 * 1024, `${statSync(vsix).size} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers';

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('architecture boundaries', () => {
  it('the analysis core imports no editor module (vscode, vscode-languageserver*, vscode-languageclient)', () => {
    const offenders = sources(join(REPO_ROOT, 'server', 'src', 'core')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^vscode($|-languageserver|-languageclient|-jsonrpc)/.test(spec))
        .map((spec) => `${relative(REPO_ROOT, file)} imports ${spec}`));
    assert.deepEqual(offenders, []);
  });

  it('the core is reached only through its index from the LSP layer and the CLI', () => {
    const outside = [...sources(join(REPO_ROOT, 'server', 'src', 'lsp')), ...sources(join(REPO_ROOT, 'server', 'src', 'cli')), join(REPO_ROOT, 'server', 'src', 'cli.ts')];
    const deep = outside.flatMap((file) =>
      importsOf(file).filter((spec) => /\/core\/./.test(spec)).map((spec) => `${relative(REPO_ROOT, file)} imports ${spec}`));
    assert.deepEqual(deep, []);
  });

  it('the boundary check itself sees imports (it would catch a violation)', () => {
    assert.ok(importsOf(join(REPO_ROOT, 'server', 'src', 'lsp', 'server.ts')).some((s) => s.startsWith('vscode-languageserver')));
  });
});

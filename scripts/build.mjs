// Bundles the extension, the language server and the CLI with esbuild, and copies the pinned grammar.
//
// Outputs:
//   grammars/tree-sitter-c.wasm      taken from the pinned tree-sitter-c npm package (not committed)
//   dist/{extension,server,cli}.js   CommonJS bundles for Node 20 / the VS Code extension host
//   dist/{sim,series}-worker.js      the worker threads of the simulator and of patch series checks
//   dist/*.wasm, dist/queries/*.scm  runtime assets located next to the bundles
//   dist/webview/diagram.{js,css}    the protocol diagram's page script and stylesheet (browser)
//
// Upgrading the grammar: bump tree-sitter-c in package.json, run `npm run build && npm test`; the corpus
// acceptance tests show whether the new grammar parses kernel C differently.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'queries'), { recursive: true });

copyFileSync(join(root, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'), join(root, 'grammars/tree-sitter-c.wasm'));
for (const wasm of ['grammars/tree-sitter-c.wasm', 'node_modules/web-tree-sitter/web-tree-sitter.wasm']) {
  copyFileSync(join(root, wasm), join(dist, wasm.split('/').pop()));
}
for (const q of readdirSync(join(root, 'grammars/queries'))) {
  copyFileSync(join(root, 'grammars/queries', q), join(dist, 'queries', q));
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The CommonJS build of web-tree-sitter finds its runtime wasm next to the bundle (__dirname) without the
  // import.meta.url shim the ESM build would need (../shared/EDITOR-HOST.md §1).
  alias: { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
};
const entries = [
  { in: 'client/src/extension.ts', out: 'extension.js', external: ['vscode'] },
  { in: 'server/src/server.ts', out: 'server.js' },
  { in: 'server/src/cli.ts', out: 'cli.js' },
  // The simulator's worker thread: runSimulationInWorker() looks for sim-worker.js next to the bundle.
  { in: 'server/src/core/sim/worker.ts', out: 'sim-worker.js' },
  // The patch series worker thread of the language server: SeriesWorker looks for series-worker.js next to it.
  { in: 'server/src/core/review/worker.ts', out: 'series-worker.js' },
  // The protocol diagram's page script and stylesheet: the webview panel loads them from dist/webview/ (its only
  // local resource root), and `mm-review report --html` inlines them. Browser code: no Node, no source map.
  ...['diagram.ts', 'diagram.css'].map((f) => ({
    in: `client/src/webview/${f}`, out: `webview/${f.replace('.ts', '.js')}`,
    options: { platform: 'browser', format: 'iife', target: 'chrome120', sourcemap: false },
  })),
];
await Promise.all(entries.map((e) =>
  build({ ...common, ...e.options, entryPoints: [join(root, e.in)], outfile: join(dist, e.out), external: e.external ?? [] })));

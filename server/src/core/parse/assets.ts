// Finds the grammar assets (tree-sitter-c.wasm, web-tree-sitter.wasm, queries/*.scm) at run time.
// The esbuild bundles keep them next to themselves in dist/; the tsc build used by the tests runs from out/
// and finds them under the repository's grammars/ folder and node_modules. MM_REVIEW_ASSETS overrides both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GrammarAssets {
  cGrammarWasm: string;
  runtimeWasm: string;
  queriesDir: string;
}

export function locateGrammarAssets(): GrammarAssets {
  const override = process.env.MM_REVIEW_ASSETS;
  if (override) return assetsIn(override, override);
  if (existsSync(join(__dirname, 'tree-sitter-c.wasm'))) return assetsIn(__dirname, __dirname);
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', 'tree-sitter-c.wasm'))) {
      return {
        cGrammarWasm: join(dir, 'grammars', 'tree-sitter-c.wasm'),
        runtimeWasm: join(dir, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
        queriesDir: join(dir, 'grammars', 'queries'),
      };
    }
  }
  throw new Error(`mm-review: tree-sitter-c.wasm not found near ${__dirname}; run \`npm run build\` first`);
}

function assetsIn(wasmDir: string, base: string): GrammarAssets {
  return {
    cGrammarWasm: join(wasmDir, 'tree-sitter-c.wasm'),
    runtimeWasm: join(wasmDir, 'web-tree-sitter.wasm'),
    queriesDir: join(base, 'queries'),
  };
}

// Loads web-tree-sitter and the pinned C grammar once per process (../shared/EDITOR-HOST.md §1: web-tree-sitter
// 0.27.2 with tree-sitter-c 0.24.1's own wasm is the only pairing that works and is as fast as the native binding).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import { locateGrammarAssets } from './assets';

export interface CParser {
  parser: Parser;
  language: Language;
  /** Compiled queries from grammars/queries/<name>.scm, compiled once. */
  query(name: string): Query;
}

let loading: Promise<CParser> | undefined;

export function loadCParser(): Promise<CParser> {
  loading ??= (async () => {
    const assets = locateGrammarAssets();
    await Parser.init({ locateFile: () => assets.runtimeWasm });
    const language = await Language.load(assets.cGrammarWasm);
    const parser = new Parser();
    parser.setLanguage(language);
    const queries = new Map<string, Query>();
    return {
      parser,
      language,
      query(name: string): Query {
        let q = queries.get(name);
        if (!q) {
          q = new Query(language, readFileSync(join(assets.queriesDir, `${name}.scm`), 'utf8'));
          queries.set(name, q);
        }
        return q;
      },
    };
  })();
  return loading;
}

// What the re-parse alone costs a re-check, and why: web-tree-sitter re-parses a file after an edit reusing
// the subtrees the edit did not touch, but a subtree holding an ERROR or MISSING node is never reused (tree-sitter
// re-runs its error recovery there each time). The kernel files have a few dozen such spots (iterator macros,
// __read_mostly, DEFINE_*() declarations: ../shared/KERNEL-C-PARSING.md), so their re-parse costs a millisecond
// or two even when nothing changed, while a clean C file of the same size costs a tenth of that. This is the
// floor under a re-check that re-parses the file: since it was measured, an edit inside a function's body
// re-parses that function alone (server/src/core/parse/overlays.ts; the incremental table counts how often).
import { Parser, type Tree } from 'web-tree-sitter';
import { loadCParser } from '../server/src/core/parse/parser';
import { kernelText } from './corpus';
import { median, progress, round } from './measure';

export interface ParseFloor {
  file: string;
  /** Top-level items with an ERROR or MISSING node inside: the ones re-parsed on every edit. */
  itemsWithErrors: number;
  topLevelItems: number;
  fullParseMs: number;
  /** Re-parse with the previous tree and no edit at all: the floor. */
  reparseMs: number;
  /** The same for generated, error-free C of at least the same length. */
  clean: { lines: number; fullParseMs: number; reparseMs: number };
}

/** Error-free kernel-style C, one small locking function after another, at least `length` characters long. */
function cleanC(length: number): string {
  const parts: string[] = [];
  for (let i = 0, total = 0; total < length; i++) {
    const fn = `static int scan_${i}(struct mm_struct *mm, unsigned long address)\n{\n\tint result = SCAN_FAIL;\n\tspinlock_t *ptl;\n\n`
      + `\tmmap_read_lock(mm);\n\tptl = pmd_lock(mm, pmd_off(mm, address));\n\tif (address & ~HPAGE_PMD_MASK) {\n\t\tresult = SCAN_ADDRESS_RANGE;\n\t\tgoto out;\n\t}\n`
      + `\tresult = collapse_${i}(mm, address);\nout:\n\tspin_unlock(ptl);\n\tmmap_read_unlock(mm);\n\treturn result;\n}\n\n`;
    parts.push(fn);
    total += fn.length;
  }
  return parts.join('');
}

function floorOf(parser: Parser, text: string, runs: number): { fullParseMs: number; reparseMs: number; tree: Tree } {
  const full: number[] = [];
  const again: number[] = [];
  let tree: Tree | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const fresh = parser.parse(text);
    full.push(performance.now() - t0);
    if (!fresh) throw new Error('tree-sitter returned no tree');
    tree?.delete();
    tree = fresh;
  }
  for (let i = 0; i < runs * 4; i++) {
    const t0 = performance.now();
    const next = parser.parse(text, tree!);
    again.push(performance.now() - t0);
    if (!next) throw new Error('tree-sitter returned no tree');
    tree!.delete();
    tree = next;
  }
  return { fullParseMs: round(median(full)), reparseMs: round(median(again)), tree: tree! };
}

export async function parseFloor(files: string[], runs: number): Promise<ParseFloor[]> {
  progress(`re-parse without an edit: ${files.join(', ')} and clean C of the same size`);
  const { parser } = await loadCParser();
  return files.map((file) => {
    const text = kernelText(file);
    const kernel = floorOf(parser, text, runs);
    const items = kernel.tree.rootNode.children.filter((c) => c !== null);
    const itemsWithErrors = items.filter((c) => c.hasError).length;
    kernel.tree.delete();
    const clean = cleanC(text.length);
    const generated = floorOf(parser, clean, runs);
    if (generated.tree.rootNode.hasError) throw new Error('the generated clean C has parse errors');
    generated.tree.delete();
    return {
      file, itemsWithErrors, topLevelItems: items.length, fullParseMs: kernel.fullParseMs, reparseMs: kernel.reparseMs,
      clean: { lines: clean.split('\n').length - 1, fullParseMs: generated.fullParseMs, reparseMs: generated.reparseMs },
    };
  });
}

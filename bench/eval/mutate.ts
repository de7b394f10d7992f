// The mutants of the mutation evaluation: one-line bug-introducing changes to the collapse path of a real
// kernel file, the kind a patch makes by mistake. Each keeps every other line where it was, so the findings of
// the mutant and of the original compare line for line.
//
//   delete      a call statement of the oracle table (a lock, an unlock or a protocol step) becomes `;`;
//               an unlock in a block that ends in `goto`/`return` is classed `drop-release-on-error-path`
//   swap        two adjacent statements of one block that both call the table swap places
//   trylock     a trylock becomes its blocking lock that always succeeds: `(folio_lock(folio), 1)`
//   drop-lock-compare  `if (ptl != pml) spin_lock_nested(ptl, ...)` loses its test: the lock call runs
//               whether or not the two pointers name one lock
import type { Node, Parser } from 'web-tree-sitter';
import { BLOCKING_OF, DEFECT_RULES, LOCK_COMPARE_RULES, RELEASES, TRYLOCK_TO_LOCK_RULES, swapRules } from './oracle';

export type MutationOperator = 'delete' | 'drop-release-on-error-path' | 'swap' | 'trylock-to-lock' | 'drop-lock-compare';

export interface Mutant {
  /** Stable across runs: file:function:operator:call#occurrence. */
  id: string;
  function: string;
  operator: MutationOperator;
  /** 1-based lines the mutation changed. */
  lines: number[];
  /** The rules that name the defect (oracle.ts). */
  expected: readonly string[];
  text: string;
}

/**
 * The functions of the collapse path: those that take the collapse locks or change the page tables of a
 * collapse (mm/khugepaged.c of 6.1, 6.12 and 7.2 name them differently).
 */
export const COLLAPSE_PATH = new Set([
  'collapse_huge_page', 'mthp_collapse', '__collapse_huge_page_isolate', '__collapse_huge_page_copy',
  '__collapse_huge_page_copy_succeeded', '__collapse_huge_page_copy_failed', '__collapse_huge_page_swapin',
  'hugepage_vma_revalidate', 'find_pmd_or_thp_or_none', 'hpage_collapse_scan_pmd', 'collapse_scan_pmd', 'set_huge_pmd',
  'collapse_and_free_pmd', 'collapse_pte_mapped_thp', 'try_collapse_pte_mapped_thp', 'retract_page_tables', 'collapse_file',
]);

const calleeOf = (call: Node | null): string | undefined =>
  call?.type === 'call_expression' && call.childForFieldName('function')?.type === 'identifier'
    ? call.childForFieldName('function')!.text : undefined;

/** The call a statement makes: `f(...);` or `x = f(...);`. */
function statementCall(stmt: Node): Node | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const e = stmt.namedChild(0);
  const call = e?.type === 'assignment_expression' ? e.childForFieldName('right') : e;
  return calleeOf(call ?? null) ? call! : undefined;
}

const endsInExit = (block: Node): boolean => {
  const last = block.namedChildren.filter((c) => c && c.type !== 'comment').pop();
  return last?.type === 'goto_statement' || last?.type === 'return_statement';
};

/** `if (a != b) lock_call(...);` with no else: the guard and the call it guards. */
function lockCompareGuard(node: Node): { name: string; body: Node } | undefined {
  if (node.type !== 'if_statement' || node.childForFieldName('alternative')) return undefined;
  const cond = node.childForFieldName('condition')?.namedChild(0);
  if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '!=') return undefined;
  if (cond.childForFieldName('left')?.type !== 'identifier' || cond.childForFieldName('right')?.type !== 'identifier') return undefined;
  const body = node.childForFieldName('consequence');
  const name = body && calleeOf(statementCall(body) ?? null);
  return name && DEFECT_RULES[name] === DEFECT_RULES.spin_lock ? { name, body: body! } : undefined;
}

function functionName(def: Node): string | undefined {
  let d = def.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  return d?.childForFieldName('declarator')?.text;
}

function* descendants(node: Node): Generator<Node> {
  for (const c of node.namedChildren) {
    if (!c) continue;
    yield c;
    yield* descendants(c);
  }
}

/** `text` with [start, end) replaced by `by`, padded with blanks to keep every line break where it was. */
function replaceKeepingLines(text: string, start: number, end: number, by: string): string {
  const old = text.slice(start, end);
  const breaks = old.split('\n').length - 1;
  return text.slice(0, start) + by + '\n'.repeat(Math.max(0, breaks - (by.split('\n').length - 1))) + text.slice(end);
}

export function mutantsOf(parser: Parser, file: string, text: string): Mutant[] {
  const tree = parser.parse(text);
  if (!tree) throw new Error(`cannot parse ${file}`);
  const out: Mutant[] = [];
  const seen = new Map<string, number>();
  const add = (fn: string, operator: MutationOperator, what: string, lines: number[], expected: readonly string[], mutated: string) => {
    const key = `${file}:${fn}:${operator}:${what}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    out.push({ id: `${key}#${k}`, function: fn, operator, lines, expected, text: mutated });
  };
  for (const def of tree.rootNode.namedChildren) {
    if (def?.type !== 'function_definition') continue;
    const fn = functionName(def);
    if (!fn || !COLLAPSE_PATH.has(fn)) continue;
    for (const node of descendants(def)) {
      const call = statementCall(node);
      const name = call && calleeOf(call);
      if (name && DEFECT_RULES[name]) {
        const errorPath = RELEASES.has(name) && node.parent?.type === 'compound_statement' && endsInExit(node.parent);
        add(fn, errorPath ? 'drop-release-on-error-path' : 'delete', name, [node.startPosition.row + 1], DEFECT_RULES[name],
          replaceKeepingLines(text, node.startIndex, node.endIndex, ';'));
      }
      if (node.type === 'compound_statement') {
        const stmts = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        for (let i = 0; i + 1 < stmts.length; i++) {
          const [a, b] = [stmts[i], stmts[i + 1]];
          const [na, nb] = [calleeOf(statementCall(a) ?? null), calleeOf(statementCall(b) ?? null)];
          if (!na || !nb || !DEFECT_RULES[na] || !DEFECT_RULES[nb] || na === nb) continue;
          if (RELEASES.has(na) && RELEASES.has(nb)) continue; // no rule orders two releases
          if (a.endPosition.row === b.startPosition.row) continue; // one line: not a line-level swap
          const between = text.slice(a.endIndex, b.startIndex);
          const swapped = text.slice(0, a.startIndex) + b.text + between + a.text + text.slice(b.endIndex);
          add(fn, 'swap', `${na}+${nb}`, [a.startPosition.row + 1, b.startPosition.row + 1], swapRules(na, nb), swapped);
        }
      }
      const compared = lockCompareGuard(node);
      if (compared) {
        add(fn, 'drop-lock-compare', compared.name, [node.startPosition.row + 1], LOCK_COMPARE_RULES[RELEASES.has(compared.name) ? 'release' : 'acquire'],
          replaceKeepingLines(text, node.startIndex, node.endIndex, compared.body.text));
      }
      const tryName = calleeOf(node);
      if (tryName && BLOCKING_OF[tryName]) {
        const args = node.childForFieldName('arguments')!.text;
        add(fn, 'trylock-to-lock', tryName, [node.startPosition.row + 1], TRYLOCK_TO_LOCK_RULES,
          replaceKeepingLines(text, node.startIndex, node.endIndex, `(${BLOCKING_OF[tryName]}${args}, 1)`));
      }
    }
  }
  tree.delete();
  return out;
}

// Functions re-parsed on their own after an edit inside their body, instead of the whole file.
//
// Why: tree-sitter re-parses a file incrementally, reusing every subtree an edit did not touch, except those
// holding an ERROR or MISSING node. The kernel's idioms (iterator macros, __read_mostly, type arguments of
// list_entry(), lock annotations: ../shared/KERNEL-C-PARSING.md) leave such nodes in a few dozen places of each
// file, so a re-parse of khugepaged.c costs 1.5–2 ms with no edit at all, against 0.1 ms for error-free C of
// the same size (bench/parseFloor.ts) — a third of the budget of a re-check after a keystroke.
//
// How: the edited function is parsed alone, with the parser's included ranges set to its extent in the whole
// text, so its nodes have their positions in the document. At the top level C is context-free (tree-sitter-c
// keeps no typedef table), and every function of the three kernel files parses alone into the same subtree as
// in the whole file, error nodes included (measured: 134 of 134; a test keeps it so). The result is used only
// when it is one whole function with its real closing brace, without parse errors other than those it had
// (problems()) and without a block comment left open (opensComment()): an edit that closes the body early, or
// leaves a block, an `#if` or a comment open, changes where the functions after it end, which only a whole-file
// parse can say, so that edit gets one (and the overlays are dropped). The whole-file tree is kept,
// tree.edit()ed, for the rest of the file.
import type { Edit, Node, Parser, ParseCallback, Tree } from 'web-tree-sitter';
import { problemNodes } from './functions';
import { commentsIn } from './layout';

export interface TextRange {
  start: number;
  end: number;
}

/** Past this many re-parsed functions, the next edit re-parses the file (each edit is applied to every tree). */
const MAX_OVERLAYS = 64;

/** Where a function definition may stand for a whole-file parse to see it as a function of the file. */
const TOP_LEVEL_CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification']);

export class FunctionOverlays {
  private trees: Tree[] = [];

  constructor(private readonly parser: Parser, private readonly read: ParseCallback) {}

  /** Applies a text edit to every overlay, as to the whole-file tree. */
  edit(edit: Edit): void {
    for (const t of this.trees) t.edit(edit);
  }

  /**
   * Re-parses the function whose body holds all of `changed` on its own; false when there is no such
   * function or its new text does not parse as one whole function: the caller re-parses the file.
   */
  reparse(whole: Tree, changed: TextRange): boolean {
    const index = this.holding(changed);
    const old = index >= 0 ? this.trees[index] : undefined;
    const fn = old ? old.rootNode.firstChild : enclosingFunction(whole, changed);
    if (!fn) return false;
    // A new overlay: not past the bound, and not a second one of a function (an edit across its body's edge).
    if (!old && (this.trees.length >= MAX_OVERLAYS || this.trees.some((t) => t.rootNode.firstChild?.startIndex === fn.startIndex))) return false;
    const range = { startIndex: fn.startIndex, endIndex: fn.endIndex, startPosition: fn.startPosition, endPosition: fn.endPosition };
    // Its parse errors before the edit (the trees were only tree.edit()ed since: the nodes are the old ones).
    const problemsBefore = problems(fn);
    // Incrementally only from an error-free tree: where error recovery ran, an incremental parse may recover
    // otherwise than a fresh one (tree-sitter/tree-sitter#1444, #1645), and the editor must say what the CLI says.
    const tree = this.parser.parse(this.read, problemsBefore.length === 0 ? old : undefined, { includedRanges: [range] });
    if (!tree || !isWholeFunction(tree, range.startIndex, range.endIndex) || !sameOrNoProblems(tree.rootNode.firstChild!, problemsBefore)
      || opensComment(tree.rootNode.firstChild!.text)) {
      tree?.delete();
      return false;
    }
    if (old) {
      old.delete();
      this.trees[index] = tree;
    } else {
      this.trees.push(tree);
    }
    return true;
  }

  /**
   * Whether all of `changed` lies inside one comment that is still one comment: then no token changed, and the
   * trees as tree.edit() left them are what a parse would give (a kernel-doc comment edited needs no parse).
   */
  onlyInsideComment(whole: Tree, changed: TextRange, text: string): boolean {
    const tree = this.trees[this.holding(changed)] ?? whole;
    const n = tree.rootNode.descendantForIndex(changed.start, changed.end);
    if (n?.type !== 'comment' || changed.start < n.startIndex + 2 || changed.end > n.endIndex - (text.startsWith('/*', n.startIndex) ? 2 : 0)) return false;
    const comment = text.slice(n.startIndex, n.endIndex);
    const [only, ...more] = commentsIn(comment);
    return more.length === 0 && only?.start === 0 && only.text === comment && only.closed;
  }

  /** The index of the overlay whose function's body holds `changed`, or -1. */
  private holding(changed: TextRange): number {
    return this.trees.findIndex((t) => holds(t.rootNode.firstChild, changed));
  }

  /** The re-parsed function definitions, by where they start: they stand for the whole-file tree's ones. */
  functions(): Map<number, Node> {
    const out = new Map<number, Node>();
    for (const t of this.trees) {
      const fn = t.rootNode.firstChild;
      if (fn) out.set(fn.startIndex, fn);
    }
    return out;
  }

  clear(): void {
    for (const t of this.trees) t.delete();
    this.trees = [];
  }
}

/** Whether `changed` lies inside the braces of function definition `fn`'s body. */
function holds(fn: Node | null, changed: TextRange): fn is Node {
  const body = fn?.type === 'function_definition' ? fn.childForFieldName('body') : null;
  return !!body && body.type === 'compound_statement' && changed.start > body.startIndex && changed.end < body.endIndex;
}

/** The function definition of the whole-file tree whose body holds `changed`, if it stands at the top level. */
function enclosingFunction(whole: Tree, changed: TextRange): Node | null {
  let n = whole.rootNode.descendantForIndex(changed.start, changed.end);
  while (n && n.type !== 'function_definition') n = n.parent;
  if (!n || !holds(n, changed)) return null;
  for (let p = n.parent; p; p = p.parent) if (!TOP_LEVEL_CONTAINERS.has(p.type)) return null;
  return n;
}

/**
 * The ERROR and MISSING nodes under `n`, in order. Where the function parsed alone has none, the whole-file
 * parse gets the same subtree: the parser is in the same state at its start and at its closing `}`. Where it
 * has some, error recovery may look past the function's end in the whole file (an `#if 0` left open there
 * swallows the rest of the file; here it stops at the end of the range with a MISSING `#endif`), so the function
 * is only taken alone when its problems are those it had before the edit (an iterator macro's MISSING `;`,
 * which the edit did not touch).
 */
function problems(n: Node): string[] {
  return problemNodes(n).map((p) => (p.isMissing ? `MISSING ${p.type}` : `ERROR ${p.text}`));
}

function sameOrNoProblems(fn: Node, before: string[]): boolean {
  const after = problems(fn);
  return after.length === 0 || after.join('\n') === before.join('\n');
}

/**
 * Whether `text` leaves a block comment open. Parsed alone, the lexer cannot find its end inside the range and
 * reads `/` and `*` as operators instead (`return atomic_/*read(&mm->mm_users) == 0;` is then a division),
 * where the whole file's parse runs the comment on to the next `*\/`, over the function's end.
 */
function opensComment(text: string): boolean {
  for (const c of commentsIn(text)) if (!c.closed && c.text.startsWith('/*')) return true;
  return false;
}

/** The tree is one function definition over exactly [start, end), its body closed by a real `}`. */
function isWholeFunction(tree: Tree, start: number, end: number): boolean {
  const root = tree.rootNode;
  const fn = root.firstChild;
  if (root.childCount !== 1 || !fn || fn.type !== 'function_definition' || fn.startIndex !== start || fn.endIndex !== end) return false;
  const close = fn.childForFieldName('body')?.lastChild;
  return close?.type === '}' && !close.isMissing;
}

// Finds the function definitions of a parsed file, with what the analysis needs to know about each before
// looking inside: name, parameters, return shape, and the sparse lock annotations (__must_hold(x),
// __acquires(x), __releases(x)), which tree-sitter-c parses as stray calls or ERROR nodes after the
// declarator (../shared/KERNEL-C-PARSING.md).
import type { Node, Tree } from 'web-tree-sitter';
import { declaredName, normalizeText } from '../cfg/expr';
import type { FunctionContract } from '../check/lockPair';
import { lockIdentity } from '../check/identity';
import { ANNOTATIONS } from '../model/api';
import { SYSCALL_CONTEXT } from '../model/entryPoints';
import { codeLayout } from './layout';
import type { CParser } from './parser';

export interface FunctionSite {
  name: string;
  /** `static`: only callable from this file, so its callers here are all its callers. */
  isStatic: boolean;
  params: string[];
  node: Node;
  contract: FunctionContract;
  /** Entered by the kernel holding no lock, as what (a system call): model/entryPoints.ts. */
  entry?: string;
  /** Count of ERROR/MISSING nodes inside; a function with them is still analysed. */
  parseProblems: number;
  /**
   * Nested deeper than MAX_SYNTAX_DEPTH (thousands of nested blocks or terms, as fuzzers and generated code
   * produce): not analysed, so that the recursive CFG builder cannot exhaust the stack of the language server.
   */
  tooDeep: boolean;
}

/** Far beyond any real kernel function (khugepaged's deepest is about 40), far below the stack limit. */
export const MAX_SYNTAX_DEPTH = 400;

/**
 * Whether the syntax tree under `n` is deeper than `limit` (iterative: the tree itself may be very deep). A
 * subtree of k nodes is at most k - 1 levels deep below its root, so only subtrees bigger than the depth still
 * allowed are looked into: in a real function, its few largest statements, not each of its thousands of nodes
 * (walking them all cost half a millisecond of each re-check after an edit of a long function).
 */
function deeperThan(n: Node, limit: number): boolean {
  const stack: { node: Node; depth: number }[] = [{ node: n, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth } = top;
    if (depth > limit) return true;
    if (depth + node.descendantCount - 1 <= limit) continue;
    for (const child of node.children) if (child) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

const ANNOTATION_RE = new RegExp(
  `\\b(${Object.values(ANNOTATIONS).join('|')})\\s*\\(((?:[^()]|\\([^()]*\\))*)\\)`, 'g');

/** What describeFunction finds, without the node: a pure function of the function's text. */
type FunctionFacts = Omit<FunctionSite, 'node'>;

/** A function found inside a top-level definition (usually the definition itself), by its offsets in it. */
interface FoundFunction {
  start: number;
  end: number;
  facts: FunctionFacts;
}

/**
 * What the previous run found in each top-level definition, by its text: an edit changes one function, and
 * walking every other one again (its depth, its parse problems, the functions error recovery buried in it)
 * cost most of a re-check (docs/benchmarks.md). A definition that is one function whose layout alone changed
 * (layout.ts) has the same facts too. Each run keeps only the texts it saw, so the memo stays the size of the file.
 */
export class FunctionFactsMemo {
  private previous = new Map<string, FoundFunction[]>();
  private current = new Map<string, FoundFunction[]>();
  /** Definitions of the previous run that are one function, by their layout. */
  private previousLayouts = new Map<string, FunctionFacts>();
  private currentLayouts = new Map<string, FunctionFacts>();

  functionsIn(definition: Node, parser: CParser): FunctionSite[] {
    const text = definition.text;
    let found = this.current.get(text) ?? this.previous.get(text);
    let layout: string | undefined;
    if (!found) {
      layout = codeLayout(text);
      const facts = this.previousLayouts.get(layout);
      found = facts ? [{ start: 0, end: text.length, facts }]
        : functionsIn(definition, parser).map(({ node, ...facts }) =>
          ({ start: node.startIndex - definition.startIndex, end: node.endIndex - definition.startIndex, facts }));
    }
    this.current.set(text, found);
    if (layout !== undefined && found.length === 1 && found[0].start === 0 && found[0].end === text.length) {
      this.currentLayouts.set(layout, found[0].facts);
    }
    return found.flatMap(({ start, end, facts }) => {
      const node = start === 0 && end === text.length ? definition
        : definition.descendantForIndex(definition.startIndex + start, definition.startIndex + end);
      return node ? [{ ...facts, node }] : [];
    });
  }

  /** Call after each run: what the run did not see is forgotten. */
  endRun(): void {
    this.previous = this.current;
    this.current = new Map();
    // Only the layouts of this run's changed definitions: the next edit most likely changes one of them again.
    this.previousLayouts = this.currentLayouts;
    this.currentLayouts = new Map();
  }
}

/**
 * The functions a top-level definition holds: itself, and, when it has parse errors, the definitions error
 * recovery put inside it (an unclosed `{` while typing swallows the next function). The query
 * (grammars/queries/functions.scm) says what a definition is. A definition without errors holds no other:
 * the kernel has no nested functions.
 */
function functionsIn(definition: Node, parser: CParser): FunctionSite[] {
  if (!definition.hasError) {
    const site = definition.childForFieldName('body')?.type === 'compound_statement' ? describeFunction(definition) : null;
    return site ? [site] : [];
  }
  const out: FunctionSite[] = [];
  for (const match of parser.query('functions').matches(definition)) {
    const fn = match.captures.find((c) => c.name === 'function')?.node;
    const site = fn && describeFunction(fn);
    if (site) out.push(site);
  }
  return out;
}

/**
 * Items that hold top-level items: preprocessor conditionals wrap whole functions (`#ifdef CONFIG_SHMEM`),
 * and error recovery buries them in ERROR nodes.
 */
const CONTAINERS = new Set(['ERROR', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification']);

/**
 * The function definitions of the file, in order. Matching the functions query over the whole tree cost a
 * third of a re-check after an edit, so the walk visits only top-level items and what contains them.
 */
export function findFunctions(tree: Tree, parser: CParser, memo?: FunctionFactsMemo, overlays?: ReadonlyMap<number, Node>): FunctionSite[] {
  const out: FunctionSite[] = [];
  const cursor = tree.rootNode.walk();
  try {
    let depth = 0;
    if (cursor.gotoFirstChild()) {
      for (;;) {
        const type = cursor.nodeType;
        if (type === 'function_definition') {
          // A function re-parsed on its own since the file was (overlays.ts) stands for the file tree's version.
          const definition = overlays?.get(cursor.startIndex) ?? cursor.currentNode;
          out.push(...(memo ? memo.functionsIn(definition, parser) : functionsIn(definition, parser)));
        } else if (type === 'expression_statement') {
          const site = syscallDefinition(cursor.currentNode);
          if (site) out.push(site);
        } else if (CONTAINERS.has(type) && cursor.gotoFirstChild()) {
          depth++;
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (depth === 0 || !cursor.gotoParent()) return out;
          depth--;
        }
      }
    }
    return out;
  } finally {
    cursor.delete();
    memo?.endRun();
  }
}

/**
 * `SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len) { ... }` (include/linux/syscalls.h): tree-sitter
 * reads the macro as a call statement and its body as a block standing at the top level. The block is the
 * function `sys_munmap`, entered from user space (a root, holding nothing), its parameters every second
 * macro argument after the name.
 */
function syscallDefinition(statement: Node): FunctionSite | null {
  const call = statement.firstNamedChild;
  const macro = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
  const kind = macro && /^(COMPAT_)?SYSCALL_DEFINE\d$/.exec(macro);
  const body = statement.nextNamedSibling;
  if (!kind || body?.type !== 'compound_statement') return null;
  const args = (call!.childForFieldName('arguments')?.text ?? '').replace(/^\(|\)$/g, '').split(',').map((a) => a.trim());
  if (!/^\w+$/.test(args[0] ?? '')) return null;
  const tooDeep = deeperThan(body, MAX_SYNTAX_DEPTH);
  return {
    name: `${kind[1] ? 'compat_' : ''}sys_${args[0]}`,
    isStatic: false,
    entry: SYSCALL_CONTEXT,
    params: args.filter((a, i) => i > 0 && i % 2 === 0 && /^\w+$/.test(a)),
    node: body,
    contract: { mustHold: [], acquires: [], releases: [], condAcquires: [], returns: 'int' },
    parseProblems: tooDeep ? 0 : problemNodes(body).length,
    tooDeep,
  };
}

function describeFunction(fn: Node): FunctionSite | null {
  const declarator = fn.childForFieldName('declarator');
  const fnDecl = declarator && findFunctionDeclarator(declarator);
  if (!fnDecl) return null;
  const nameNode = declaredName(fnDecl.childForFieldName('declarator'));
  if (!nameNode) return null;
  const params: string[] = [];
  for (const p of fnDecl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'parameter_declaration') continue;
    const name = declaredName(p.childForFieldName('declarator'));
    if (name) params.push(name.text);
  }
  const body = fn.childForFieldName('body');
  const tooDeep = body ? deeperThan(body, MAX_SYNTAX_DEPTH) : false;
  // Without comments: the facts of a function are those of its layout (layout.ts).
  const header = fn.text.slice(0, body ? body.startIndex - fn.startIndex : undefined).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
  return {
    name: nameNode.text,
    isStatic: fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static'),
    params,
    node: fn,
    contract: { ...annotations(header), returns: returnShape(fn, declarator!) },
    parseProblems: body && !tooDeep ? problemNodes(body).length : 0,
    tooDeep,
  };
}

function findFunctionDeclarator(n: Node): Node | null {
  if (n.type === 'function_declarator') return n;
  const inner = n.childForFieldName('declarator');
  return inner ? findFunctionDeclarator(inner) : null;
}

function annotations(header: string): Omit<FunctionContract, 'returns'> {
  const out: Omit<FunctionContract, 'returns'> = { mustHold: [], acquires: [], releases: [], condAcquires: [] };
  for (const m of header.matchAll(ANNOTATION_RE)) {
    const ids = m[2].split(',').map((s) => lockIdentity(normalizeText(s))).filter((s) => s && !/^\d+$/.test(s));
    const list = m[1] === ANNOTATIONS.mustHold ? out.mustHold
      : m[1] === ANNOTATIONS.acquires ? out.acquires
      : m[1] === ANNOTATIONS.releases ? out.releases : out.condAcquires;
    // __cond_acquires(ret, lock) in newer kernels names the return value first: keep the lock.
    list.push(m[1] === ANNOTATIONS.condAcquires ? ids[ids.length - 1] : ids[0]);
  }
  return out;
}

function returnShape(fn: Node, declarator: Node): FunctionContract['returns'] {
  if (declarator.type === 'pointer_declarator') return 'pointer';
  const type = fn.childForFieldName('type')?.text ?? '';
  if (type === 'void') return 'void';
  if (type === 'bool') return 'bool';
  return 'int';
}

/**
 * The ERROR and MISSING nodes under `n` (not `n` itself), in document order; only subtrees holding one are
 * walked, and iteratively: error recovery can nest deeply.
 */
export function problemNodes(n: Node): Node[] {
  const out: Node[] = [];
  if (!n.hasError) return out;
  const cursor = n.walk();
  try {
    if (!cursor.gotoFirstChild()) return out;
    for (let depth = 1; ;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) out.push(node);
      if (node.hasError && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        cursor.gotoParent();
        if (--depth === 0) return out;
      }
    }
  } finally {
    cursor.delete();
  }
}

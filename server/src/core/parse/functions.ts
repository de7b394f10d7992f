// Finds the function definitions of a parsed file, with what the analysis needs to know about each before
// looking inside: name, parameters, return shape, and the sparse lock annotations (__must_hold(x),
// __acquires(x), __releases(x)), which tree-sitter-c parses as stray calls or ERROR nodes after the
// declarator (../shared/KERNEL-C-PARSING.md).
import type { Node, Tree } from 'web-tree-sitter';
import { declaredName, normalizeText } from '../cfg/expr';
import type { FunctionContract } from '../check/lockPair';
import { lockIdentity } from '../check/interpret';
import { ANNOTATIONS } from '../model/api';
import type { CParser } from './parser';

export interface FunctionSite {
  name: string;
  /** `static`: only callable from this file, so its callers here are all its callers. */
  isStatic: boolean;
  params: string[];
  node: Node;
  contract: FunctionContract;
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

/** Whether the syntax tree under `n` is deeper than `limit` (iterative: the tree itself may be very deep). */
function deeperThan(n: Node, limit: number): boolean {
  const cursor = n.walk();
  let depth = 0;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        if (++depth > limit) return true;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || --depth < 0) return false;
      }
    }
  } finally {
    cursor.delete();
  }
}

const ANNOTATION_RE = new RegExp(
  `\\b(${Object.values(ANNOTATIONS).join('|')})\\s*\\(((?:[^()]|\\([^()]*\\))*)\\)`, 'g');

/** What describeFunction finds, without the node: a pure function of the function's text. */
type FunctionFacts = Omit<FunctionSite, 'node'>;

/**
 * Descriptions of the functions of the previous run, by text: an edit changes one function, and walking every
 * other one again for its depth and parse problems cost about half of a re-check (docs/benchmarks.md).
 * Each run keeps only the texts it saw, so the memo stays the size of the file.
 */
export class FunctionFactsMemo {
  private previous = new Map<string, FunctionFacts | null>();
  private current = new Map<string, FunctionFacts | null>();

  describe(fn: Node): FunctionSite | null {
    const text = fn.text;
    let facts = this.current.has(text) ? this.current.get(text) : this.previous.get(text);
    if (facts === undefined) {
      const site = describeFunction(fn);
      facts = site && factsOf(site);
    }
    this.current.set(text, facts);
    return facts && { ...facts, node: fn };
  }

  /** Call after each run: what the run did not see is forgotten. */
  endRun(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

function factsOf({ node: _node, ...facts }: FunctionSite): FunctionFacts {
  return facts;
}

export function findFunctions(tree: Tree, parser: CParser, memo?: FunctionFactsMemo): FunctionSite[] {
  const out: FunctionSite[] = [];
  for (const match of parser.query('functions').matches(tree.rootNode)) {
    const fn = match.captures.find((c) => c.name === 'function')?.node;
    if (!fn) continue;
    const site = memo ? memo.describe(fn) : describeFunction(fn);
    if (site) out.push(site);
  }
  memo?.endRun();
  return out;
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
  const header = fn.text.slice(0, body ? body.startIndex - fn.startIndex : undefined);
  return {
    name: nameNode.text,
    isStatic: fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static'),
    params,
    node: fn,
    contract: { ...annotations(header), returns: returnShape(fn, declarator!) },
    parseProblems: body && !tooDeep ? countProblems(body) : 0,
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

function countProblems(n: Node): number {
  if (!n.hasError) return 0;
  let count = 0;
  const cursor = n.walk();
  const visit = (): void => {
    do {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) count++;
      if (node.hasError && cursor.gotoFirstChild()) {
        visit();
        cursor.gotoParent();
      }
    } while (cursor.gotoNextSibling());
  };
  if (cursor.gotoFirstChild()) visit();
  cursor.delete();
  return count;
}

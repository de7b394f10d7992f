// The control-flow graph of one C function, as plain data (no tree-sitter objects), so it can be cached,
// sent to a worker thread and tested without a parser.

/** 0-based row/column span inside the document (tree-sitter convention; findings convert to 1-based). */
export interface Span {
  startRow: number;
  startColumn: number;
  endRow: number;
  endColumn: number;
}

/** The expression subset the analysis interprets; everything else is `opaque` with its sub-expressions kept. */
export type Expr =
  | { kind: 'call'; callee: string; args: Expr[]; span: Span; text: string }
  | { kind: 'ident'; name: string; span: Span }
  | { kind: 'const'; text: string; span: Span }
  | { kind: 'unary'; op: string; arg: Expr; span: Span; text: string }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; span: Span; text: string }
  | { kind: 'assign'; op: string; target: Expr; value: Expr; span: Span; text: string }
  /** `x++` / `--x`; `prefix` when the operator comes first (the value is then the updated one). */
  | { kind: 'update'; target: Expr; prefix: boolean; span: Span; text: string }
  /** Fields, subscripts, casts, ternaries, statement expressions, …: `text` is the normalized source. */
  | { kind: 'opaque'; parts: Expr[]; span: Span; text: string; ternary?: { condition: Expr; consequence: Expr; alternative: Expr } };

export type CfgEvent =
  /** Evaluate an expression for its effects (calls in evaluation order, assignments). */
  | { kind: 'eval'; expr: Expr }
  /** Leave the scope of a cleanup.h guard: the lock taken by `acquire` is released. */
  | { kind: 'guard-release'; acquire: Expr & { kind: 'call' }; span: Span }
  /** Locals declared here without a value (`spinlock_t *ptl;`): nothing they point to is set yet. */
  | { kind: 'declare'; names: string[] }
  /** A `#if`/`#ifdef` branch decision is recorded as a condition fact on its text (see CfgNode.condition). */
  ;

export type CfgNodeKind = 'entry' | 'exit' | 'block' | 'branch' | 'return' | 'noreturn';

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  /** Effects evaluated in order when control passes through the node (before a branch's condition). */
  events: CfgEvent[];
  /** For `branch`: successors are [whenTrue, whenFalse]. */
  condition?: Expr;
  /** For `return`: the returned expression, if any. */
  returnValue?: Expr;
  succ: number[];
  span?: Span;
  /** For goto statements and returns: what a message should call this exit ("goto out", "return"). */
  label?: string;
  /** The goto/return statement stands in a { } block, so a statement can be inserted before it. */
  braced?: boolean;
  /** A branch made of an assertion (`BUG_ON(c)`): its condition states what holds where the code goes on. */
  assertion?: boolean;
}

export interface FunctionCfg {
  name: string;
  params: string[];
  /** Variables declared in the body: locks rooted in them mean nothing to a caller. */
  locals: string[];
  /**
   * Locals that are objects in this function's frame, not pointers (`struct mmu_notifier_range range`): no
   * caller can hold a lock of theirs.
   */
  frameObjects?: string[];
  nodes: CfgNode[];
  entry: number;
  exit: number;
}

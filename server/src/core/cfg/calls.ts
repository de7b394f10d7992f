// Every call a function's CFG makes, in its statements, conditions and returns, nested calls included.
import type { Expr, FunctionCfg, Span } from './types';

export function forEachCall(cfg: Pick<FunctionCfg, 'nodes'>, visit: (call: Expr & { kind: 'call' }) => void): void {
  const walk = (e: Expr): void => {
    if (e.kind === 'call') {
      visit(e);
      e.args.forEach(walk);
    } else if (e.kind === 'unary') walk(e.arg);
    else if (e.kind === 'binary') { walk(e.left); walk(e.right); }
    else if (e.kind === 'assign') { walk(e.target); walk(e.value); }
    else if (e.kind === 'opaque') e.parts.forEach(walk);
  };
  for (const n of cfg.nodes) {
    for (const ev of n.events) if (ev.kind === 'eval') walk(ev.expr);
    if (n.condition) walk(n.condition);
    if (n.returnValue) walk(n.returnValue);
  }
}

/**
 * Where a call's callee name is: a place that moves only with its line (a blank typed inside the parentheses
 * moves the call's end otherwise than a summary's caller would move a place quoted from it).
 */
export function calleeNameSpan(call: Expr & { kind: 'call' }): Span {
  return { ...call.span, endRow: call.span.startRow, endColumn: call.span.startColumn + call.callee.length };
}

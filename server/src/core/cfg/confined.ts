// Locals whose value never leaves the function: not returned, not stored anywhere, not given to any call but
// the lock API's own. A lock reached through one (`pmd_ptl = pmd_lock(mm, pmd)` used only by spin_unlock())
// cannot be handed to a caller, who has no way to name it: held at every exit, it is leaked.
import { apiRow } from '../model/api';
import type { Expr, FunctionCfg } from './types';

export function confinedLocals(cfg: FunctionCfg): ReadonlySet<string> {
  const cached = cache.get(cfg);
  if (cached) return cached;
  const escaped = new Set<string>();
  const rootOf = (e: Expr): string | undefined => {
    if (e.kind === 'ident') return e.name;
    if (e.kind === 'unary' && (e.op === '&' || e.op === '*')) return rootOf(e.arg);
    if (e.kind === 'opaque' && /^[A-Za-z_]\w*(->|\.)/.test(e.text)) return /^[A-Za-z_]\w*/.exec(e.text)![0];
    return undefined;
  };
  const escape = (e: Expr) => {
    const r = rootOf(e);
    if (r) escaped.add(r);
  };
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'call':
        // A call the lock table knows only takes or drops the lock; any other may keep what it is given.
        if (!apiRow(e.callee)) e.args.forEach(escape);
        e.args.forEach(walk);
        return;
      case 'assign':
        escape(e.value);
        walk(e.target);
        walk(e.value);
        return;
      case 'unary': return walk(e.arg);
      case 'binary': walk(e.left); walk(e.right); return;
      case 'opaque':
        // Text the CFG does not break down (an initializer list, a cast, a statement expression): any local
        // it names may go anywhere.
        for (const m of e.text.matchAll(/[A-Za-z_]\w*/g)) escaped.add(m[0]);
        e.parts.forEach(walk);
        return;
      default: return;
    }
  };
  for (const n of cfg.nodes) {
    for (const ev of n.events) if (ev.kind === 'eval') walk(ev.expr);
    if (n.condition) walk(n.condition);
    if (n.returnValue) { escape(n.returnValue); walk(n.returnValue); }
  }
  const out = new Set(cfg.locals.filter((l) => !escaped.has(l) && !cfg.params.includes(l)));
  cache.set(cfg, out);
  return out;
}

const cache = new WeakMap<FunctionCfg, ReadonlySet<string>>();

// Which local variables are dead at each CFG node: no path from the node reads them before writing them again.
// A path's fact about a dead variable can change no later branch, call or return, so the interpreter drops
// it: without that, `ret = collapse_huge_page(...); switch (ret) {...}` inside a loop (mthp_collapse() in
// 7.x) carries each of ret's dozen values round the loop and multiplies the states at every node by them.
//
// The reads are over-approximated, so a variable is called dead only when it surely is: every identifier in
// an expression's text counts as a read, only `x = …` with nothing else reading x in the same event counts
// as a write, and a local whose address is taken (`&x`, so a callee may read it) is never dead.
import type { Expr, FunctionCfg } from '../cfg/types';

const IDENTIFIER = /[A-Za-z_]\w*/g;
const cache = new WeakMap<FunctionCfg, ReadonlySet<string>[]>();

/** For each node id, the locals dead on entry to it (only those some node writes: the others carry no fact). */
export function deadLocalsAt(cfg: FunctionCfg): ReadonlySet<string>[] {
  let dead = cache.get(cfg);
  if (!dead) cache.set(cfg, (dead = compute(cfg)));
  return dead;
}

function compute(cfg: FunctionCfg): ReadonlySet<string>[] {
  const escaped = new Set<string>();
  const steps = cfg.nodes.map((n) => {
    const exprs = n.events.flatMap((ev) => (ev.kind === 'eval' ? [ev.expr] : ev.kind === 'guard-release' ? [ev.acquire] : []));
    if (n.condition) exprs.push(n.condition);
    if (n.returnValue) exprs.push(n.returnValue);
    return exprs.map((e) => accessesOf(e, escaped));
  });
  const candidates = new Set(cfg.locals.filter((v) => !escaped.has(v) && steps.some((s) => s.some((a) => a.writes.has(v)))));
  if (candidates.size === 0) return cfg.nodes.map(() => new Set());

  // Backward dataflow to a fixed point: live-in(n) = transfer(n, ∪ live-in(successors)).
  const liveIn = cfg.nodes.map(() => new Set<string>());
  const preds = cfg.nodes.map(() => [] as number[]);
  cfg.nodes.forEach((n) => n.succ.forEach((s) => preds[s].push(n.id)));
  const work = cfg.nodes.map((n) => n.id);
  const queued = new Set(work);
  while (work.length > 0) {
    const id = work.pop()!;
    queued.delete(id);
    const live = new Set<string>();
    for (const s of cfg.nodes[id].succ) for (const v of liveIn[s]) live.add(v);
    for (let i = steps[id].length - 1; i >= 0; i--) {
      const { reads, writes } = steps[id][i];
      for (const v of writes) live.delete(v);
      for (const v of reads) if (candidates.has(v)) live.add(v);
    }
    if (live.size === liveIn[id].size) continue;
    liveIn[id] = live;
    for (const p of preds[id]) if (!queued.has(p)) { queued.add(p); work.push(p); }
  }
  return liveIn.map((live) => new Set([...candidates].filter((v) => !live.has(v))));
}

interface Access {
  reads: Set<string>;
  /** Written and not read by the same event. */
  writes: Set<string>;
}

function accessesOf(e: Expr, escaped: Set<string>): Access {
  const access: Access = { reads: new Set(), writes: new Set() };
  collect(e, access, escaped);
  for (const v of access.reads) access.writes.delete(v);
  return access;
}

function collect(e: Expr, a: Access, escaped: Set<string>): void {
  switch (e.kind) {
    case 'ident':
      a.reads.add(e.name);
      return;
    case 'const':
      return;
    case 'assign':
      if (e.op === '=' && e.target.kind === 'ident') a.writes.add(e.target.name);
      else collect(e.target, a, escaped);
      collect(e.value, a, escaped);
      return;
    case 'unary':
      if (e.op === '&' && e.arg.kind === 'ident') escaped.add(e.arg.name);
      collect(e.arg, a, escaped);
      return;
    case 'call':
      a.reads.add(e.callee);
      e.args.forEach((x) => collect(x, a, escaped));
      return;
    case 'update':
      collect(e.target, a, escaped);
      return;
    case 'binary':
      collect(e.left, a, escaped);
      collect(e.right, a, escaped);
      return;
    case 'opaque':
      // Fields, subscripts, casts, statement expressions: whatever the text names may be read.
      for (const m of e.text.matchAll(IDENTIFIER)) a.reads.add(m[0]);
      if (/&\s*[A-Za-z_]/.test(e.text)) for (const m of e.text.matchAll(/&\s*([A-Za-z_]\w*)/g)) escaped.add(m[1]);
      e.parts.forEach((x) => collect(x, a, escaped));
  }
}

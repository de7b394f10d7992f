// The collapse thread for the simulator, extracted from a function's CFG: one program node per kernel call in
// evaluation order, branches kept (undecided ones are explored both ways by the simulator), with `assume`
// markers where the condition says which way the last call went (`if (result != SCAN_SUCCEED)` after
// hugepage_vma_revalidate, `if (!mmap_read_trylock(mm))`, `if (pte)`, `if (folio)`, `is_pmd_order(order)`).
// Calls the simulator models are kept as ops; other functions of the same file are inlined (a few levels
// deep), so the callee's locking is part of the thread; anything else is left out.
import type { CfgNode, Expr, FunctionCfg } from '../cfg/types';
import type { FunctionSummary } from '../check/summary';
import { OPS } from '../sim/ops';
import type { Assumption, ProgramNode, ThreadProgram } from '../sim/program';

type CallExpr = Expr & { kind: 'call' };

export interface ExtractInput {
  cfg: FunctionCfg;
  /** The other functions of the file, to inline. */
  cfgOf: (name: string) => FunctionCfg | undefined;
  /** The function's summary: locks its caller holds on entry (released by it) become a prologue. */
  summary?: FunctionSummary;
  /** Maps a 0-based document row to the location reported in traces (a patch line for patch input). */
  location?: (row: number, column: number) => { line: number; column: number };
}

const MAX_INLINE_DEPTH = 3;

export function extractThreadProgram(input: ExtractInput): ThreadProgram {
  return new Extractor(input).run();
}

class Extractor {
  private readonly nodes: ProgramNode[] = [];
  constructor(private readonly input: ExtractInput) {}

  run(): ThreadProgram {
    const entry = this.add({ label: 'entry' });
    let tail = entry;
    // The caller's locks the function drops (collapse_huge_page() is entered with the mmap_lock read-held).
    for (const op of prologue(this.input.summary)) tail = this.chain(tail, { op, args: ['mm'], label: 'caller holds' });
    const end = this.add({ label: 'end' });
    const body = this.translate(this.input.cfg, end, [this.input.cfg.name]);
    this.link(tail, body);
    return { name: this.input.cfg.name, entry, nodes: this.nodes };
  }

  private add(fields: Omit<ProgramNode, 'id' | 'succ'>): number {
    const id = this.nodes.length;
    this.nodes.push({ id, succ: [], ...fields });
    return id;
  }

  private link(from: number, to: number): void {
    if (!this.nodes[from].succ.includes(to)) this.nodes[from].succ.push(to);
  }

  private chain(from: number, fields: Omit<ProgramNode, 'id' | 'succ'>): number {
    const id = this.add(fields);
    this.link(from, id);
    return id;
  }

  /** Translates a function's CFG; its exits continue at `exit`. Returns the program node of its entry. */
  private translate(cfg: FunctionCfg, exit: number, stack: string[]): number {
    const heads = new Map<number, number>();
    const dead = deadEnds(cfg);
    const head = (id: number): number => {
      let h = heads.get(id);
      if (h === undefined) {
        h = this.add({});
        heads.set(id, h);
        this.body(cfg, cfg.nodes[id], h, exit, head, stack, dead);
      }
      return h;
    };
    return head(cfg.entry);
  }

  private body(cfg: FunctionCfg, node: CfgNode, start: number, exit: number, head: (id: number) => number, stack: string[],
    dead: Set<number>): void {
    let tail = start;
    for (const ev of node.events) {
      if (ev.kind === 'eval') tail = this.calls(ev.expr, tail, stack);
      else if (ev.kind === 'guard-release') tail = this.chain(tail, { op: guardRelease(ev.acquire.callee), args: ev.acquire.args.map(text), loc: this.loc(ev.span) });
    }
    if (node.kind === 'return') {
      if (node.returnValue) tail = this.calls(node.returnValue, tail, stack);
      this.link(tail, exit);
      return;
    }
    if (node.kind === 'exit') {
      this.link(tail, exit);
      return;
    }
    if (node.kind === 'noreturn') return; // BUG(): the thread stops
    if (node.kind === 'branch' && node.condition && node.succ.length === 2) {
      tail = this.calls(node.condition, tail, stack);
      const [whenTrue, whenFalse] = assumptions(node.condition);
      // A way into BUG() is not a way the thread can go: `BUG_ON(c)` states that `c` is false.
      if (!dead.has(node.succ[0])) this.link(this.chain(tail, whenTrue ? { assume: whenTrue } : {}), head(node.succ[0]));
      if (!dead.has(node.succ[1])) this.link(this.chain(tail, whenFalse ? { assume: whenFalse } : {}), head(node.succ[1]));
      return;
    }
    for (const s of node.succ) if (!dead.has(s)) this.link(tail, head(s));
  }

  /** The calls of an expression in evaluation order (arguments first); same-file callees are inlined. */
  private calls(e: Expr, tail: number, stack: string[]): number {
    switch (e.kind) {
      case 'call': {
        for (const a of e.args) tail = this.calls(a, tail, stack);
        return this.call(e, tail, stack);
      }
      case 'unary': return this.calls(e.arg, tail, stack);
      case 'binary': return this.calls(e.right, this.calls(e.left, tail, stack), stack);
      case 'assign': return this.calls(e.value, tail, stack);
      case 'opaque': return e.parts.reduce((t, p) => this.calls(p, t, stack), tail);
      default: return tail;
    }
  }

  private call(e: CallExpr, tail: number, stack: string[]): number {
    if (OPS[e.callee]) return this.chain(tail, { op: e.callee, args: e.args.map(text), loc: this.loc(e.span) });
    const callee = this.input.cfgOf(e.callee);
    if (!callee || stack.includes(e.callee) || stack.length > MAX_INLINE_DEPTH) return tail;
    const join = this.add({ label: `return from ${e.callee}` });
    this.link(tail, this.translate(callee, join, [...stack, e.callee]));
    return join;
  }

  private loc(span: { startRow: number; startColumn: number }): { line: number; column: number } {
    return this.input.location?.(span.startRow, span.startColumn) ?? { line: span.startRow + 1, column: span.startColumn + 1 };
  }
}

/** CFG nodes from which every path ends in a noreturn call (BUG(), panic()). */
function deadEnds(cfg: FunctionCfg): Set<number> {
  const dead = new Set(cfg.nodes.filter((n) => n.kind === 'noreturn').map((n) => n.id));
  for (let changed = true; changed;) {
    changed = false;
    for (const n of cfg.nodes) {
      if (!dead.has(n.id) && n.succ.length > 0 && n.kind !== 'exit' && n.kind !== 'return' && n.succ.every((s) => dead.has(s))) {
        dead.add(n.id);
        changed = true;
      }
    }
  }
  return dead;
}

/** Which way a branch went, when the condition says it: [assumption on the true edge, on the false edge]. */
function assumptions(cond: Expr): [Assumption?, Assumption?] {
  if (cond.kind === 'unary' && cond.op === '!') {
    const [t, f] = assumptions(cond.arg);
    return [f, t];
  }
  if (cond.kind === 'binary' && (cond.op === '==' || cond.op === '!=')) {
    const sides = [text(cond.left), text(cond.right)];
    let r: [Assumption?, Assumption?] = [undefined, undefined];
    if (sides.includes('SCAN_SUCCEED')) r = ['succeeded', 'failed'];
    else if (sides.includes('HPAGE_PMD_ORDER')) r = ['pmd-order', 'not-pmd-order'];
    else if (sides.includes('NULL') || sides.includes('0')) r = swap(assumptions(sides[0] === 'NULL' || sides[0] === '0' ? cond.right : cond.left));
    return cond.op === '==' ? r : swap(r);
  }
  if (cond.kind === 'call') {
    if (cond.callee === 'is_pmd_order') return ['pmd-order', 'not-pmd-order'];
    if (OPS[cond.callee]) return ['succeeded', 'failed']; // a trylock or a map in the condition
    return [undefined, undefined];
  }
  if (cond.kind === 'assign') return assumptions(cond.value.kind === 'call' ? cond.value : cond.target);
  const name = text(cond);
  if (/^(pte|start_pte)$/.test(name)) return ['pte-mapped', 'no-pte-mapped'];
  if (name === 'folio') return ['new-folio-not-mapped', 'new-folio-mapped'];
  if (name === 'anon_vma_locked') return ['anon-vma-write-locked', 'anon-vma-not-write-locked'];
  return [undefined, undefined];
}

function swap<T>([a, b]: [T?, T?]): [T?, T?] {
  return [b, a];
}

function text(e: Expr): string {
  return e.kind === 'ident' ? e.name : e.text;
}

function guardRelease(callee: string): string | undefined {
  return /^guard\(spinlock/.test(callee) ? 'spin_unlock' : undefined;
}

function prologue(summary: FunctionSummary | undefined): string[] {
  const release = summary?.outcomes.flatMap((o) => o.effects).find((e) => e.op === 'release' && e.family === 'mmap');
  if (!release) return [];
  return [release.mode === 'write' ? 'mmap_write_lock' : 'mmap_read_lock'];
}

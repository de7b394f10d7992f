// Thread programs: the input of the interleaving simulator. A program is a small control-flow graph whose
// nodes name kernel API calls (`op`). The C analysis extracts one for the collapse thread; tests and the
// reference programs build them by hand with the helpers below; the concurrent actors are written the same way.

/** Outcome of the last op that reports one (trylocks, revalidation, isolate, copy, …); see `ProgramNode.assume`. */
export type Outcome = 'succeeded' | 'failed';

/**
 * What a node can assume about the thread, so that the branches of real code do not become infeasible paths:
 * - 'succeeded' / 'failed': the most recent op with an outcome (`if (result != SCAN_SUCCEED)`);
 * - 'pte-mapped' / 'no-pte-mapped': this thread has a PTE table mapped (`if (pte) pte_unmap(pte)`);
 * - 'new-folio-mapped' / 'new-folio-not-mapped': the thread's new folio is mapped (`folio = NULL` after
 *   set_pmd_at, so `if (folio) folio_put(folio)` takes the 'new-folio-not-mapped' side);
 * - 'anon-vma-write-locked' / 'anon-vma-not-write-locked': the thread holds A:W (`if (anon_vma_locked)`);
 * - 'pmd-order' / 'not-pmd-order': the scenario collapses the whole table (`if (is_pmd_order(order))`).
 */
export type Assumption = Outcome | 'pte-mapped' | 'no-pte-mapped' | 'new-folio-mapped' | 'new-folio-not-mapped' |
  'anon-vma-write-locked' | 'anon-vma-not-write-locked' | 'pmd-order' | 'not-pmd-order';

const OPPOSITE: Record<Assumption, Assumption> = {
  'succeeded': 'failed', 'failed': 'succeeded', 'pte-mapped': 'no-pte-mapped', 'no-pte-mapped': 'pte-mapped',
  'new-folio-mapped': 'new-folio-not-mapped', 'new-folio-not-mapped': 'new-folio-mapped',
  'anon-vma-write-locked': 'anon-vma-not-write-locked', 'anon-vma-not-write-locked': 'anon-vma-write-locked',
  'pmd-order': 'not-pmd-order', 'not-pmd-order': 'pmd-order',
};

export interface ProgramNode {
  id: number;
  /** Kernel API name, e.g. 'pmdp_collapse_flush'; undefined for a no-op or branch node. Unknown names are no-ops. */
  op?: string;
  /** Normalized argument texts; some ops pick the lock or PMD they act on from them (see ops.ts). */
  args?: string[];
  /** More than one successor = a branch the analysis could not decide: the simulator explores all of them. */
  succ: number[];
  /** 1-based position in the user's document. */
  loc?: { line: number; column: number };
  label?: string;
  /**
   * The node can only be entered when this holds (see `Assumption`). This is how
   * `if (result != SCAN_SUCCEED) goto out;` after `__collapse_huge_page_isolate` becomes two feasible paths instead
   * of four: branch → [assume 'failed' → backoff, assume 'succeeded' → go on]. Absent = no constraint.
   */
  assume?: Assumption;
}

export interface ThreadProgram {
  name: string;
  entry: number;
  nodes: ProgramNode[];
}

// ---------------------------------------------------------------------------------------------------------------
// Builder: a list of steps assembled into nodes. Steps run in order; `check` and `either` branch; `goto`/`label`
// express the kernel's shared exit paths (out_up_write, out_nolock).

export type Step =
  | string
  | { kind: 'call'; op: string; args: string[]; line?: number }
  | { kind: 'check'; call: Step; onFailure: Step[] }
  | { kind: 'ifFailed'; onFailure: Step[] }
  | { kind: 'when'; assumption: Assumption; then: Step[] }
  | { kind: 'either'; paths: Step[][] }
  | { kind: 'label'; name: string }
  | { kind: 'goto'; name: string }
  | { kind: 'end' };

/** A call with argument texts (and optionally the 1-based line it stands for). */
export function call(op: string, ...args: string[]): Step {
  return { kind: 'call', op, args };
}

/** A call at a given line, for programs that stand for a real source text. */
export function callAt(line: number, op: string, ...args: string[]): Step {
  return { kind: 'call', op, args, line };
}

/** Run `op`; when it reports the outcome 'failed', run `onFailure` (which should end with `goto` or `end`). */
export function check(op: Step, ...onFailure: Step[]): Step {
  return { kind: 'check', call: op, onFailure };
}

/**
 * Branch on the outcome of the most recent op that reported one (the ops in between report none), like
 * `spin_unlock(pte_ptl); if (result != SCAN_SUCCEED) { … }` after `__collapse_huge_page_isolate`.
 */
export function ifFailed(...onFailure: Step[]): Step {
  return { kind: 'ifFailed', onFailure };
}

/** Run `then` only when `assumption` holds (e.g. `when('pte-mapped', 'pte_unmap')` for `if (pte) pte_unmap(pte)`). */
export function when(assumption: Assumption, ...then: Step[]): Step {
  return { kind: 'when', assumption, then };
}

/** A branch the analysis cannot decide: every path is explored. Paths that do not jump away rejoin afterwards. */
export function either(...paths: Step[][]): Step {
  return { kind: 'either', paths };
}

export function label(name: string): Step {
  return { kind: 'label', name };
}

export function goTo(name: string): Step {
  return { kind: 'goto', name };
}

export const end: Step = { kind: 'end' };

/** The simplest program: the ops in order, e.g. `sequence('t', ['mmap_write_lock', 'vma_start_write'])`. */
export function sequence(name: string, ops: Step[]): ThreadProgram {
  return program(name, ops);
}

export function program(name: string, steps: Step[]): ThreadProgram {
  const nodes: ProgramNode[] = [];
  const labels = new Map<string, number>();
  const pendingGotos: { node: ProgramNode; target: string }[] = [];
  const newNode = (fields: Partial<ProgramNode> = {}): ProgramNode => {
    const node: ProgramNode = { id: nodes.length, succ: [], ...fields };
    nodes.push(node);
    return node;
  };
  const entry = newNode({ label: 'entry' });

  /** Appends `steps` after the nodes in `tails`; returns the new open tails (empty when every path jumped away). */
  const emit = (steps: Step[], tails: ProgramNode[]): ProgramNode[] => {
    for (const step of steps) {
      if (typeof step === 'string' || step.kind === 'call') {
        const c = typeof step === 'string' ? { op: step, args: [] as string[], line: undefined } : step;
        const node = newNode({ op: c.op, args: c.args.length ? c.args : undefined });
        if (c.line !== undefined) node.loc = { line: c.line, column: 1 };
        link(tails, node);
        tails = [node];
      } else if (step.kind === 'check') {
        tails = emit([step.call, ifFailed(...step.onFailure)], tails);
      } else if (step.kind === 'ifFailed') {
        tails = emit([when('failed', ...step.onFailure)], tails);
      } else if (step.kind === 'when') {
        const yes = newNode({ assume: step.assumption });
        const no = newNode({ assume: OPPOSITE[step.assumption] });
        link(tails, yes);
        link(tails, no);
        tails = [no, ...emit(step.then, [yes])];
      } else if (step.kind === 'either') {
        const fork = newNode({ label: 'branch' });
        link(tails, fork);
        tails = step.paths.flatMap((path) => {
          const start = newNode();
          fork.succ.push(start.id);
          return emit(path, [start]);
        });
      } else if (step.kind === 'label') {
        const target = newNode({ label: step.name });
        labels.set(step.name, target.id);
        link(tails, target);
        tails = [target];
      } else if (step.kind === 'goto') {
        for (const tail of tails) pendingGotos.push({ node: tail, target: step.name });
        tails = [];
      } else {
        tails = [];
      }
    }
    return tails;
  };

  emit(steps, [entry]);
  for (const { node, target } of pendingGotos) {
    const id = labels.get(target);
    if (id === undefined) throw new Error(`program ${name}: goto to unknown label '${target}'`);
    node.succ.push(id);
  }
  return { name, entry: entry.id, nodes };
}

function link(tails: ProgramNode[], node: ProgramNode): void {
  for (const tail of tails) tail.succ.push(node.id);
}

/**
 * The same program with every node calling one of `ops` turned into a no-op, e.g. mainline collapse without
 * `tlb_remove_table_sync_one`. Node ids, branches and locations stay as they were.
 */
export function withoutOps(source: ThreadProgram, ops: string[], name?: string): ThreadProgram {
  const drop = new Set(ops);
  const missing = ops.filter((op) => !source.nodes.some((n) => n.op === op));
  if (missing.length) throw new Error(`program ${source.name} does not call ${missing.join(', ')}`);
  return {
    name: name ?? `${source.name} without ${ops.join(', ')}`,
    entry: source.entry,
    nodes: source.nodes.map((n) => (n.op && drop.has(n.op) ? { ...n, op: undefined, args: undefined } : { ...n })),
  };
}

/** Structural problems that would make the simulation meaningless (dangling successors, duplicate ids). */
export function programProblems(p: ThreadProgram): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  for (const n of p.nodes) {
    if (ids.has(n.id)) problems.push(`duplicate node id ${n.id}`);
    ids.add(n.id);
  }
  if (!ids.has(p.entry)) problems.push(`entry ${p.entry} is not a node`);
  for (const n of p.nodes) {
    for (const s of n.succ) if (!ids.has(s)) problems.push(`node ${n.id} has unknown successor ${s}`);
  }
  return problems;
}

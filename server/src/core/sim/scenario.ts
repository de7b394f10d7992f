// A scenario = the collapse thread program under test + the concurrent actors + the model size. Compiling it
// resolves every node's op against the API table once, and computes which steps are independent of every other
// thread (the partial-order reduction of search.ts).

import { ACTORS, ActorName } from './actors';
import { ASSUMPTION_TESTS, AssumptionTest, NO_ASSUMPTION } from './assumptions';
import { EffectScenario, Footprint, Prim, primFootprint } from './effects';
import { OpAlternative, opSpec } from './ops';
import { programProblems, ThreadProgram } from './program';
import { Layout } from './state';

export interface Scenario {
  /** The collapse thread program (thread 0). */
  program: ThreadProgram;
  /** One extra thread per entry; `collapse2` runs a second copy of `program`. */
  actors: ActorName[];
  /** PTEs in the table, each mapping its own small folio at the start (2–4; default 2). */
  ptes?: number;
  /** PTEs [0, collapsePtes) form the collapse range (default: all = PMD collapse; fewer = an mTHP). */
  collapsePtes?: number;
  /** The PTE the actors work on (default 0). */
  actorPte?: number;
  /** Explore the machine-check failure of the copy (default true). */
  copyMayFail?: boolean;
}

export interface CompiledNode {
  /** Index in the thread's node array (what the state's pc holds). */
  index: number;
  /** The program's node id (what traces report). */
  id: number;
  op?: string;
  args?: string[];
  loc?: { line: number; column: number };
  /** Resolved alternatives; empty for no-op and branch nodes. */
  alternatives: OpAlternative[];
  /** True when the node has an effect the model sees (otherwise it is passed through like a branch). */
  isStep: boolean;
  sleeps: boolean;
  succ: number[];
  assume: AssumptionTest;
  footprint: Footprint;
  /** No other thread of the scenario touches what this step touches (search.ts runs it without interleaving). */
  independent: boolean;
}

export interface CompiledThread {
  name: string;
  role: 'collapse' | 'actor';
  program: ThreadProgram;
  entry: number;
  nodes: CompiledNode[];
  footprint: Footprint;
  /** The situation bits any of its nodes' assumptions test (assumptions.ts). */
  assumeMask: number;
  /** machine.ts `successors`, memoized per node and situation. */
  successorCache: Map<number, number[]>;
}

export interface CompiledScenario extends EffectScenario {
  scenario: Scenario;
  threads: CompiledThread[];
  copyMayFail: boolean;
  tlbLoaded: number[];
}

export function threadNames(scenario: Scenario): string[] {
  const names = [scenario.program.name];
  for (const actor of scenario.actors) {
    let name: string = actor;
    for (let n = 2; names.includes(name); n++) name = `${actor}#${n}`;
    names.push(name);
  }
  return names;
}

export function compileScenario(scenario: Scenario): CompiledScenario {
  const ptes = scenario.ptes ?? 2;
  if (ptes < 1 || ptes > 8) throw new Error(`scenario: ptes must be 1..8, got ${ptes}`);
  const collapsePtes = scenario.collapsePtes ?? ptes;
  const actorPte = scenario.actorPte ?? 0;
  if (collapsePtes < 1 || collapsePtes > ptes) throw new Error(`scenario: collapsePtes must be 1..${ptes}`);
  if (actorPte < 0 || actorPte >= ptes) throw new Error(`scenario: actorPte must be 0..${ptes - 1}`);
  const problems = programProblems(scenario.program);
  if (problems.length) throw new Error(`program ${scenario.program.name}: ${problems.join('; ')}`);
  const copyMayFail = scenario.copyMayFail ?? true;
  const names = threadNames(scenario);

  const threads: CompiledThread[] = [compileThread(scenario.program, names[0], 'collapse', copyMayFail)];
  const tlbLoaded: number[] = [];
  scenario.actors.forEach((actor, i) => {
    const spec = ACTORS[actor];
    if (!spec) throw new Error(`scenario: unknown actor '${actor}'`);
    const prog = spec.program ?? scenario.program;
    threads.push(compileThread(prog, names[i + 1], spec.program ? 'actor' : 'collapse', copyMayFail));
    if (spec.tlbLoaded) tlbLoaded.push(i + 1);
  });
  markIndependentSteps(threads);

  return {
    scenario, threads, copyMayFail, tlbLoaded,
    layout: new Layout(ptes, threads.length),
    threadNames: names,
    roles: threads.map((t) => t.role),
    actorPte, collapsePtes,
  };
}

function compileThread(prog: ThreadProgram, name: string, role: CompiledThread['role'], copyMayFail: boolean):
  CompiledThread {
  const indexOf = new Map(prog.nodes.map((n, i) => [n.id, i]));
  const nodes = prog.nodes.map((n, index): CompiledNode => {
    const spec = opSpec(n.op);
    const alternatives = spec ? spec.alternatives(n.args ?? []).filter((a) => copyMayFail || !a.onlyIfCopyMayFail) : [];
    const isStep = !!spec && (spec.sleeps === true || alternatives.some((a) => a.prims.length > 0 || a.outcome));
    const prims: Prim[] = alternatives.flatMap((a) => a.prims);
    const footprint = prims.map(primFootprint).reduce(unionFootprint, { reads: 0, writes: 0 });
    return {
      index, id: n.id, op: n.op, args: n.args, loc: n.loc,
      alternatives: isStep ? alternatives : [],
      isStep, sleeps: spec?.sleeps === true,
      succ: n.succ.map((s) => indexOf.get(s)!),
      assume: n.assume ? ASSUMPTION_TESTS[n.assume] : NO_ASSUMPTION,
      footprint, independent: false,
    };
  });
  const footprint = nodes.filter((n) => n.isStep).map((n) => n.footprint).reduce(unionFootprint, { reads: 0, writes: 0 });
  const assumeMask = nodes.reduce((m, n) => m | n.assume.mask, 0);
  return { name, role, program: prog, entry: indexOf.get(prog.entry)!, nodes, footprint, assumeMask, successorCache: new Map() };
}

function unionFootprint(a: Footprint, b: Footprint): Footprint {
  return { reads: a.reads | b.reads, writes: a.writes | b.writes };
}

/** Two footprints conflict when one writes a part the other reads or writes. */
export function conflicts(a: Footprint, b: Footprint): boolean {
  return (a.writes & (b.reads | b.writes)) !== 0 || (a.reads & b.writes) !== 0;
}

/**
 * A step is independent when its footprint conflicts with nothing any other thread of the scenario can ever do
 * (the union of their steps' footprints). Such a step commutes with every step of every other thread, in every
 * state: its guard and its effect read nothing they write, and they read nothing it writes.
 */
function markIndependentSteps(threads: CompiledThread[]): void {
  threads.forEach((thread, t) => {
    const others = threads.filter((_, u) => u !== t).map((u) => u.footprint)
      .reduce(unionFootprint, { reads: 0, writes: 0 });
    for (const node of thread.nodes) node.independent = node.isStep && !conflicts(node.footprint, others);
  });
}


// How one thread moves: executing the op at its program counter, passing through no-op and branch nodes to the
// next op (or the end), and the checks made when a thread ends. Used by the search and by trace replay, so a
// replayed trace runs exactly the code the search ran.

import { situation } from './assumptions';
import { Exec, exitChecks, primBlockers, runPrim, Violation } from './effects';
import { CompiledNode, CompiledScenario, CompiledThread } from './scenario';
import { ATOMIC_CONTEXT, initialState, lockNames, OutcomeCode, PC_DEAD, PC_DONE, State } from './state';

/** One executed op: which thread, which node (index in the thread), which alternative, where the thread went. */
export interface StepRecord {
  thread: number;
  node: number;
  alt: number;
  /** Program counter after the step (node index, PC_DONE or PC_DEAD); undefined when the op itself violated. */
  next?: number;
}

export interface Transition {
  state: State;
  steps: StepRecord[];
  /** Non-empty: the last step broke a rule; the search does not continue from `state`. */
  violations: Violation[];
}

/**
 * The op nodes (or the end) a thread can reach from node `start` without executing anything: no-op nodes are
 * passed through, branches fork, nodes whose `assume` does not hold in the thread's situation are infeasible.
 */
export function arrive(thread: CompiledThread, situation: number, start: number): number[] {
  const found = new Set<number>();
  const seen = new Set<number>();
  const visit = (i: number): void => {
    if (seen.has(i)) return; // a loop of no-op nodes does nothing: that path is dropped
    seen.add(i);
    const node = thread.nodes[i];
    if ((situation & node.assume.mask) !== node.assume.value) return;
    if (node.isStep) found.add(i);
    else if (node.succ.length === 0) found.add(PC_DONE);
    else for (const s of node.succ) visit(s);
  };
  visit(start);
  return found.size ? [...found] : [PC_DEAD];
}

/** Where a thread can go after executing the op at `node` (memoized per node and situation). */
export function successors(thread: CompiledThread, node: CompiledNode, situation: number): number[] {
  const key = node.index * 64 + situation;
  let cached = thread.successorCache.get(key);
  if (cached) return cached;
  if (node.succ.length === 0) cached = [PC_DONE];
  else {
    const out = new Set<number>();
    for (const s of node.succ) for (const pc of arrive(thread, situation, s)) out.add(pc);
    const live = [...out].filter((pc) => pc !== PC_DEAD);
    cached = live.length ? live : [PC_DEAD];
  }
  thread.successorCache.set(key, cached);
  return cached;
}

/** Threads the alternative waits for (empty: it can run now). */
export function altBlockers(sc: CompiledScenario, s: State, t: number, node: CompiledNode, alt: number): number[] {
  const x = new Exec(sc, s, t, node.op ?? '');
  const out: number[] = [];
  for (const p of node.alternatives[alt].prims) for (const b of primBlockers(x, p)) out.push(b);
  return out;
}

/** Runs alternative `alt` of the op at `node` on a copy of `s`; the pc is not moved yet. */
export function execute(sc: CompiledScenario, s: State, t: number, node: CompiledNode, alt: number):
  { state: State; violations: Violation[] } {
  const next = s.slice();
  const x = new Exec(sc, next, t, node.op ?? '');
  if (node.sleeps && x.held & ATOMIC_CONTEXT) {
    x.violate('NO-SLEEP-IN-ATOMIC', `may sleep but runs in atomic context (${lockNames(x.held & ATOMIC_CONTEXT).join(', ')})`);
  }
  const alternative = node.alternatives[alt];
  for (const p of alternative.prims) {
    if (x.violations.length) break;
    runPrim(x, p);
  }
  if (alternative.outcome) {
    next[sc.layout.outcome(t)] = alternative.outcome === 'succeeded' ? OutcomeCode.Succeeded : OutcomeCode.Failed;
  }
  return { state: next, violations: x.violations };
}

/** Moves the thread to `pc` (in place when `inPlace`); reaching the end runs the exit checks. */
export function moveTo(sc: CompiledScenario, s: State, t: number, pc: number, inPlace = false):
  { state: State; violations: Violation[] } {
  const next = inPlace ? s : s.slice();
  next[sc.layout.pc(t)] = pc;
  if (pc !== PC_DONE) return { state: next, violations: [] };
  const x = new Exec(sc, next, t, '(thread end)');
  exitChecks(x);
  return { state: next, violations: x.violations };
}

/** Longest run of independent steps fused into one transition. */
const MAX_FUSED_STEPS = 64;
/**
 * Most transitions one fused expansion may produce. Each independent op with k alternatives multiplies the
 * fused paths by k, so a long run of branching independent ops would otherwise expand exponentially inside a
 * single call, out of reach of the search's state and time budgets; past this the run is cut and the search
 * continues it from the stored states.
 */
const MAX_FUSED_TRANSITIONS = 256;

/**
 * The transitions of thread `t` from state `s`. Without reduction, each transition is one op. With reduction,
 * a transition is a maximal run of *independent* ops (see scenario.ts) ending with the first op that is not
 * independent: [indep*, visible]. Independent ops commute with everything the other threads can do, so running
 * them right before the thread's next visible op instead of interleaving them loses no reachable behaviour, and
 * the number of steps to reach any state is unchanged (see search.ts). The run also ends early when an op is
 * blocked, the thread ends, a rule is broken, the run would revisit one of its own ops (a loop), or the
 * expansion reaches MAX_FUSED_TRANSITIONS.
 */
export function threadTransitions(sc: CompiledScenario, s: State, t: number, reduce: boolean, out: Transition[]): void {
  const thread = sc.threads[t];
  const L = sc.layout;
  const extend = (state: State, steps: StepRecord[]): void => {
    const pc = state[L.pc(t)];
    if (pc < 0) {
      if (steps.length) out.push({ state, steps, violations: [] });
      return;
    }
    const node = thread.nodes[pc];
    let anyEnabled = false;
    node.alternatives.forEach((_, alt) => {
      if (altBlockers(sc, state, t, node, alt).length) return;
      anyEnabled = true;
      const done = execute(sc, state, t, node, alt);
      if (done.violations.length) {
        out.push({ state: done.state, steps: [...steps, { thread: t, node: pc, alt }], violations: done.violations });
        return;
      }
      const nexts = successors(thread, node, situation(sc, done.state, t));
      for (const nextPc of nexts) {
        const moved = moveTo(sc, done.state, t, nextPc, nexts.length === 1);
        const path = [...steps, { thread: t, node: pc, alt, next: nextPc }];
        if (moved.violations.length) out.push({ state: moved.state, steps: path, violations: moved.violations });
        else if (reduce && node.independent && nextPc >= 0 && path.length < MAX_FUSED_STEPS &&
          out.length < MAX_FUSED_TRANSITIONS && !path.some((step) => step.node === nextPc)) {
          // A loop of independent ops (nextPc already on this run) ends the run: the search's visited set
          // terminates it, which fusing would not.
          extend(moved.state, path);
        }
        else out.push({ state: moved.state, steps: path, violations: [] });
      }
    });
    if (!anyEnabled && steps.length) out.push({ state, steps, violations: [] });
  };
  extend(s, []);
}

/** Why each unfinished thread cannot move, for the deadlock message; undefined if some thread can move. */
export function deadlockReport(sc: CompiledScenario, s: State): { message: string; threads: number[] } | undefined {
  const L = sc.layout;
  const waits: string[] = [];
  const involved: number[] = [];
  for (let t = 0; t < sc.threads.length; t++) {
    const pc = s[L.pc(t)];
    if (pc < 0) continue;
    const node = sc.threads[t].nodes[pc];
    const blockers = new Set<number>();
    for (let alt = 0; alt < node.alternatives.length; alt++) {
      const b = altBlockers(sc, s, t, node, alt);
      if (b.length === 0) return undefined;
      for (const u of b) blockers.add(u);
    }
    involved.push(t);
    const by = [...blockers].map((u) => u === t ? 'itself' : `${sc.threadNames[u]} (holding ${lockNames(s[L.held(u)]).join(', ') || 'a folio lock'})`);
    waits.push(`${sc.threadNames[t]} waits in ${node.op} for ${by.join(' and ')}`);
  }
  if (!involved.length) return undefined;
  return { message: `deadlock: ${waits.join('; ')}`, threads: involved };
}

/** Every combination of the threads' first positions (branches before the first op multiply them). */
export function initialPcChoices(sc: CompiledScenario): number[][] {
  const start = initialState(sc.layout, sc.threads.map(() => PC_DONE), { tlbLoaded: sc.tlbLoaded, pte: sc.actorPte });
  let combos: number[][] = [[]];
  for (const [t, thread] of sc.threads.entries()) {
    const options = arrive(thread, situation(sc, start, t), thread.entry);
    combos = combos.flatMap((c) => options.map((o) => [...c, o]));
  }
  return combos;
}

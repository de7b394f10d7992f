// Explicit-state search over the interleavings of a scenario's threads.
//
// Order: shortest first, counted in executed ops. Transitions can carry several ops (fused independent steps,
// see machine.ts), so the frontier is a bucket queue indexed by op count (Dijkstra with small integer weights)
// rather than a plain FIFO; with one op per transition it is exactly BFS. A state is expanded once, at its final
// (smallest) distance, so the first violation found at distance d is a shortest one, and the search can stop as
// soon as the next bucket is no shorter than the best violation.
//
// Partial-order reduction: a step is *independent* when no other thread of the scenario can ever touch the parts
// of the state it reads or writes (scenario.ts computes this from the primitives' footprints). Such a step commutes
// with every step of the other threads, so it is run without interleaving, immediately before the next step of
// the same thread that is not independent. This is the "thread-local steps" reduction generalised to the
// scenario: a lock that no other actor of the scenario takes, the notifier bracket, __folio_mark_uptodate on the
// still-private new folio, … Why not simply every step under a spinlock: the lockless actors (GUP-fast, the
// hardware walker) read the PMD and PTEs *while* khugepaged holds the pml or ptl, so a spinlock section is not
// atomic for them — RFC v1's refcount check, copy and PTE clear all ran under one ptl, and the GUP-fast race sits
// exactly between them. Fusing independent steps keeps every reachable combination of the other threads'
// positions, and it keeps shortest traces shortest: in a shortest trace every independent step of a thread is
// followed by a step of that thread that needs it (otherwise dropping it would give a shorter trace), and moving
// it right before that step is a permutation of the same length.
//
// Budgets: maxStates and maxSeconds; when either runs out, or the run is cancelled, the verdict is `incomplete`
// (never `safe`) with the coverage reached.

import { Violation } from './effects';
import { deadlockReport, initialPcChoices, StepRecord, threadTransitions, Transition } from './machine';
import { RuleId } from './rules';
import { compileScenario, CompiledScenario, Scenario } from './scenario';
import { initialState, State, StateSummary } from './state';
import { StateStore } from './state-store';
import { replayRecords } from './trace';

export interface SearchOptions {
  /** Stop (verdict incomplete) after storing this many distinct states. Default 300 000. */
  maxStates?: number;
  /** Stop (verdict incomplete) after this many seconds. Default 30. */
  maxSeconds?: number;
  /** Fuse independent steps (default true). */
  reduce?: boolean;
  /** Stop once the shortest violation is known (default true); false: explore everything, one trace per rule/actor. */
  stopAtFirstViolation?: boolean;
  onProgress?: (progress: SearchProgress) => void;
  /** Minimum time between progress callbacks (default 200 ms). */
  progressIntervalMs?: number;
  /** Cancellation; checked every few hundred states (a cancelled run returns within milliseconds). */
  signal?: AbortSignal;
  /** Cancellation for callers without an AbortSignal (the worker's shared flag). */
  shouldStop?: () => boolean;
}

export interface SearchProgress {
  statesExplored: number;
  statesQueued: number;
  /** Every state reachable in fewer ops than this has been expanded. */
  depth: number;
  seconds: number;
}

export interface TraceStep {
  /** Thread name: the collapse program's name or the actor's. */
  thread: string;
  threadIndex: number;
  op: string;
  args?: string[];
  loc?: { line: number; column: number };
  /** Program node id, the alternative taken (e.g. copy succeeded / failed), the node the thread moved to. */
  node: number;
  alternative: number;
  /** Node id the thread continues at, or 'end' / 'infeasible'; absent when this step broke a rule. */
  next?: number | 'end' | 'infeasible';
  stateAfter: StateSummary;
}

export interface SimulationViolation {
  rule: RuleId;
  /** The concurrent actor that exposed the problem (the collapse program's name when it needs none). */
  actor: string;
  message: string;
  trace: TraceStep[];
}

export interface SimulationCoverage {
  reason: 'max-states' | 'max-seconds' | 'cancelled';
  /** Every interleaving of fewer ops than this was explored. */
  depthCompleted: number;
  statesQueued: number;
  /** Per thread: program nodes with an op that some explored interleaving executed, out of all of them. */
  opsReached: Record<string, { reached: number; total: number }>;
}

export interface SimulationResult {
  verdict: 'safe' | 'violation' | 'incomplete';
  statesExplored: number;
  seconds: number;
  violations: SimulationViolation[];
  coverage?: SimulationCoverage;
}

interface FoundViolation {
  rule: RuleId;
  actor: string;
  message: string;
  parent: number;
  steps: StepRecord[];
  length: number;
}

const CHECK_EVERY = 64;

/** A resumable search: `run(ms)` works for about `ms` milliseconds; `result()` once `done`. */
export class Explorer {
  readonly sc: CompiledScenario;
  private readonly store: StateStore;
  private readonly dist: number[] = [];
  private readonly parent: number[] = [];
  private readonly expanded: boolean[] = [];
  /** The last actor thread (not thread 0) that moved on the path to each state, or 0. */
  private readonly lastActor: number[] = [];
  private readonly initialPcs: number[][] = [];
  private readonly buckets: number[][] = [];
  private depth = 0;
  private cursor = 0;
  private readonly found = new Map<string, FoundViolation>();
  private best = Infinity;
  private readonly reached: Set<number>[];
  private readonly started = Date.now();
  private lastProgress = 0;
  private stopReason: SimulationCoverage['reason'] | undefined;
  private finished = false;
  private readonly opts: Required<Pick<SearchOptions, 'maxStates' | 'maxSeconds' | 'reduce' | 'stopAtFirstViolation' | 'progressIntervalMs'>> & SearchOptions;

  constructor(scenario: Scenario | CompiledScenario, options: SearchOptions = {}) {
    this.sc = 'threads' in scenario ? scenario : compileScenario(scenario);
    this.opts = {
      maxStates: 300_000, maxSeconds: 30, reduce: true, stopAtFirstViolation: true, progressIntervalMs: 200,
      ...options,
    };
    this.reached = this.sc.threads.map(() => new Set<number>());
    const L = this.sc.layout;
    this.store = new StateStore(L.size);
    for (const pcs of initialPcChoices(this.sc)) {
      const s = initialState(L, pcs, { tlbLoaded: this.sc.tlbLoaded, pte: this.sc.actorPte });
      const id = this.insert(s, 0, -1, 0);
      if (id >= 0) this.initialPcs[id] = pcs;
    }
  }

  get done(): boolean { return this.finished; }

  /** Works for about `budgetMs` milliseconds (Infinity: until done). */
  run(budgetMs = Infinity): void {
    const sliceEnd = Date.now() + budgetMs;
    let sinceCheck = 0;
    while (!this.finished) {
      if (++sinceCheck >= CHECK_EVERY) {
        sinceCheck = 0;
        if (this.checkBudgets()) return;
        if (Date.now() >= sliceEnd) return;
      }
      const id = this.nextState();
      if (id < 0) {
        this.finished = true;
        break;
      }
      this.expand(id);
    }
    this.reportProgress(true);
  }

  private checkBudgets(): boolean {
    const seconds = (Date.now() - this.started) / 1000;
    if (this.opts.signal?.aborted || this.opts.shouldStop?.()) this.stop('cancelled');
    else if (seconds >= this.opts.maxSeconds) this.stop('max-seconds');
    else if (this.store.size >= this.opts.maxStates) this.stop('max-states');
    else this.reportProgress(false);
    return this.finished;
  }

  private stop(reason: SimulationCoverage['reason']): void {
    this.stopReason = reason;
    this.finished = true;
  }

  private reportProgress(force: boolean): void {
    if (!this.opts.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastProgress < this.opts.progressIntervalMs) return;
    this.lastProgress = now;
    this.opts.onProgress(this.progress());
  }

  progress(): SearchProgress {
    return {
      statesExplored: this.store.size, statesQueued: this.queued(), depth: this.depth,
      seconds: (Date.now() - this.started) / 1000,
    };
  }

  private queued(): number {
    let n = 0;
    for (let d = this.depth; d < this.buckets.length; d++) n += (this.buckets[d]?.length ?? 0) - (d === this.depth ? this.cursor : 0);
    return n;
  }

  /** Adds a state reached in `depth` ops from `parent`; returns its id, or -1 if it was already known that short. */
  private insert(s: State, depth: number, parent: number, lastActor: number): number {
    const [id, isNew] = this.store.add(s);
    if (isNew) {
      this.dist.push(depth);
      this.parent.push(parent);
      this.expanded.push(false);
      this.lastActor.push(lastActor);
    } else if (depth < this.dist[id] && !this.expanded[id]) {
      this.dist[id] = depth;
      this.parent[id] = parent;
      this.lastActor[id] = lastActor;
    } else {
      return -1;
    }
    (this.buckets[depth] ??= []).push(id);
    return id;
  }

  private nextState(): number {
    for (;;) {
      if (this.opts.stopAtFirstViolation && this.depth >= this.best) return -1;
      const bucket = this.buckets[this.depth];
      if (bucket && this.cursor < bucket.length) {
        const id = bucket[this.cursor++];
        if (this.expanded[id] || this.dist[id] !== this.depth) continue; // a stale entry
        return id;
      }
      if (this.depth >= this.buckets.length) return -1;
      this.depth++;
      this.cursor = 0;
    }
  }

  private expand(id: number): void {
    this.expanded[id] = true;
    const s = this.store.get(id);
    const transitions: Transition[] = [];
    for (let t = 0; t < this.sc.threads.length; t++) threadTransitions(this.sc, s, t, this.opts.reduce, transitions);
    if (transitions.length === 0) {
      const deadlock = deadlockReport(this.sc, s);
      if (deadlock) {
        const actor = this.actorOf(deadlock.threads.filter((t) => t !== 0)[0] ?? 0, id, []);
        this.record({ rule: 'LOCK-ORDER', message: deadlock.message }, actor, id, []);
      }
      return;
    }
    for (const tr of transitions) {
      for (const step of tr.steps) this.reached[step.thread].add(step.node);
      if (tr.violations.length) {
        const reporter = tr.steps[tr.steps.length - 1].thread;
        for (const v of tr.violations) this.record(v, this.actorOf(reporter, id, tr.steps), id, tr.steps);
        continue;
      }
      this.insert(tr.state, this.dist[id] + tr.steps.length, id, this.lastActorAfter(id, tr.steps));
    }
  }

  /**
   * The actor to blame: the reporting thread if it is an actor; if the collapse thread itself hit the problem,
   * the last actor that moved on the way there (or the collapse program when no actor was involved).
   */
  private actorOf(reporter: number, parent: number, steps: StepRecord[]): string {
    return this.sc.threadNames[reporter !== 0 ? reporter : this.lastActorAfter(parent, steps)];
  }

  private lastActorAfter(parent: number, steps: StepRecord[]): number {
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i].thread !== 0) return steps[i].thread;
    return this.lastActor[parent];
  }

  private record(v: Violation, actor: string, parent: number, steps: StepRecord[]): void {
    const length = this.dist[parent] + steps.length;
    const key = `${v.rule}\u0000${actor}`;
    const known = this.found.get(key);
    if (!known || length < known.length) this.found.set(key, { rule: v.rule, actor, message: v.message, parent, steps, length });
    this.best = Math.min(this.best, length);
  }

  /** The steps of the transition that reached state `id` from its parent (re-derived by expanding the parent). */
  private transitionInto(id: number): StepRecord[] {
    const p = this.parent[id];
    const transitions: Transition[] = [];
    for (let t = 0; t < this.sc.threads.length; t++) threadTransitions(this.sc, this.store.get(p), t, this.opts.reduce, transitions);
    const match = transitions.find((tr) => !tr.violations.length && tr.steps.length === this.dist[id] - this.dist[p] &&
      this.store.find(tr.state) === id);
    if (!match) throw new Error('internal: cannot re-derive a transition of the counterexample');
    return match.steps;
  }

  /** All op steps from the initial state to `id`, then `last`. */
  private pathTo(id: number, last: StepRecord[]): { initialPcs: number[]; steps: StepRecord[] } {
    const chunks: StepRecord[][] = [last];
    let x = id;
    while (this.parent[x] >= 0) {
      chunks.push(this.transitionInto(x));
      x = this.parent[x];
    }
    return { initialPcs: this.initialPcs[x], steps: chunks.reverse().flat() };
  }

  result(): SimulationResult {
    const violations = [...this.found.values()].sort((a, b) => a.length - b.length).map((f): SimulationViolation => {
      const path = this.pathTo(f.parent, f.steps);
      return { rule: f.rule, actor: f.actor, message: f.message, trace: replayRecords(this.sc, path.initialPcs, path.steps) };
    });
    const seconds = (Date.now() - this.started) / 1000;
    const base = { statesExplored: this.store.size, seconds, violations };
    if (violations.length) return { verdict: 'violation', ...base, ...(this.stopReason ? { coverage: this.coverage() } : {}) };
    if (this.stopReason) return { verdict: 'incomplete', ...base, coverage: this.coverage() };
    return { verdict: 'safe', ...base };
  }

  private coverage(): SimulationCoverage {
    const opsReached: SimulationCoverage['opsReached'] = {};
    this.sc.threads.forEach((thread, t) => {
      opsReached[thread.name] = { reached: this.reached[t].size, total: thread.nodes.filter((n) => n.isStep).length };
    });
    return { reason: this.stopReason!, depthCompleted: this.depth, statesQueued: this.queued(), opsReached };
  }
}

/** Runs the search to the end in this thread (tests, the CLI, the worker). */
export function simulate(scenario: Scenario, options: SearchOptions = {}): SimulationResult {
  const explorer = new Explorer(scenario, options);
  explorer.run();
  return explorer.result();
}

/**
 * Runs the search in slices of about 10 ms, yielding to the event loop between them so that an AbortSignal
 * fired by a timer or a message is seen promptly (a cancelled run resolves within a slice).
 */
export async function runSimulation(scenario: Scenario, options: SearchOptions = {}): Promise<SimulationResult> {
  const explorer = new Explorer(scenario, options);
  while (!explorer.done) {
    explorer.run(10);
    if (!explorer.done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return explorer.result();
}

// Counterexample traces: built by re-executing the search's step records (so every reported trace is known to
// replay), and replayed step by step for the UI and the tests.

import type { Violation } from './effects';
import { altBlockers, deadlockReport, execute, initialPcChoices, moveTo, StepRecord } from './machine';
import type { RuleId } from './rules';
import { CompiledScenario, compileScenario, Scenario } from './scenario';
import type { TraceStep } from './search';
import { initialState, PC_DEAD, PC_DONE, State, StateSummary, summarizeState } from './state';

/** Executes one recorded step; throws if the step is not possible in `s` (the trace does not replay). */
function applyStep(sc: CompiledScenario, s: State, rec: StepRecord): { state: State; violations: Violation[] } {
  const thread = sc.threads[rec.thread];
  const pc = s[sc.layout.pc(rec.thread)];
  const node = thread.nodes[rec.node];
  if (pc !== rec.node || !node) {
    throw new Error(`trace does not replay: ${thread.name} is not at node ${node?.id ?? rec.node}`);
  }
  if (!node.alternatives[rec.alt] || altBlockers(sc, s, rec.thread, node, rec.alt).length) {
    throw new Error(`trace does not replay: ${thread.name} cannot run ${node.op} (alternative ${rec.alt}) here`);
  }
  const done = execute(sc, s, rec.thread, node, rec.alt);
  if (rec.next === undefined || done.violations.length) return done;
  return moveTo(sc, done.state, rec.thread, rec.next);
}

function toTraceStep(sc: CompiledScenario, rec: StepRecord, after: State): TraceStep {
  const thread = sc.threads[rec.thread];
  const node = thread.nodes[rec.node];
  const next = rec.next === undefined ? undefined
    : rec.next === PC_DONE ? 'end' as const
      : rec.next === PC_DEAD ? 'infeasible' as const
        : thread.nodes[rec.next].id;
  return {
    thread: thread.name, threadIndex: rec.thread, op: node.op ?? '', ...(node.args ? { args: node.args } : {}),
    ...(node.loc ? { loc: node.loc } : {}), node: node.id, alternative: rec.alt, ...(next !== undefined ? { next } : {}),
    stateAfter: summarizeState(sc.layout, after, sc.threadNames),
  };
}

/** Builds the reported trace from the search's records. */
export function replayRecords(sc: CompiledScenario, initialPcs: number[], records: StepRecord[]): TraceStep[] {
  let s = initialState(sc.layout, initialPcs, { tlbLoaded: sc.tlbLoaded, pte: sc.actorPte });
  return records.map((rec) => {
    s = applyStep(sc, s, rec).state;
    return toTraceStep(sc, rec, s);
  });
}

function toRecord(sc: CompiledScenario, step: TraceStep): StepRecord {
  const thread = sc.threads[step.threadIndex];
  if (!thread || thread.name !== step.thread) throw new Error(`trace does not replay: no thread ${step.thread}`);
  const indexOf = (id: number) => {
    const i = thread.nodes.findIndex((n) => n.id === id);
    if (i < 0) throw new Error(`trace does not replay: ${thread.name} has no node ${id}`);
    return i;
  };
  const next = step.next === undefined ? undefined
    : step.next === 'end' ? PC_DONE : step.next === 'infeasible' ? PC_DEAD : indexOf(step.next);
  return { thread: step.threadIndex, node: indexOf(step.node), alt: step.alternative, next };
}

export interface ReplayedStep {
  step: TraceStep;
  stateAfter: StateSummary;
  /** Rules broken by this step (for a counterexample: only at the last step). */
  violations: { rule: RuleId; message: string }[];
}

/**
 * Replays a trace step by step from the initial state, re-running the model (not copying the recorded
 * summaries). Throws if a step cannot run. Threads that never move start at their first op.
 */
export function* replaySteps(scenario: Scenario | CompiledScenario, trace: TraceStep[]): Generator<ReplayedStep, State> {
  const sc = 'threads' in scenario ? scenario : compileScenario(scenario);
  const records = trace.map((step) => toRecord(sc, step));
  let s = initialState(sc.layout, startPcs(sc, records), { tlbLoaded: sc.tlbLoaded, pte: sc.actorPte });
  for (let i = 0; i < records.length; i++) {
    const done = applyStep(sc, s, records[i]);
    s = done.state;
    yield { step: trace[i], stateAfter: summarizeState(sc.layout, s, sc.threadNames), violations: done.violations };
  }
  return s;
}

export interface ReplayResult {
  steps: ReplayedStep[];
  /** Set when no thread can move at the end although some have not finished (a LOCK-ORDER counterexample). */
  deadlock?: string;
}

export function replayTrace(scenario: Scenario | CompiledScenario, trace: TraceStep[]): ReplayResult {
  const sc = 'threads' in scenario ? scenario : compileScenario(scenario);
  const steps: ReplayedStep[] = [];
  const it = replaySteps(sc, trace);
  let r = it.next();
  while (!r.done) {
    steps.push(r.value);
    r = it.next();
  }
  const deadlock = deadlockReport(sc, r.value);
  return { steps, ...(deadlock ? { deadlock: deadlock.message } : {}) };
}

/** The threads' first op nodes: from each thread's first step, else its first possible op. */
function startPcs(sc: CompiledScenario, records: StepRecord[]): number[] {
  const first = new Map<number, number>();
  for (const rec of records) if (!first.has(rec.thread)) first.set(rec.thread, rec.node);
  const choices = initialPcChoices(sc);
  const fits = choices.find((pcs) => pcs.every((pc, t) => !first.has(t) || first.get(t) === pc));
  if (!fits) throw new Error('trace does not replay: a thread does not start where the trace says');
  return fits;
}

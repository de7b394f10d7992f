// The interleaving simulator: public surface for the language server, the CLI and the tests.
//
//   const result = await runSimulationInWorker({ program, actors: ['gup-fast', 'fault-vma-lock'] }, { maxSeconds: 10 });
//
// program.ts    thread programs (the extractor's output format) and builders
// actors.ts     the concurrent actors (§6) as programs
// ops.ts        the API table: kernel call → primitives; effects.ts the primitives' semantics
// search.ts     the explicit-state search; trace.ts replay; worker.ts the worker-thread wrapper
// promela.ts    export to Promela for SPIN; spin-runner.ts runs SPIN

export { ACTOR_NAMES, ACTORS, isActorName } from './actors';
export type { ActorName, ActorSpec } from './actors';
export { OPS } from './ops';
export type { OpSpec } from './ops';
export {
  call, callAt, check, either, end, goTo, ifFailed, label, program, programProblems, sequence, when, withoutOps,
} from './program';
export type { Assumption, Outcome, ProgramNode, Step, ThreadProgram } from './program';
export { exportPromela } from './promela';
export {
  devJainRfcV1Like, mainlineCollapse, collapseV72, withoutAnonVmaLock, withoutTlbSync, withoutVmaStartWrite,
} from './reference-programs';
export { SIM_RULES } from './rules';
export type { RuleId } from './rules';
export type { Scenario } from './scenario';
export { runSimulation, simulate } from './search';
export type {
  SearchOptions, SearchProgress, SimulationCoverage, SimulationResult, SimulationViolation, TraceStep,
} from './search';
export { runSpin, spinAvailable } from './spin-runner';
export type { SpinResult } from './spin-runner';
export { formatSummary } from './state';
export type { StateSummary } from './state';
export { replaySteps, replayTrace } from './trace';
export type { ReplayedStep, ReplayResult } from './trace';
export { runSimulationInWorker, setSimulationWorkerScript, startSimulationWorker } from './worker';
export type { WorkerSearchOptions } from './worker';

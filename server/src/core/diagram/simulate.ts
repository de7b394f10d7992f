// Running the simulation behind a diagram: in a worker thread (sim/worker.ts), so the language server stays
// responsive and a cancelled request stops the search within milliseconds; the CLI uses the same path.
import { ACTOR_NAMES, ACTORS, isActorName, runSimulationInWorker, type ActorName, type SearchProgress, type SimulationResult } from '../sim';
import type { PreparedSimulation } from './diagrams';

export type { ActorName, SearchProgress, SimulationResult };
export { isActorName };

/** The concurrent actors a simulation can run against, with one line each (for pickers and `--help`). */
export function simulationActors(): { name: ActorName; summary: string }[] {
  return ACTOR_NAMES.map((name) => ({ name, summary: ACTORS[name].summary }));
}

export interface SimulationBudget {
  maxSeconds?: number;
  maxStates?: number;
}

export function runPreparedSimulation(prepared: PreparedSimulation, budget: SimulationBudget = {},
  onProgress?: (progress: SearchProgress) => void, signal?: AbortSignal): Promise<SimulationResult> {
  return runSimulationInWorker(prepared.scenario, { ...budget, progressIntervalMs: 250 }, onProgress, signal);
}

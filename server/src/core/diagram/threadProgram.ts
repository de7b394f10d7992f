// The collapse thread program a simulation of "the function at the cursor" runs.
//
// WIRE-THREAD-EXTRACTION: the program is extracted from the function's CFG (issue 6: Checker.threadProgram,
// core/simulation/extract.ts), so a trace step's location is a line of the analysed text; the diagram then
// places it (a patch line when the text is a patch's post-image). This is the one place where the diagram
// code meets the extraction.
import type { FunctionReport } from '../analysis';
import type { ThreadProgram, TraceStep } from '../sim';

/** Checker.threadProgram for one analysed text: the collapse thread of `functionName`, if there is one. */
export type ThreadExtractor = (text: string, functionName: string) => ThreadProgram | undefined;

export interface SimulationInput {
  program: ThreadProgram;
  /** Where a collapse-thread step's call is in the analysed text (1-based), if the step has a place. */
  locate: (step: TraceStep) => { line: number; column: number } | undefined;
  /** What the diagram should say about the program. */
  notes: string[];
}

export function simulationInputFor(fn: FunctionReport, text: string, extract: ThreadExtractor): SimulationInput | { message: string } {
  const program = extract(text, fn.name);
  if (!program) return { message: `mm-review could not extract the thread of ${fn.name}() for the simulator.` };
  const ops = program.nodes.filter((n) => n.op).length;
  if (ops === 0) {
    return { message: `${fn.name}() makes no call the simulator models (locks, page-table and folio operations), so there is nothing to simulate.` };
  }
  return {
    program,
    locate: (step) => step.loc,
    notes: [
      `Simulated thread: ${fn.name}() as extracted from the code (${ops} modelled calls; functions of the same file that ` +
        'it calls are inlined, other calls are left out).',
    ],
  };
}

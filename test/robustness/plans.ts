// What a fuzz worker is asked to run (workerData) and what it reports back. Every plan is deterministic:
// the same seed gives the same inputs, so a failure's label is enough to replay it.
import type { Scenario } from '../../server/src/core/sim';

export type FuzzPlan =
  /** Mutations of the real kernel files, each applied as an edit to one open CDocument and analysed. */
  | { suite: 'c-mutations'; seed: number; perFile: number; timeLimitMs: number }
  /** Incremental analysis after random edits must equal a from-scratch analysis of the same text. */
  | { suite: 'c-incremental-equals-scratch'; seed: number; edits: number; sliceLines: number }
  /** Keystrokes typed into the real kernel files, mostly inside function bodies; every third text checked fresh. */
  | { suite: 'c-typing-equals-scratch'; seed: number; perFile: number }
  /** Hand-made hostile C texts (huge, NUL bytes, invalid UTF-8, …), one-shot and as an edit. */
  | { suite: 'c-hostile'; timeLimitMs: number; only?: string[] }
  /** Mutations of the real patch mails (truncation, flips, corrupted hunk headers, invalid UTF-8) as series. */
  | { suite: 'patch-mutations'; seed: number; count: number; timeLimitMs: number }
  | { suite: 'patch-hostile'; timeLimitMs: number }
  /** Random thread programs for the simulator, valid and invalid, under small budgets. */
  | { suite: 'sim-random'; seed: number; count: number; maxStates: number }
  /** Given scenarios (a minimal reproduction), each simulated under the given budget. */
  | { suite: 'sim-scenarios'; scenarios: { label: string; scenario: Scenario }[]; maxStates: number; maxSeconds: number };

export interface WorkerInput {
  plan: FuzzPlan;
  /** Cases before this index are built but not run (resuming after a hang). */
  startAt: number;
}

export type WorkerMessage =
  | { type: 'start'; index: number; label: string }
  | { type: 'done'; index: number; label: string; error?: string; ms: number }
  | { type: 'end' };

/** One input and the check to run on it; `run` throws (an Error or an AssertionError) when a property breaks. */
export interface FuzzCase {
  label: string;
  run(): void;
}

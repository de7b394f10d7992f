// Runs a fuzz plan in a worker thread and watches it from the test: a case that throws is reported with its
// label and stack, and a case that does not finish within the bound is a hang. A synchronous infinite loop
// cannot be interrupted any other way than by terminating the worker; the plan then resumes in a new worker
// after the hung case, so one hang does not hide what the remaining cases would show.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { FuzzPlan, WorkerMessage } from './plans';

/**
 * The worker's stack, in Node's unit, that allows the same recursion depth as the main thread's default V8
 * stack (984 KB; Node reserves a safety margin inside a worker's stack): measured with a recursive counter.
 * Deep recursion then fails here exactly where it fails in the language server.
 */
const MAIN_THREAD_STACK_MB = 1.17;

/** Hangs after which the plan is abandoned rather than resumed again. */
const MAX_HANGS = 3;

export interface CaseOutcome {
  label: string;
  /** The exception's stack when the case threw or broke a property. */
  error?: string;
  ms: number;
}

export interface FuzzReport {
  outcomes: CaseOutcome[];
  /** Labels of the cases that were still running when their time was up. */
  hangs: string[];
  /** The worker died outside the watch of a case bound (an exception between cases, out of memory). */
  crashed?: string;
}

interface WorkerRun {
  /** Index of the next case to run when the worker stopped. */
  next: number;
  hung?: string;
  crashed?: string;
  finished: boolean;
}

/** `perCaseMs` is a generous wall-clock bound (hang detection), not a speed requirement: speed is bench/'s job. */
export async function runFuzzPlan(plan: FuzzPlan, perCaseMs = 30_000): Promise<FuzzReport> {
  const report: FuzzReport = { outcomes: [], hangs: [] };
  let startAt = 0;
  for (;;) {
    const run = await runWorker(plan, startAt, perCaseMs, report.outcomes);
    if (run.crashed) report.crashed = run.crashed;
    if (run.hung) report.hangs.push(run.hung);
    if (run.finished || run.crashed || !run.hung || report.hangs.length >= MAX_HANGS) return report;
    startAt = run.next + 1;
  }
}

function runWorker(plan: FuzzPlan, startAt: number, perCaseMs: number, outcomes: CaseOutcome[]): Promise<WorkerRun> {
  const worker = new Worker(join(__dirname, 'fuzzWorker.js'), {
    workerData: { plan, startAt }, resourceLimits: { stackSizeMb: MAIN_THREAD_STACK_MB },
  });
  let current: { index: number; label: string } | undefined;
  let next = startAt;
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve) => {
    const stop = (result: Omit<WorkerRun, 'next'>) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      resolve({ next, ...result });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stop({ hung: current?.label ?? '(while building the cases)', finished: false }), perCaseMs);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') {
        current = { index: m.index, label: m.label };
        next = m.index;
      } else if (m.type === 'done') {
        outcomes.push({ label: m.label, error: m.error, ms: m.ms });
        current = undefined;
        next = m.index + 1;
      } else {
        stop({ finished: true });
        return;
      }
      arm();
    });
    worker.on('error', (e) => stop({ crashed: `${current?.label ?? '(no case running)'}: ${e.stack ?? e.message}`, finished: false }));
    worker.on('exit', (code) => stop({ crashed: `the worker exited with code ${code} during ${current?.label ?? '(no case)'}`, finished: false }));
    arm();
  });
}

/** A readable failure message: hangs and crashes first, then every failed case with its stack. */
export function describeFailures(report: FuzzReport): string {
  const lines = [...report.hangs.map((h) => `HANG: ${h}`)];
  if (report.crashed) lines.push(`CRASH: ${report.crashed}`);
  for (const o of report.outcomes.filter((x) => x.error)) lines.push(`${o.label}:\n${o.error}`);
  return lines.join('\n\n');
}

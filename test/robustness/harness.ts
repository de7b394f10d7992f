// Runs a fuzz plan in a worker thread and watches it from the test: a case that throws is reported with its
// label and stack, and a case that does not finish within the bound is a hang: the worker is terminated (a
// synchronous infinite loop cannot be interrupted any other way) and the test fails naming the case.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { FuzzPlan, WorkerMessage } from './plans';

export interface CaseOutcome {
  label: string;
  /** The exception's stack when the case threw or broke a property. */
  error?: string;
  ms: number;
}

export interface FuzzReport {
  outcomes: CaseOutcome[];
  /** The label of the case that was still running when its time was up. */
  hung?: string;
  /** The worker itself died (an exception outside any case, or out of memory). */
  crashed?: string;
}

/**
 * `perCaseMs` is a generous wall-clock bound (the hang detection); it says nothing about speed, which is the
 * benchmark's business. The worker gets the main thread's stack size, so deep recursion fails here exactly
 * where it would fail in the language server.
 */
export function runFuzzPlan(plan: FuzzPlan, perCaseMs = 30_000): Promise<FuzzReport> {
  const worker = new Worker(join(__dirname, 'fuzzWorker.js'), { workerData: plan, resourceLimits: { stackSizeMb: 1 } });
  const outcomes: CaseOutcome[] = [];
  let current: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve) => {
    const finish = (extra: Partial<FuzzReport> = {}) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      resolve({ outcomes, ...extra });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ hung: current ?? '(before the first case)' }), perCaseMs);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') {
        current = m.label;
        arm();
      } else if (m.type === 'done') {
        outcomes.push({ label: m.label, error: m.error, ms: m.ms });
        current = undefined;
        arm();
      } else {
        finish();
      }
    });
    worker.on('error', (e) => finish({ crashed: `${current ?? '(no case running)'}: ${e.stack ?? e.message}` }));
    worker.on('exit', (code) => finish(code === 0 ? {} : { crashed: `worker exited with code ${code} during ${current ?? '(no case)'}` }));
    arm();
  });
}

/** A readable failure message: the hang or crash first, then every failed case with its stack. */
export function describeFailures(report: FuzzReport): string {
  const lines: string[] = [];
  if (report.hung) lines.push(`HANG: ${report.hung}`);
  if (report.crashed) lines.push(`CRASH: ${report.crashed}`);
  for (const o of report.outcomes.filter((x) => x.error)) lines.push(`${o.label}:\n${o.error}`);
  return lines.join('\n\n');
}

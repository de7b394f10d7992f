// The worker side of harness.ts: builds the plan's cases, runs them one by one and reports each start and
// end, so the test thread can name the case that threw or never finished.
import { parentPort, workerData } from 'node:worker_threads';
import { Checker } from '../../server/src/core';
import { cHostileCases, cMutationCases, incrementalEqualsScratchCases, typingEqualsScratchCases } from './cCases';
import { patchHostileCases, patchMutationCases } from './patchCases';
import type { FuzzCase, FuzzPlan, WorkerInput, WorkerMessage } from './plans';
import { simRandomCases, simScenarioCases } from './simCases';

async function casesFor(plan: FuzzPlan): Promise<Iterable<FuzzCase>> {
  switch (plan.suite) {
    case 'c-mutations':
      return cMutationCases(await Checker.create({ timeLimitMs: plan.timeLimitMs }), plan.seed, plan.perFile);
    case 'c-incremental-equals-scratch':
      // No time limit here: a run cut short by the clock legitimately differs from one that was not.
      return incrementalEqualsScratchCases(await Checker.create(), plan.seed, plan.edits, plan.sliceLines);
    case 'c-typing-equals-scratch':
      return typingEqualsScratchCases(await Checker.create(), plan.seed, plan.perFile);
    case 'c-hostile':
      return cHostileCases(await Checker.create({ timeLimitMs: plan.timeLimitMs }), plan.only);
    case 'patch-mutations':
      return patchMutationCases(await Checker.create({ timeLimitMs: plan.timeLimitMs }), plan.seed, plan.count);
    case 'patch-hostile':
      return patchHostileCases(await Checker.create({ timeLimitMs: plan.timeLimitMs }));
    case 'sim-random':
      return simRandomCases(plan.seed, plan.count, plan.maxStates);
    case 'sim-scenarios':
      return simScenarioCases(plan.scenarios, plan.maxStates, plan.maxSeconds);
  }
}

async function main(): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const { plan, startAt } = workerData as WorkerInput;
  let index = -1;
  for (const c of await casesFor(plan)) {
    if (++index < startAt) continue;
    post({ type: 'start', index, label: c.label });
    const started = performance.now();
    let error: string | undefined;
    try {
      c.run();
    } catch (e) {
      error = e instanceof Error ? e.stack ?? e.message : String(e);
    }
    post({ type: 'done', index, label: c.label, error, ms: performance.now() - started });
  }
  post({ type: 'end' });
}

if (parentPort) void main();

// The simulator never throws on a valid program and never hangs: random thread programs (real and unknown
// ops, branches, loops, assumptions) against random actors, under a small state budget.
import * as assert from 'node:assert/strict';
import { describeFailures, runFuzzPlan } from './harness';

/** The budget's own bound is 2 s; a case still running at 5 s ignored it. */
const HANG_MS = 5_000;

describe('robustness: simulator', function () {
  this.timeout(120_000);

  it('gives a verdict for 150 random programs, and refuses the invalid ones with its validation error', async () => {
    const report = await runFuzzPlan({ suite: 'sim-random', seed: 99, count: 150, maxStates: 3000 }, HANG_MS);
    assert.equal(describeFailures(report), '');
    assert.equal(report.outcomes.length, 150);
  });

  // Reported to the core: threadTransitions (machine.ts) fuses independent steps depth-first up to
  // MAX_FUSED_STEPS = 64 without noticing a cycle, and each step of __collapse_huge_page_copy has two
  // alternatives (the copy succeeds or fails), so one transition expands 2^64 paths; maxStates and maxSeconds
  // are only looked at between transitions. Found by the random programs above (program 129, seed 99).
  it('a program whose independent op loops to itself stops within its budget', async () => {
    const program = { name: 'copy loop', entry: 0, nodes: [{ id: 0, op: '__collapse_huge_page_copy', succ: [0] }] };
    const report = await runFuzzPlan({
      suite: 'sim-scenarios', scenarios: [{ label: 'a self-looping __collapse_huge_page_copy, no actors', scenario: { program, actors: [] } }],
      maxStates: 1000, maxSeconds: 2,
    }, HANG_MS);
    assert.equal(describeFailures(report), '');
  });
});

// The C analysis never throws and never hangs, whatever the text: mutations of the real kernel files typed
// into an open document, hostile texts, and the incremental analysis agreeing with a fresh one. Each suite runs
// in a worker (harness.ts) so that a hang is detected and named instead of freezing the test run.
import * as assert from 'node:assert/strict';
import { describeFailures, runFuzzPlan, type FuzzReport } from './harness';
import { hostileCTexts } from './generators';

function assertClean(report: FuzzReport, minimumCases: number): void {
  assert.equal(describeFailures(report), '', 'every case finishes without an exception or a broken property');
  assert.ok(report.outcomes.length >= minimumCases, `ran ${report.outcomes.length} cases, expected at least ${minimumCases}`);
}

describe('robustness: C analysis', function () {
  this.timeout(120_000);

  it('survives 3 × 12 compounding mutations of the real kernel files, edit by edit', async () => {
    // A small time budget keeps each analysis short; it is a product feature, so it is exercised too.
    assertClean(await runFuzzPlan({ suite: 'c-mutations', seed: 20251125, perFile: 12, timeLimitMs: 150 }), 3 * 12);
  });

  it('survives hostile texts: 1 MB lines, 200k lines, NUL bytes, invalid UTF-8, unbalanced braces, recursion', async () => {
    assertClean(await runFuzzPlan({ suite: 'c-hostile', timeLimitMs: 300 }), hostileCTexts().length + 10);
  });

  it('analyses incrementally exactly as from scratch after random edits (fixtures and kernel slices)', async () => {
    assertClean(await runFuzzPlan({ suite: 'c-incremental-equals-scratch', seed: 7, edits: 14, sliceLines: 500 }), 10 * 14);
  });

  it('analyses the real kernel files keystroke by keystroke exactly as from scratch', async () => {
    // Longer runs of this property (60 keystrokes a file, seeds 1–6) found two bugs the edits above did not, each
    // now pinned by its own test: a caller kept its result when a function it calls came back from a parse error
    // (incrementalReuse.test.ts), and a function re-parsed alone read an opened `/*` as operators (overlays.test.ts).
    assertClean(await runFuzzPlan({ suite: 'c-typing-equals-scratch', seed: 2, perFile: 30 }), 3 * 30);
  });
});

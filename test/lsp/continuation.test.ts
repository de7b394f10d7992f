// Checks cut short by the time budget continue in further slices while each slice finishes more functions
// (server/src/lsp/continuation.ts).
import * as assert from 'node:assert/strict';
import type { CheckResult, FunctionReport } from '../../server/src/core';
import { Continuations, functionsCutByTime } from '../../server/src/lsp/continuation';

function resultOf(functions: Partial<FunctionReport>[]): CheckResult {
  return { findings: [], parseMs: 1, analyzeMs: 1, functions: functions.map((f) => ({ complete: true, statesVisited: 10, ...f }) as FunctionReport) } as unknown as CheckResult;
}

describe('analysis in slices', () => {
  it('counts the functions the clock stopped, not those the state limit stopped', () => {
    const result = resultOf([{}, { complete: false, statesVisited: 0 }, { complete: false, statesVisited: 400 }, { complete: false, statesVisited: 1001 }]);
    assert.equal(functionsCutByTime(result, 1000), 2);
    assert.equal(functionsCutByTime(undefined, 1000), 0);
  });

  it('continues while each slice of a version finishes more functions, and stops when one does not', () => {
    const c = new Continuations();
    assert.equal(c.shouldContinue('a', 1, 12), true, 'the first slice left work');
    assert.equal(c.shouldContinue('a', 1, 10), true);
    assert.equal(c.shouldContinue('a', 1, 10), false, 'no progress: a function does not fit in one budget');
    assert.equal(c.shouldContinue('a', 1, 10), true, 'after stopping, a later check of the version starts afresh');
    assert.equal(c.shouldContinue('a', 1, 0), false, 'finished');
  });

  it('starts afresh for a new version and keeps documents apart', () => {
    const c = new Continuations();
    assert.equal(c.shouldContinue('a', 1, 5), true);
    assert.equal(c.shouldContinue('b', 1, 5), true);
    assert.equal(c.shouldContinue('a', 2, 5), true, 'version 2 is a new text');
    c.forget('a');
    assert.equal(c.shouldContinue('a', 2, 5), true);
  });
});

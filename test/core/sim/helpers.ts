// Shared helpers of the simulator tests.
import assert from 'node:assert/strict';
import { replayTrace } from '../../../server/src/core/sim/trace';
import type { Scenario } from '../../../server/src/core/sim/scenario';
import type { SimulationViolation } from '../../../server/src/core/sim/search';

/** Replays the counterexample from scratch and checks the rule breaks at its last step, and only there. */
export function assertReplaysToViolation(scenario: Scenario, violation: SimulationViolation): void {
  const replay = replayTrace(scenario, violation.trace);
  assert.equal(replay.steps.length, violation.trace.length);
  const before = replay.steps.slice(0, -1).filter((s) => s.violations.length);
  assert.deepEqual(before, [], 'no rule may break before the last step');
  if (violation.rule === 'LOCK-ORDER') {
    assert.ok(replay.deadlock, 'the replayed trace must end in a deadlock');
  } else {
    const last = replay.steps[replay.steps.length - 1];
    assert.ok(last.violations.some((v) => v.rule === violation.rule && v.message === violation.message),
      `the last step must break ${violation.rule}; got ${JSON.stringify(last.violations)}`);
  }
}

export function describeTrace(violation: SimulationViolation): string {
  return violation.trace.map((s) => `${s.thread}: ${s.op}`).join('\n');
}

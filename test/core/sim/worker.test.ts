import assert from 'node:assert/strict';
import { mainlineCollapse, withoutTlbSync } from '../../../server/src/core/sim/reference-programs';
import type { Scenario } from '../../../server/src/core/sim/scenario';
import { SearchProgress, simulate } from '../../../server/src/core/sim/search';
import { runSimulationInWorker } from '../../../server/src/core/sim/worker';
import { assertReplaysToViolation } from './helpers';

const BIG: Scenario = {
  program: mainlineCollapse(),
  actors: ['fault-vma-lock', 'fault-mmap-lock', 'gup-fast', 'gup-slow', 'rmap-walk', 'zap', 'cpu-access'],
};

describe('sim/worker', () => {
  it('returns the same safe verdict and state count as the in-process search', async () => {
    const scenario: Scenario = { program: mainlineCollapse(), actors: ['gup-fast', 'fault-vma-lock'] };
    const inWorker = await runSimulationInWorker(scenario);
    const inProcess = simulate(scenario);
    assert.equal(inWorker.verdict, 'safe');
    assert.equal(inWorker.verdict, inProcess.verdict);
    assert.equal(inWorker.statesExplored, inProcess.statesExplored);
  });

  it('returns the same counterexample, which replays in this thread', async () => {
    const scenario: Scenario = { program: withoutTlbSync(), actors: ['gup-fast'] };
    const inWorker = await runSimulationInWorker(scenario);
    const inProcess = simulate(scenario);
    assert.equal(inWorker.verdict, 'violation');
    assert.equal(inWorker.violations[0].rule, inProcess.violations[0].rule);
    assert.deepEqual(inWorker.violations[0].trace, inProcess.violations[0].trace);
    assertReplaysToViolation(scenario, inWorker.violations[0]);
  });

  it('reports progress and honours budgets', async () => {
    const seen: SearchProgress[] = [];
    const result = await runSimulationInWorker(BIG, { maxStates: 40_000, progressIntervalMs: 0 }, (p) => seen.push(p));
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.coverage?.reason, 'max-states');
    assert.ok(seen.length > 0);
  });

  it('stops within 100 ms of an abort and answers incomplete', async () => {
    const controller = new AbortController();
    const running = runSimulationInWorker(BIG, { maxSeconds: 60 }, undefined, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const abortedAt = Date.now();
    controller.abort();
    const result = await running;
    const latency = Date.now() - abortedAt;
    assert.ok(latency < 100, `answered ${latency} ms after the abort`);
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.coverage?.reason, 'cancelled');
    assert.ok(result.statesExplored > 0);
  });

  it('rejects with the worker\'s error message', async () => {
    const broken = { program: mainlineCollapse(), actors: ['no-such-actor'] } as unknown as Scenario;
    await assert.rejects(runSimulationInWorker(broken), /unknown actor 'no-such-actor'/);
  });
});

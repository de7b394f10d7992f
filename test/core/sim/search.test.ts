import assert from 'node:assert/strict';
import { ACTOR_NAMES } from '../../../server/src/core/sim/actors';
import {
  devJainRfcV1Like, mainlineCollapse, withoutAnonVmaLock, withoutTlbSync, withoutVmaStartWrite,
} from '../../../server/src/core/sim/reference-programs';
import type { Scenario } from '../../../server/src/core/sim/scenario';
import { runSimulation, SearchProgress, simulate } from '../../../server/src/core/sim/search';
import { replayTrace } from '../../../server/src/core/sim/trace';

/** Large enough that no test finishes it: mainline against seven actors (well over a million states). */
const BIG: Scenario = {
  program: mainlineCollapse(),
  actors: ['fault-vma-lock', 'fault-mmap-lock', 'gup-fast', 'gup-slow', 'rmap-walk', 'zap', 'cpu-access'],
};

describe('sim/search budgets', () => {
  it('a state budget gives incomplete with coverage, never safe', () => {
    const result = simulate(BIG, { maxStates: 2000 });
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.violations.length, 0);
    assert.equal(result.coverage?.reason, 'max-states');
    assert.ok(result.statesExplored >= 2000);
    assert.ok(result.coverage!.depthCompleted > 0);
    assert.ok(result.coverage!.statesQueued > 0);
    const collapse = result.coverage!.opsReached.collapse_huge_page;
    assert.ok(collapse.reached > 0 && collapse.reached < collapse.total, JSON.stringify(collapse));
  });

  it('a time budget gives incomplete', () => {
    const started = Date.now();
    const result = simulate(BIG, { maxSeconds: 0.1 });
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.coverage?.reason, 'max-seconds');
    assert.ok(Date.now() - started < 1000);
  });

  it('a violation found before the budget ran out is still reported as a violation', () => {
    const result = simulate({ program: withoutTlbSync(), actors: ['gup-fast', 'zap'] }, { maxStates: 100_000 });
    assert.equal(result.verdict, 'violation');
    assert.equal(result.coverage, undefined);
  });

  it('reports progress while it runs', () => {
    const seen: SearchProgress[] = [];
    simulate(BIG, { maxStates: 30_000, progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    assert.ok(seen.length >= 2);
    assert.ok(seen[seen.length - 1].statesExplored > seen[0].statesExplored);
  });
});

describe('sim/search cancellation', () => {
  it('an aborted run resolves within 100 ms as incomplete', async () => {
    const controller = new AbortController();
    const running = runSimulation(BIG, { signal: controller.signal, maxSeconds: 60 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAt = Date.now();
    controller.abort();
    const result = await running;
    const latency = Date.now() - abortedAt;
    assert.ok(latency < 100, `stopped ${latency} ms after the abort`);
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.coverage?.reason, 'cancelled');
    assert.ok(result.statesExplored > 0);
  });

  it('shouldStop() cancels a synchronous run', () => {
    let calls = 0;
    const result = simulate(BIG, { shouldStop: () => ++calls > 3 });
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.coverage?.reason, 'cancelled');
  });
});

describe('sim/search reduction', () => {
  const programs = {
    mainline: mainlineCollapse(), noSync: withoutTlbSync(), noVma: withoutVmaStartWrite(), noAnon: withoutAnonVmaLock(),
    rfcV1: devJainRfcV1Like(),
  };

  it('gives the same verdict and the same shortest counterexample length as the unreduced search, for every program and actor', () => {
    for (const [name, program] of Object.entries(programs)) {
      for (const actor of ACTOR_NAMES) {
        const scenario: Scenario = { program, actors: [actor] };
        const reduced = simulate(scenario);
        const full = simulate(scenario, { reduce: false });
        const what = `${name} vs ${actor}`;
        assert.equal(reduced.verdict, full.verdict, what);
        assert.equal(reduced.violations[0]?.trace.length, full.violations[0]?.trace.length, what);
        assert.ok(reduced.statesExplored <= full.statesExplored, what);
      }
    }
  });

  it('stores fewer states than the unreduced search', () => {
    const scenario: Scenario = { program: mainlineCollapse(), actors: ['gup-fast', 'cpu-access'] };
    const reduced = simulate(scenario);
    const full = simulate(scenario, { reduce: false });
    assert.equal(reduced.verdict, 'safe');
    assert.equal(full.verdict, 'safe');
    assert.ok(reduced.statesExplored * 2 < full.statesExplored, `${reduced.statesExplored} vs ${full.statesExplored}`);
  });

  it('can collect one counterexample per rule and actor', () => {
    const scenario: Scenario = { program: devJainRfcV1Like(), actors: ['gup-fast', 'cpu-access'] };
    const result = simulate(scenario, { stopAtFirstViolation: false });
    const kinds = result.violations.map((v) => `${v.rule}/${v.actor}`);
    assert.ok(kinds.includes('REFCOUNT-CHECK-AFTER-UNREACHABLE/gup-fast'), kinds.join());
    assert.ok(kinds.includes('TLB-FLUSH-BEFORE-ISOLATED-USE/cpu-access'), kinds.join());
    const lengths = result.violations.map((v) => v.trace.length);
    assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b), 'shortest first');
  });
});

describe('sim/trace replay', () => {
  const scenario: Scenario = { program: withoutVmaStartWrite(), actors: ['fault-vma-lock'] };
  const trace = simulate(scenario).violations[0].trace;

  it('re-runs the model and reproduces the recorded states', () => {
    const replay = replayTrace(scenario, trace);
    assert.deepEqual(replay.steps.map((s) => s.stateAfter), trace.map((s) => s.stateAfter));
  });

  it('refuses a trace that does not fit the program', () => {
    const swapped = [trace[1], trace[0], ...trace.slice(2)];
    assert.throws(() => replayTrace(scenario, swapped.map((s, i) => (i === 0 ? { ...s, node: trace[5].node } : s))),
      /trace does not replay/);
  });
});

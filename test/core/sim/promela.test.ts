// Cross-check with SPIN: the Promela export of a scenario and the simulator must agree on the verdict.
// Needs the `spin` model checker (Debian: apt-get install spin) and gcc. Not skipped when missing: it fails.
import assert from 'node:assert/strict';
import { ACTOR_NAMES, ActorName } from '../../../server/src/core/sim/actors';
import { OPS } from '../../../server/src/core/sim/ops';
import { call, either, program, ThreadProgram } from '../../../server/src/core/sim/program';
import { exportPromela } from '../../../server/src/core/sim/promela';
import {
  mainlineCollapse, collapseV72, withoutAnonVmaLock, withoutTlbSync, withoutVmaStartWrite,
} from '../../../server/src/core/sim/reference-programs';
import type { Scenario } from '../../../server/src/core/sim/scenario';
import { simulate } from '../../../server/src/core/sim/search';
import { runSpin, spinAvailable, SpinResult } from '../../../server/src/core/sim/spin-runner';

interface CrossCheck {
  name: string;
  scenario: Scenario;
  expectViolation: boolean;
}

const on = (name: string, program: ThreadProgram, actor: ActorName, expectViolation: boolean): CrossCheck =>
  ({ name: `${name} vs ${actor}`, scenario: { program, actors: [actor] }, expectViolation });

const CASES: CrossCheck[] = [
  ...(['fault-vma-lock', 'fault-mmap-lock', 'gup-fast', 'rmap-walk', 'zap'] as ActorName[])
    .map((actor) => on('mainline', mainlineCollapse(), actor, false)),
  on('no tlb_remove_table_sync_one', withoutTlbSync(), 'gup-fast', true),
  on('no vma_start_write', withoutVmaStartWrite(), 'fault-vma-lock', true),
  on('no anon_vma_lock_write', withoutAnonVmaLock(), 'rmap-walk', true),
  {
    name: 'mTHP (7.2) vs rmap-walk on a neighbour folio', expectViolation: false,
    scenario: { program: collapseV72(), actors: ['rmap-walk'], ptes: 3, collapsePtes: 2, actorPte: 2 },
  },
  {
    name: 'mTHP, A:W dropped early vs rmap-walk on a neighbour folio', expectViolation: true,
    scenario: { program: collapseV72({ earlyAnonVmaUnlock: true }), actors: ['rmap-walk'], ptes: 3, collapsePtes: 2, actorPte: 2 },
  },
];

/** Runs `work` over `items` with at most `limit` at a time (the test machines have two cores). */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }));
  return results;
}

describe('sim/promela: SPIN agrees with the simulator', function () {
  this.timeout(60_000);
  let spin: SpinResult[] = [];

  before(async () => {
    if (!(await spinAvailable())) {
      throw new Error('the SPIN model checker is not installed: run `apt-get install -y spin` (Debian package `spin`)');
    }
    spin = await inParallel(CASES, 2, (c) => runSpin(exportPromela(c.scenario)));
  });

  it('on every cross-check scenario (table below)', () => {
    const rows = CASES.map((c, i) => {
      const sim = simulate(c.scenario);
      return { c, sim, spin: spin[i] };
    });
    console.log('\n    scenario                                                  | simulator                       | SPIN');
    for (const { c, sim, spin: s } of rows) {
      const simText = `${sim.verdict.padEnd(9)} ${String(sim.statesExplored).padStart(6)} st ${sim.seconds.toFixed(3)} s`;
      const spinText = `${s.verdict.padEnd(9)} ${String(s.statesStored).padStart(6)} st ${s.seconds.toFixed(3)} s (+${s.buildSeconds.toFixed(2)} s build)`;
      console.log(`    ${c.name.padEnd(57)} | ${simText} | ${spinText}`);
    }
    for (const { c, sim, spin: s } of rows) {
      assert.notEqual(s.verdict, 'incomplete', `${c.name}: SPIN did not finish\n${s.output}`);
      assert.notEqual(sim.verdict, 'incomplete', `${c.name}: the simulator did not finish`);
      assert.equal(sim.verdict === 'violation', c.expectViolation, `${c.name}: simulator says ${sim.verdict}`);
      assert.equal(s.verdict === 'violation', c.expectViolation, `${c.name}: SPIN says ${s.verdict}\n${s.output}`);
    }
  });

  it('exports every op of the API table and every actor to Promela that SPIN and gcc accept', async () => {
    const args = (op: string) => (op.startsWith('spin_') ? ['pmd_ptl'] : op.startsWith('pte_offset_map') ? ['mm', '&_pmd'] : []);
    const everyOp = program('every-op', [either(...Object.keys(OPS).map((op) => [call(op, ...args(op))]))]);
    const actors = ACTOR_NAMES.filter((a) => a !== 'collapse2');
    const model = exportPromela({ program: everyOp, actors });
    const built = await runSpin(model, { compileOnly: true });
    assert.ok(built.buildSeconds > 0);
  });

  it('exports one proctype per thread and the rule checks as assertions', () => {
    const model = exportPromela({ program: mainlineCollapse(), actors: ['gup-fast', 'zap'] });
    assert.equal(model.match(/^proctype T\d\(\)/gm)?.length, 3);
    assert.match(model, /assert\(/);
    assert.match(model, /run T2\(\);/);
  });
});

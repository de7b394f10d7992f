import assert from 'node:assert/strict';
import { ACTOR_NAMES, ActorName } from '../../../server/src/core/sim/actors';
import { initialPcChoices, threadTransitions, Transition } from '../../../server/src/core/sim/machine';
import { call, sequence, ThreadProgram, withoutOps } from '../../../server/src/core/sim/program';
import {
  devJainRfcV1Like, mainlineCollapse, collapseV72, withoutAnonVmaLock, withoutTlbSync, withoutVmaStartWrite,
} from '../../../server/src/core/sim/reference-programs';
import type { RuleId } from '../../../server/src/core/sim/rules';
import { compileScenario, Scenario } from '../../../server/src/core/sim/scenario';
import { simulate } from '../../../server/src/core/sim/search';
import { initialState, State } from '../../../server/src/core/sim/state';
import { assertReplaysToViolation, describeTrace } from './helpers';

describe('sim: mainline collapse_huge_page (6.12) is safe', () => {
  for (const actor of ACTOR_NAMES) {
    it(`against ${actor}`, () => {
      const result = simulate({ program: mainlineCollapse(), actors: [actor] });
      assert.equal(result.verdict, 'safe', result.violations[0]?.message);
      assert.ok(result.statesExplored > 1);
    });
  }

  it('against a page fault, GUP-fast and an rmap walk at the same time', () => {
    const result = simulate({ program: mainlineCollapse(), actors: ['fault-vma-lock', 'gup-fast', 'rmap-walk'] });
    assert.equal(result.verdict, 'safe', result.violations[0]?.message);
  });

  it('with four PTEs against GUP-fast and reclaim', () => {
    const result = simulate({ program: mainlineCollapse(), actors: ['gup-fast', 'rmap-walk'], ptes: 4 });
    assert.equal(result.verdict, 'safe', result.violations[0]?.message);
  });
});

interface BrokenCase {
  title: string;
  scenario: Scenario;
  rule: RuleId;
  /** Ops that must appear in the counterexample, in this order, as [thread, op]. */
  story: [string, string][];
}

const NEIGHBOUR = { ptes: 3, collapsePtes: 2, actorPte: 2 };

const BROKEN: BrokenCase[] = [
  {
    title: 'without tlb_remove_table_sync_one, GUP-fast reads the table after it was deposited',
    scenario: { program: withoutTlbSync(), actors: ['gup-fast'] },
    rule: 'GUP-FAST-SYNC',
    story: [['gup-fast', 'local_irq_save'], ['gup-fast', 'pmdp_get_lockless'], ['collapse_huge_page without tlb_remove_table_sync_one', 'pmdp_collapse_flush'],
      ['collapse_huge_page without tlb_remove_table_sync_one', 'pgtable_trans_huge_deposit'], ['gup-fast', 'ptep_get_lockless']],
  },
  {
    title: 'without vma_start_write, a per-VMA-lock fault sees the hidden pmd_none',
    scenario: { program: withoutVmaStartWrite(), actors: ['fault-vma-lock'] },
    rule: 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS',
    story: [['fault-vma-lock', 'lock_vma_under_rcu'], ['collapse_huge_page without vma_start_write', 'pmdp_collapse_flush'],
      ['fault-vma-lock', 'pmdp_get_lockless']],
  },
  {
    title: 'without anon_vma_lock_write, reclaim\'s rmap walk sees the hidden pmd_none',
    scenario: { program: withoutAnonVmaLock(), actors: ['rmap-walk'] },
    rule: 'HIDDEN-TABLE-RMAP-EXCLUSION',
    story: [['rmap-walk', 'folio_trylock'], ['collapse_huge_page without anon_vma_lock_write', 'pmdp_collapse_flush'],
      ['rmap-walk', 'folio_lock_anon_vma_read'], ['rmap-walk', 'pmdp_get_lockless']],
  },
  {
    title: 'RFC v1-like: a GUP-fast reference taken after the refcount check loses a write',
    scenario: { program: devJainRfcV1Like(), actors: ['gup-fast'] },
    rule: 'REFCOUNT-CHECK-AFTER-UNREACHABLE',
    story: [['vma_collapse_anon_folio (RFC v1-like)', '__collapse_huge_page_isolate'], ['gup-fast', 'try_grab_folio_fast'],
      ['gup-fast', 'gup_fast_recheck'], ['vma_collapse_anon_folio (RFC v1-like)', '__collapse_huge_page_copy'], ['gup-fast', 'gup_pin_write']],
  },
  {
    title: 'RFC v1-like: a CPU stores through its unflushed TLB entry after the copy',
    scenario: { program: devJainRfcV1Like(), actors: ['cpu-access'] },
    rule: 'TLB-FLUSH-BEFORE-ISOLATED-USE',
    story: [['vma_collapse_anon_folio (RFC v1-like)', '__collapse_huge_page_copy'], ['cpu-access', 'cpu_store']],
  },
  {
    title: 'mTHP with A:W dropped after the isolate: reclaim of a neighbour folio sees the hidden pmd_none',
    scenario: { program: collapseV72({ earlyAnonVmaUnlock: true }), actors: ['rmap-walk'], ...NEIGHBOUR },
    rule: 'HIDDEN-TABLE-RMAP-EXCLUSION',
    story: [['collapse_huge_page (7.2, A:W dropped early)', 'pmdp_collapse_flush'],
      ['collapse_huge_page (7.2, A:W dropped early)', 'anon_vma_unlock_write'], ['rmap-walk', 'pmdp_get_lockless']],
  },
];

function assertStory(trace: { thread: string; op: string }[], story: [string, string][]): void {
  let at = 0;
  for (const [thread, op] of story) {
    const found = trace.findIndex((s, i) => i >= at && s.thread === thread && s.op === op);
    assert.ok(found >= 0, `expected ${thread}: ${op} after step ${at} in\n${trace.map((s) => `${s.thread}: ${s.op}`).join('\n')}`);
    at = found + 1;
  }
}

describe('sim: broken collapse programs', () => {
  for (const c of BROKEN) {
    describe(c.title, () => {
      const result = simulate(c.scenario);
      const v = result.violations[0];

      it(`is a ${c.rule} violation exposed by ${c.scenario.actors.join(', ')}`, () => {
        assert.equal(result.verdict, 'violation');
        assert.equal(v.rule, c.rule, v.message);
        assert.equal(v.actor, c.scenario.actors[0]);
      });

      it('has a counterexample that tells the race and replays to the violation at its last step', () => {
        assertStory(v.trace, c.story);
        assertReplaysToViolation(c.scenario, v);
        for (const step of v.trace) assert.ok(step.stateAfter.pmd, 'every step carries a state summary');
      });

      it('has a counterexample as short as the unreduced breadth-first search finds', () => {
        const full = simulate(c.scenario, { reduce: false });
        assert.equal(full.verdict, 'violation');
        assert.equal(v.trace.length, full.violations[0].trace.length, describeTrace(v));
      });
    });
  }

  it('mainline against the same actors as the broken cases stays safe', () => {
    for (const actors of [['gup-fast'], ['fault-vma-lock'], ['rmap-walk'], ['cpu-access']] as ActorName[][]) {
      assert.equal(simulate({ program: mainlineCollapse(), actors }).verdict, 'safe', actors.join());
    }
    assert.equal(simulate({ program: collapseV72(), actors: ['rmap-walk'], ...NEIGHBOUR }).verdict, 'safe');
  });
});

/**
 * Exhaustive depth-limited search with no state hashing and no reduction: true iff some interleaving of at most
 * `maxOps` ops breaks a rule. Independent of the explorer's queue and visited set.
 */
function violationWithin(scenario: Scenario, maxOps: number): boolean {
  const sc = compileScenario(scenario);
  const dfs = (s: State, budget: number): boolean => {
    if (budget === 0) return false;
    const next: Transition[] = [];
    for (let t = 0; t < sc.threads.length; t++) threadTransitions(sc, s, t, false, next);
    return next.some((tr) => tr.violations.length > 0 || dfs(tr.state, budget - 1));
  };
  return initialPcChoices(sc).some((pcs) => dfs(initialState(sc.layout, pcs, { tlbLoaded: sc.tlbLoaded, pte: sc.actorPte }), maxOps));
}

describe('sim: counterexamples are shortest (checked by exhaustive search on small cases)', () => {
  for (const c of BROKEN.filter((b) => b.rule !== 'GUP-FAST-SYNC' && b.rule !== 'REFCOUNT-CHECK-AFTER-UNREACHABLE')) {
    it(c.title, () => {
      const length = simulate(c.scenario).violations[0].trace.length;
      assert.equal(violationWithin(c.scenario, length - 1), false, 'no interleaving is shorter');
      assert.equal(violationWithin(c.scenario, length), true);
    });
  }
});

describe('sim: lock discipline and backoff rules on small programs', () => {
  const only = (program: ThreadProgram, actors: ActorName[] = []) => {
    const scenario = { program, actors };
    const result = simulate(scenario);
    assert.equal(result.verdict, 'violation');
    assertReplaysToViolation(scenario, result.violations[0]);
    return result.violations[0];
  };

  it('LOCK-PAIR: a thread ends holding a lock', () => {
    const v = only(sequence('leak', ['mmap_write_lock', 'vma_start_write']));
    assert.equal(v.rule, 'LOCK-PAIR');
    assert.match(v.message, /ends while still holding M:W/);
  });

  it('LOCK-PAIR: releasing a lock that is not held', () => {
    const v = only(sequence('double', ['anon_vma_lock_write' as string, 'anon_vma_unlock_write', 'anon_vma_unlock_write']));
    assert.equal(v.rule, 'LOCK-PAIR');
    assert.equal(v.trace.length, 3);
  });

  it('LOCK-ORDER: anon_vma then a sleeping folio_lock deadlocks against reclaim (folio lock then anon_vma)', () => {
    const v = only(sequence('abba', ['anon_vma_lock_write', 'folio_lock', 'folio_unlock', 'anon_vma_unlock_write']), ['rmap-walk']);
    assert.equal(v.rule, 'LOCK-ORDER');
    assert.match(v.message, /abba waits in folio_lock for rmap-walk/);
    assert.match(v.message, /rmap-walk waits in folio_lock_anon_vma_read for abba/);
  });

  it('BACKOFF-RESTORES-PMD: giving up mmap:W with the table still hidden', () => {
    const v = only(sequence('no-restore', ['mmap_write_lock', 'vma_start_write', 'anon_vma_lock_write',
      call('pmd_lock', 'mm', 'pmd'), 'pmdp_collapse_flush', call('spin_unlock', 'pmd_ptl'), 'anon_vma_unlock_write',
      'mmap_write_unlock']));
    assert.equal(v.rule, 'BACKOFF-RESTORES-PMD');
  });

  it('DOWNGRADE-DROPS-VMA-LOCKS: downgrading with the table still hidden', () => {
    const v = only(sequence('downgrade', ['mmap_write_lock', 'vma_start_write', call('pmd_lock', 'mm', 'pmd'),
      'pmdp_collapse_flush', call('spin_unlock', 'pmd_ptl'), 'mmap_write_downgrade']));
    assert.equal(v.rule, 'DOWNGRADE-DROPS-VMA-LOCKS');
  });

  it('NO-SLEEP-IN-ATOMIC: a sleeping lock under the pml', () => {
    const v = only(sequence('sleepy', [call('pmd_lock', 'mm', 'pmd'), 'mmap_read_lock']));
    assert.equal(v.rule, 'NO-SLEEP-IN-ATOMIC');
  });

  it('UPTODATE-BEFORE-MAP: mapping the new folio without __folio_mark_uptodate', () => {
    const v = only(withoutOps(mainlineCollapse(), ['__folio_mark_uptodate']));
    assert.equal(v.rule, 'UPTODATE-BEFORE-MAP');
  });

  it('VMA-WRITE-NEEDS-MMAP-WRITE: vma_start_write under mmap_read_lock', () => {
    const v = only(sequence('readlock', ['mmap_read_lock', 'vma_start_write', 'mmap_read_unlock']));
    assert.equal(v.rule, 'VMA-WRITE-NEEDS-MMAP-WRITE');
  });
});

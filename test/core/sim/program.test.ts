import assert from 'node:assert/strict';
import {
  call, check, either, end, goTo, ifFailed, label, program, programProblems, sequence, withoutOps,
} from '../../../server/src/core/sim/program';
import { HANDLERS } from '../../../server/src/core/sim/effects';
import { OPS, pmdSourceFromArgs, spinlockFromArgs } from '../../../server/src/core/sim/ops';
import { mainlineCollapse } from '../../../server/src/core/sim/reference-programs';
import { SIM_RULES } from '../../../server/src/core/sim/rules';
import { RULES as CORE_RULES } from '../../../server/src/core/rules';

describe('sim/program builders', () => {
  it('sequence() builds a straight line of op nodes after an entry node', () => {
    const p = sequence('t', ['mmap_write_lock', call('spin_lock', 'pmd_ptl'), 'mmap_write_unlock']);
    assert.deepEqual(p.nodes.map((n) => n.op), [undefined, 'mmap_write_lock', 'spin_lock', 'mmap_write_unlock']);
    assert.deepEqual(p.nodes.map((n) => n.succ), [[1], [2], [3], []]);
    assert.deepEqual(p.nodes[2].args, ['pmd_ptl']);
    assert.deepEqual(programProblems(p), []);
  });

  it('check() branches on the outcome with assume nodes, and goto/label join paths', () => {
    const p = program('t', [check('mmap_read_trylock', goTo('out')), 'mmap_read_unlock', label('out'), 'folio_put']);
    const trylock = p.nodes.find((n) => n.op === 'mmap_read_trylock')!;
    const [failed, succeeded] = trylock.succ.map((id) => p.nodes[id]);
    assert.equal(failed.assume, 'failed');
    assert.equal(succeeded.assume, 'succeeded');
    const out = p.nodes.find((n) => n.label === 'out')!;
    assert.deepEqual(failed.succ, [out.id]);
    assert.equal(p.nodes[succeeded.succ[0]].op, 'mmap_read_unlock');
  });

  it('ifFailed() branches on an earlier op and either() explores every path', () => {
    const p = program('t', ['__collapse_huge_page_isolate', call('spin_unlock', 'pte_ptl'), ifFailed(end),
      either(['pte_unmap'], [])]);
    const unlock = p.nodes.find((n) => n.op === 'spin_unlock')!;
    assert.deepEqual(unlock.succ.map((id) => p.nodes[id].assume), ['failed', 'succeeded']);
    const fork = p.nodes.find((n) => n.label === 'branch')!;
    assert.equal(fork.succ.length, 2);
  });

  it('rejects a goto to an unknown label, and withoutOps refuses ops the program does not call', () => {
    assert.throws(() => program('t', [goTo('nowhere')]), /unknown label 'nowhere'/);
    assert.throws(() => withoutOps(mainlineCollapse(), ['no_such_op']), /does not call no_such_op/);
  });

  it('withoutOps keeps the shape and turns the named calls into no-ops', () => {
    const source = mainlineCollapse();
    const p = withoutOps(source, ['tlb_remove_table_sync_one']);
    assert.equal(p.nodes.length, source.nodes.length);
    assert.ok(!p.nodes.some((n) => n.op === 'tlb_remove_table_sync_one'));
    assert.deepEqual(p.nodes.map((n) => n.succ), source.nodes.map((n) => n.succ));
  });

  it('programProblems reports dangling successors', () => {
    assert.deepEqual(programProblems({ name: 'x', entry: 0, nodes: [{ id: 0, succ: [7] }] }),
      ['node 0 has unknown successor 7']);
  });

  it('the mainline reference carries 6.12 line numbers', () => {
    const flush = mainlineCollapse().nodes.find((n) => n.op === 'pmdp_collapse_flush')!;
    assert.deepEqual(flush.loc, { line: 1181, column: 1 });
  });
});

describe('sim/ops argument mapping', () => {
  it('spin_lock / spin_unlock name the pml when the text mentions pml or pmd, else the ptl', () => {
    assert.equal(spinlockFromArgs(['pmd_ptl']), 'pml');
    assert.equal(spinlockFromArgs(['pml']), 'pml');
    assert.equal(spinlockFromArgs(['pte_ptl']), 'ptl');
    assert.equal(spinlockFromArgs(['ptl']), 'ptl');
  });

  it('pte_offset_map* use the saved PMD copy when the PMD argument starts with &', () => {
    assert.equal(pmdSourceFromArgs(['mm', '&_pmd', 'address', '&pte_ptl']), 'saved');
    assert.equal(pmdSourceFromArgs(['&pmd', 'addr']), 'saved');
    assert.equal(pmdSourceFromArgs(['mm', 'pmd', 'address', '&ptl']), 'live');
    assert.equal(pmdSourceFromArgs(['vma->vm_mm', 'pvmw->pmd', 'pvmw->address', '&pvmw->ptl']), 'live');
    assert.equal(pmdSourceFromArgs([]), 'live');
  });

  it('every op row resolves to known primitives', () => {
    for (const [name, spec] of Object.entries(OPS)) {
      for (const alt of spec.alternatives(['pmd_ptl'])) {
        for (const p of alt.prims) assert.ok(HANDLERS[p.k], `${name}: unknown primitive ${p.k}`);
      }
    }
  });
});

describe('sim/rules', () => {
  it('reports only rule IDs of the core table', () => {
    const missing = SIM_RULES.filter((rule) => !(rule in CORE_RULES));
    assert.deepEqual(missing, []);
  });
});

// The collapse thread extracted from real code, run by the simulator (issue 6 acceptance): the released
// kernels' collapse_huge_page() is safe against the actors that race with it, and removing one step of the
// protocol (done here, at run time, on the ../shared copy; nothing is committed) gives the counterexample
// that step prevents. A small fixture checks the extraction itself.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { simulate, type ActorName } from '../../server/src/core/sim';
import { REPO_ROOT, requireShared } from '../helpers';

const ACTORS: ActorName[] = ['fault-vma-lock', 'fault-mmap-lock', 'gup-fast', 'rmap-walk', 'zap'];

describe('simulation of extracted collapse threads', function () {
  this.timeout(60_000);
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  it('extracts calls in order, keeps branches, drops the way into BUG(), and marks what a branch assumes', () => {
    const text = [
      'static int f(struct mm_struct *mm, struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr)',
      '{',
      '\tint result;',
      '\tVM_BUG_ON(addr & ~HPAGE_PMD_MASK);',
      '\tif (!mmap_read_trylock(mm))',
      '\t\treturn SCAN_FAIL;',
      '\tresult = hugepage_vma_revalidate(mm, addr, true, &vma, NULL);',
      '\tif (result != SCAN_SUCCEED)',
      '\t\tgoto out;',
      '\thelper(mm);',
      'out:',
      '\tmmap_read_unlock(mm);',
      '\treturn result;',
      '}',
      'static void helper(struct mm_struct *mm)',
      '{',
      '\tmmap_read_unlock(mm);',
      '\tmmap_read_lock(mm);',
      '}',
    ].join('\n');
    const program = checker.threadProgram('f.c', text, 'f')!;
    const ops = program.nodes.filter((n) => n.op).map((n) => `${n.op}@${n.loc?.line}`).sort();
    // helper() is inlined (lines 17-18); the return path of the failed trylock has no call.
    assert.deepEqual(ops, ['hugepage_vma_revalidate@7', 'mmap_read_lock@18', 'mmap_read_trylock@5', 'mmap_read_unlock@12', 'mmap_read_unlock@17']);
    assert.deepEqual(program.nodes.filter((n) => n.assume).map((n) => n.assume).sort(), ['failed', 'failed', 'succeeded', 'succeeded']);
    // The BUG_ON's true edge is gone: from the entry, every path reaches the trylock.
    assert.equal(program.nodes.filter((n) => n.succ.length === 0).length, 1, 'one end node');
  });

  for (const version of ['6.1.192', '6.12.117', '7.2.13']) {
    it(`collapse_huge_page() of ${version} is safe against ${ACTORS.join(', ')}`, () => {
      const path = requireShared('corpus', 'kernel', `khugepaged-v${version}.c`);
      const program = checker.threadProgram(path, readFileSync(path, 'utf8'), 'collapse_huge_page')!;
      for (const actor of ACTORS) {
        const r = simulate({ program, actors: [actor] }, { maxSeconds: 20 });
        assert.equal(r.verdict, 'safe', `${actor}: ${r.violations.map((v) => `${v.rule} ${v.message}`).join('; ')}`);
      }
    });
  }

  const broken: [string, RegExp, ActorName, string][] = [
    ['without tlb_remove_table_sync_one()', /^\ttlb_remove_table_sync_one\(\);$/m, 'gup-fast', 'GUP-FAST-SYNC'],
    ['without vma_start_write(vma)', /^\tvma_start_write\(vma\);$/m, 'fault-vma-lock', 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS'],
    ['without anon_vma_lock_write()', /^\tanon_vma_lock_write\(vma->anon_vma\);$/m, 'rmap-walk', 'HIDDEN-TABLE-RMAP-EXCLUSION'],
  ];
  for (const [what, line, actor, rule] of broken) {
    it(`collapse_huge_page() of 6.12 ${what} gives a ${actor} counterexample (${rule}) on the file's lines`, () => {
      const path = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
      const text = readFileSync(path, 'utf8');
      const derived = text.replace(line, '');
      assert.notEqual(derived, text, 'the line to remove is in the file');
      const program = checker.threadProgram(path, derived, 'collapse_huge_page')!;
      const r = simulate({ program, actors: [actor] }, { maxSeconds: 20 });
      assert.equal(r.verdict, 'violation');
      assert.equal(r.violations[0].rule, rule);
      const collapseSteps = r.violations[0].trace.filter((s) => s.thread === 'collapse_huge_page' && s.loc);
      assert.ok(collapseSteps.every((s) => text.split('\n')[s.loc!.line - 1].includes(s.op)), 'trace locations are lines of the file');
    });
  }

  it('`mm-review simulate --format json` prints the verdict object and exits 1 on a violation', () => {
    const path = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
    let out = '';
    let status = 0;
    try {
      out = execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'simulate', '--format', 'json', '--function', 'collapse_huge_page',
        '--actors', 'gup-fast,zap', path], { encoding: 'utf8' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    assert.equal(status, 0);
    const json = JSON.parse(out) as { verdict: string; statesExplored: number; seconds: number; violations: unknown[] };
    assert.deepEqual([json.verdict, json.violations.length], ['safe', 0]);
    assert.ok(json.statesExplored > 0 && json.seconds >= 0);
  });
});

// Kernel facts come from the kernel's version (model/kernels.ts), never from the call a change may delete:
// a collapse that loses its only vma_start_write() is still reported.
import * as assert from 'node:assert/strict';
import { Checker } from '../../server/src/core';
import { kernelHas, parseKernelVersion, versionFromMakefile } from '../../server/src/core/model/kernels';
import { fixture, requireShared } from '../helpers';
import { readFileSync } from 'node:fs';

/**
 * The first function of the PMD-CLEAR fixture: a collapse with every walker lock but the VMA write lock, alone,
 * so that the text names no per-VMA lock API.
 */
function noVmaLock(): string {
  const { text } = fixture('protocol', 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS.c');
  return text.slice(0, text.indexOf('/* Only the mmap read lock')).replace('/* expect: PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS */', '');
}

const clearFindings = async (text: string, kernelVersion?: string) =>
  (await Checker.create({ kernelVersion })).check({ file: 'x.c', text }).findings.filter((f) => f.rule === 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS');

describe('kernel facts from the kernel version', () => {
  it('reads versions as users and Makefiles write them', () => {
    assert.deepEqual(parseKernelVersion('6.12'), { major: 6, minor: 12 });
    assert.deepEqual(parseKernelVersion('v6.1.192'), { major: 6, minor: 1 });
    assert.deepEqual(parseKernelVersion('6.12.118-1~deb12u1'), { major: 6, minor: 12 });
    assert.equal(parseKernelVersion('six'), undefined);
    assert.equal(versionFromMakefile('# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 118\nEXTRAVERSION =\n'), '6.12.118');
    assert.equal(versionFromMakefile('all:\n'), undefined);
  });

  it('decides per-VMA locks by the version: 6.4 and later have them', () => {
    assert.equal(kernelHas('perVmaLocks', '6.3', 'vma_start_write(vma);'), 'no');
    assert.equal(kernelHas('perVmaLocks', '6.4', ''), 'yes');
    assert.equal(kernelHas('perVmaLocks', '7.0', ''), 'yes');
    assert.equal(kernelHas('perVmaLocks', undefined, 'lock_vma_under_rcu(mm, addr)'), 'yes');
    assert.equal(kernelHas('perVmaLocks', undefined, 'mmap_write_lock(mm);'), 'unknown');
  });

  it('a missing VMA write lock is an error on 6.12, nothing on 6.1, and a warning that says why without a version', async () => {
    const [on612] = await clearFindings(noVmaLock(), '6.12');
    assert.equal(on612?.severity, 'error');
    assert.deepEqual(await clearFindings(noVmaLock(), '6.1'), []);
    const [unknown] = await clearFindings(noVmaLock());
    assert.equal(unknown?.severity, 'warning');
    assert.match(unknown.message, /if this kernel has per-VMA locks.*--kernel-version/);
  });

  it('a sleep under a PTE map is an error from 6.5 (RCU), nothing on 6.1 (64-bit), a warning without a version', async () => {
    const text = 'void f(struct mm_struct *mm, pmd_t *pmd, unsigned long a, struct mmu_notifier_range *r)\n{\n' +
      '\tpte_t *pte = pte_offset_map(pmd, a);\n\n\tif (!pte)\n\t\treturn;\n\tmmu_notifier_invalidate_range_end(r);\n\tpte_unmap(pte);\n}\n';
    const sleeps = async (v?: string) => (await Checker.create({ kernelVersion: v })).check({ file: 'x.c', text }).findings
      .filter((f) => f.rule === 'NO-SLEEP-IN-ATOMIC').map((f) => `${f.line} ${f.severity}`);
    assert.deepEqual(await sleeps('6.12'), ['7 error']);
    assert.deepEqual(await sleeps('6.1'), []);
    const [unknown] = (await Checker.create()).check({ file: 'x.c', text }).findings.filter((f) => f.rule === 'NO-SLEEP-IN-ATOMIC');
    assert.equal(unknown?.severity, 'warning');
    assert.match(unknown.message, /if this kernel has PTE maps in an RCU read section/);
  });

  it('takes pte_offset_map_lock() to fail only from 6.5: before it, a path that does not test it is no failure', async () => {
    // 6.1 mm/memory.c apply_to_pte_range(): one branch tests the result of pte_alloc_map_lock(), the other
    // maps with pte_offset_map_lock() and goes on without a test; both unlock at the end.
    const text = 'int f(struct mm_struct *mm, pmd_t *pmd, unsigned long a, bool create)\n{\n\tspinlock_t *ptl;\n\tpte_t *pte;\n\n' +
      '\tif (create) {\n\t\tpte = pte_alloc_map_lock(mm, pmd, a, &ptl);\n\t\tif (!pte)\n\t\t\treturn -ENOMEM;\n\t} else {\n' +
      '\t\tpte = pte_offset_map_lock(mm, pmd, a, &ptl);\n\t}\n\ttouch(pte);\n\tpte_unmap_unlock(pte, ptl);\n\treturn 0;\n}\n';
    const pairs = async (v?: string) => (await Checker.create({ kernelVersion: v })).check({ file: 'x.c', text }).findings
      .filter((f) => f.rule === 'LOCK-PAIR').map((f) => f.line);
    assert.deepEqual(await pairs('6.1'), []);
    assert.deepEqual(await pairs('6.12'), [14], 'from 6.5 the untested map may have failed, and the unlock is unpaired there');
  });

  it('takes the per-VMA lock series\' first name, vma_write_lock(), for vma_start_write()', async () => {
    const text = noVmaLock().replace('\tanon_vma_lock_write', '\tvma_write_lock(vma);\n\tanon_vma_lock_write');
    assert.deepEqual(await clearFindings(text, '6.12'), []);
  });

  it('reports the deleted only vma_start_write() of 6.12\'s collapse_huge_page() at its PMD clear', async () => {
    const text = readFileSync(requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c'), 'utf8');
    assert.equal(text.split('vma_start_write(').length, 2, 'the file calls it once');
    const mutant = text.replace('\tvma_start_write(vma);\n', '\t;\n');
    const found = await clearFindings(mutant, '6.12.117');
    assert.ok(found.some((f) => f.function === 'collapse_huge_page' && f.severity === 'error' && /pmdp_collapse_flush/.test(f.message)),
      JSON.stringify(found.map((f) => [f.function, f.line, f.message])));
    assert.deepEqual(await clearFindings(text, '6.12.117'), [], 'the released file is clean');
  });
});

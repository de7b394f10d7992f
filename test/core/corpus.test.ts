import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Checker } from '../../server/src/core';
import { requireShared } from '../helpers';

// Acceptance: every lock in the released kernels' mm/khugepaged.c is paired, so any LOCK-PAIR finding there
// is a false positive of the analysis (../shared/corpus/kernel, Debian's linux-source packages).
const KERNELS = ['khugepaged-v6.1.192.c', 'khugepaged-v6.12.117.c', 'khugepaged-v7.2.13.c'];

describe('acceptance: released kernels (../shared/corpus/kernel)', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  for (const name of KERNELS) {
    it(`${name}: no LOCK-PAIR finding, every function analysed to completion`, () => {
      const path = requireShared('corpus', 'kernel', name);
      const result = checker.check({ file: path, text: readFileSync(path, 'utf8') });
      const lockPair = result.findings.filter((f) => f.rule === 'LOCK-PAIR').map((f) => `${basename(f.file)}:${f.line} ${f.message}`);
      assert.deepEqual(lockPair, []);
      const incomplete = result.functions.filter((f) => !f.complete).map((f) => f.name);
      assert.deepEqual(incomplete, []);
      assert.ok(result.functions.length > 60, `found ${result.functions.length} functions`);
    });
  }

  it('the same analysis does find a leak once one is introduced into real code', () => {
    const path = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
    const text = readFileSync(path, 'utf8');
    // Drop the anon_vma unlock from collapse_huge_page()'s isolate-failure branch.
    const broken = text.replace(/(\t\tspin_unlock\(pmd_ptl\);\n\t\tanon_vma_unlock_write\(vma->anon_vma\);\n\t\tgoto out_up_write;)/,
      '\t\tspin_unlock(pmd_ptl);\n\t\tgoto out_up_write;');
    assert.notEqual(broken, text, 'the edit applies to the 6.12 file');
    const leaks = checker.check({ file: path, text: broken }).findings.filter((f) => f.rule === 'LOCK-PAIR');
    assert.equal(leaks.length, 1);
    assert.equal(leaks[0].function, 'collapse_huge_page');
    assert.match(leaks[0].message, /anon_vma lock 'vma->anon_vma' \(write\)/);
  });
});

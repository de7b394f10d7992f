import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { FIXTURES, expectedMarkers, fixture } from '../helpers';

describe('LOCK-PAIR on fixtures (expected findings marked in the source)', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  for (const name of readdirSync(join(FIXTURES, 'c')).filter((f) => f.endsWith('.c'))) {
    it(name, () => {
      const { path, text } = fixture('c', name);
      const found = checker.check({ file: path, text }).findings.map((f) => `${f.line}:${f.rule}`).sort();
      const expected = expectedMarkers(text).map((m) => `${m.line}:${m.rule}`).sort();
      assert.deepEqual(found, expected);
    });
  }

  it('names the lock, where it was taken, and the goto path that leaks it', () => {
    const { path, text } = fixture('c', 'leak-goto.c');
    const [leak] = checker.check({ file: path, text }).findings;
    assert.equal(leak.function, 'leaky');
    assert.equal(leak.severity, 'error');
    assert.match(leak.message, /spinlock 'l'.*spin_lock\(&l\)/);
    assert.match(leak.message, /goto out \(line 11\)/);
    const gotoNote = leak.related.find((r) => r.line === 11);
    assert.ok(gotoNote, 'relatedInformation points at the leaking goto');
    assert.match(gotoNote!.message, /still held at this goto out/);
  });

  it("is sure a caller's lock is ambiguous only when both exits return one known value", () => {
    const { path, text } = fixture('c', 'ambiguous-release.c');
    const found = checker.check({ file: path, text }).findings;
    const severityIn = (fn: string) => found.filter((f) => f.function === fn).map((f) => f.severity);
    assert.deepEqual(severityIn('same_result'), ['error']);
    assert.match(found.find((f) => f.function === 'same_result')!.message, /both returning 0: callers cannot tell/);
    assert.deepEqual(severityIn('unknown_results'), ['warning']);
    assert.match(found.find((f) => f.function === 'unknown_results')!.message, /with return values not known here: unless callers tell the paths apart/);
  });

  it('warns, not errs, of a lock held where the result is unknown and released where it says failure', () => {
    const { path, text } = fixture('c', 'returned-locks.c');
    const found = checker.check({ file: path, text }).findings;
    const guess = found.filter((f) => f.function === 'lookup_locked');
    assert.deepEqual(guess.map((f) => f.severity), ['warning']);
    assert.match(guess[0].message, /returning a value not known here, and released on another path, returning failure/);
    assert.deepEqual(found.filter((f) => f.function === 'alloc_locked_leak').map((f) => f.severity), ['error'], 'a known success value is no guess');
  });

  it('keeps checking the other functions of a file when one does not parse', () => {
    const { path, text } = fixture('c', 'kernel-idioms.c');
    const result = checker.check({ file: path, text });
    const names = result.functions.map((f) => f.name);
    assert.ok(!names.includes('broken'), 'the unparsable function is not analysed');
    assert.deepEqual(names, ['entry_macro', 'still_checked', 'ptl_pml', 'notifier_leak', 'downgrade', 'sys_shrink']);
    assert.deepEqual(result.functions.find((f) => f.name === 'sys_shrink')!.startLine, 70, 'the syscall is its body');
    assert.ok(result.functions.find((f) => f.name === 'entry_macro')!.parseProblems > 0, 'mm_slot_entry(…, struct …, …) gives an ERROR node');
    assert.ok(result.findings.some((f) => f.function === 'still_checked'));
  });

  it("keeps a finding only entries no caller makes reach, as information that names the callers' entries", () => {
    const text = [
      'static void scan(struct mm_struct *mm, bool *locked)', '{', '\tif (*locked)', '\t\treturn;', '\tmmap_read_lock(mm);',
      '\tif (work())', '\t\treturn;', '\tmmap_read_unlock(mm);', '}', '',
      'void top(struct mm_struct *mm)', '{', '\tbool locked = true;', '', '\tscan(mm, &locked);', '\tif (locked)', '\t\twork();', '}', '',
    ].join('\n');
    const found = checker.check({ file: 'contexts.c', text }).findings;
    assert.deepEqual(found.map((f) => [f.line, f.rule, f.severity]), [[5, 'LOCK-PAIR', 'info']]);
    assert.match(found[0].message, /only on entries no call in this file makes: every call of scan\(\) enters it with \*locked == true\)$/);
  });

  it("warns, not errs, of a release not taken here of a lock every caller holds (mfill_atomic_hugetlb())", () => {
    const text = [
      'static int fill_range(struct uffd_ctx *ctx, struct vm_area_struct *vma, unsigned long addr)', '{', '\tint err;', '',
      'retry:', '\tif (!vma) {', '\t\tvma = find_vma(ctx->mm, addr);', '\t\tdown_read(&ctx->map_changing_lock);', '\t}',
      '\terr = fill_one(vma, addr);', '\tup_read(&ctx->map_changing_lock);', '\tif (err == -ENOENT) {', '\t\tvma = NULL;', '\t\tgoto retry;', '\t}',
      '\treturn err;', '}', '',
      'int fill(struct uffd_ctx *ctx, struct vm_area_struct *vma, unsigned long addr)', '{', '\tdown_read(&ctx->map_changing_lock);',
      '\tfill_range(ctx, vma, addr);', '\treturn 0;', '}', '',
    ].join('\n');
    const release = checker.check({ file: 'fill.c', text }).findings.filter((f) => f.line === 11);
    assert.deepEqual(release.map((f) => [f.rule, f.severity]), [['LOCK-PAIR', 'warning']]);
    assert.match(release[0].message, /did not take it; every call of fill_range\(\) in this file holds 'ctx->map_changing_lock': on this path it is the caller's$/);
    // Called with the lock not held, the same release is an error.
    const unheld = checker.check({ file: 'fill.c', text: text.replace('\tdown_read(&ctx->map_changing_lock);\n\tfill_range', '\tfill_range') }).findings;
    assert.deepEqual(unheld.filter((f) => f.line === 11).map((f) => f.severity), ['error']);
  });

  it('reports columns and lines 1-based with an exclusive end column', () => {
    const text = 'void f(spinlock_t *l)\n{\n\tspin_lock(l);\n}\n';
    const [f] = checker.check({ file: 'x.c', text }).findings;
    void f; // held on every exit: handed to the caller, not a leak
    const leak = checker.check({ file: 'x.c', text: 'void f(spinlock_t *l, int e)\n{\n\tspin_lock(l);\n\tif (e)\n\t\treturn;\n\tspin_unlock(l);\n}\n' }).findings[0];
    assert.deepEqual([leak.line, leak.column, leak.endLine, leak.endColumn], [3, 2, 3, 14]);
  });
});

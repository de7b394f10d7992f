import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checker, FIXED_PREFIX } from '../../../server/src/core';
import { SeriesCheckCancelled } from '../../../server/src/core/review/seriesCheck';
import { FIXTURES, requireShared } from '../../helpers';

const series = (name: string) => join(FIXTURES, 'series', name);
const read = (path: string) => ({ fileName: path, text: readFileSync(path) });
const lineOf = (path: string, n: number) => readFileSync(path, 'utf8').split('\n')[n - 1];

describe('patch series checking', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  it('reports a leak on the + line of the patch that introduces it, and as fixed on the patch that removes it', () => {
    const p1 = series('0001-demo-reject-negative-samples.patch');
    const p2 = series('0002-demo-unlock-before-rejecting-a-sample.patch');
    const result = checker.series().check([read(p2), read(p1)], { baseFiles: new Map([['demo.c', series('demo-base.c')]]) });
    assert.deepEqual(result.patches.map((p) => [p.position, p.added, p.fixed]), [[0, 1, 0], [1, 0, 1]]);
    const [leak, fixed] = result.findings.filter((f) => f.rule === 'LOCK-PAIR');
    assert.equal(leak.file, p1);
    assert.equal(leak.severity, 'error');
    assert.match(lineOf(p1, leak.line), /^\+\t\treturn -EINVAL;/, 'on the added return that leaks');
    assert.match(leak.message, /spinlock 'stats_lock'.*return \(patch line \d+\)/);
    assert.ok(leak.related.some((r) => r.file?.startsWith('post-image:') && r.line === 6), 'points at the lock in the post-image');
    assert.equal(fixed.file, p2);
    assert.equal(fixed.severity, 'info');
    assert.ok(fixed.message.startsWith(FIXED_PREFIX));
    assert.equal(result.hunks.exact, 2);
  });

  it('puts a finding whose cause the patch removed on the hunk line where it was, never on the @@ header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-review-'));
    const base = join(dir, 'demo.c');
    writeFileSync(base, ['static DEFINE_SPINLOCK(l);', '', 'static void f(int v)', '{', '\tspin_lock(&l);', '\tif (v < 0) {',
      '\t\tspin_unlock(&l);', '\t\treturn;', '\t}', '\twork(v);', '\tspin_unlock(&l);', '}', ''].join('\n'));
    const bases = { baseFiles: new Map([['demo.c', base]]) };
    // The last unlock removed with one line of context: the leak starts at the lock, outside the hunk.
    const narrow = join(dir, '0001-drop-unlock.patch');
    writeFileSync(narrow, ['--- a/demo.c', '+++ b/demo.c', '@@ -10,3 +10,2 @@ static void f(int v)',
      ' \twork(v);', '-\tspin_unlock(&l);', ' }', ''].join('\n'));
    const [leak] = checker.series().check([read(narrow)], bases).findings.filter((f) => f.rule === 'LOCK-PAIR');
    assert.equal(lineOf(narrow, leak.line), ' }', 'on the context line after the removed unlock');
    assert.ok(leak.related.some((r) => r.file?.startsWith('post-image:') && r.line === 5), 'and points at the lock in the post-image');
    // With the lock inside the hunk's context, the finding is on that context line itself.
    const wide = join(dir, '0002-drop-unlock.patch');
    writeFileSync(wide, ['--- a/demo.c', '+++ b/demo.c', '@@ -5,8 +5,7 @@ static void f(int v)', ' \tspin_lock(&l);', ' \tif (v < 0) {',
      ' \t\tspin_unlock(&l);', ' \t\treturn;', ' \t}', ' \twork(v);', '-\tspin_unlock(&l);', ' }', ''].join('\n'));
    const [onLock] = checker.series().check([read(wide)], bases).findings.filter((f) => f.rule === 'LOCK-PAIR');
    assert.equal(lineOf(wide, onLock.line), ' \tspin_lock(&l);');
    assert.equal(onLock.column, 3, 'the column of the lock call, after the one-character prefix');
  });

  it('reads the same series from one mbox, the cover letter carrying no diff', () => {
    const mbx = series('demo-series.mbx');
    const result = checker.series().check([read(mbx)], { baseFiles: new Map([['*', series('demo-base.c')]]) });
    assert.deepEqual(result.patches.map((p) => [p.role, p.added, p.fixed]), [['cover', 0, 0], ['patch', 1, 0], ['patch', 0, 1]]);
    const leak = result.findings.find((f) => f.rule === 'LOCK-PAIR' && f.severity === 'error')!;
    assert.match(lineOf(mbx, leak.line), /^\+\t\treturn -EINVAL;/);
  });

  it('without a base, checks whole functions inside a hunk at lower confidence and nothing cut by the hunk edges', () => {
    const p1 = series('0001-demo-reject-negative-samples.patch');
    const result = checker.series().check([read(p1)]);
    assert.equal(result.hunks.noBase, 1);
    // The hunk holds only part of add_sample(): its lock and unlock evidence is cut, so nothing is reported.
    assert.deepEqual(result.findings.filter((f) => f.rule === 'LOCK-PAIR'), []);
    const newFile = join(FIXTURES, 'lsp', 'collapse.patch');
    const created = checker.series().check([read(newFile)]);
    assert.deepEqual(created.findings.map((f) => [f.rule, f.severity]), [['LOCK-PAIR', 'error']], 'a new file has an empty base: a full check');
  });

  it('turns unusable input into PATCH-INPUT findings and still checks the rest', () => {
    const good = readFileSync(series('0001-demo-reject-negative-samples.patch'), 'utf8');
    // A base whose add_sample() differs in every context line: the hunk cannot apply, even with fuzz 2.
    const otherBase = join(mkdtempSync(join(tmpdir(), 'mm-review-')), 'demo.c');
    writeFileSync(otherBase, readFileSync(series('demo-base.c'), 'utf8')
      .replace('s->sum += v;\n\ts->count++;', 's->total += v;\n\ts->n++;').replace('static int add_sample', 'static long add_sample'));
    // A mail with a broken patch and a good one: the broken hunk is an error, the other file is still checked.
    const twoFiles = good.replace(/(\n-- \n)/, `\n${good.slice(good.indexOf('diff --git')).split('\n-- \n')[0].replaceAll('demo.c', 'copy.c')}$1`)
      .replace(/@@ -\d+,\d+ \+\d+,\d+ @@/, '@@ -x,y +z @@');
    const broken = checker.series().check([{ fileName: 'broken.patch', text: twoFiles }],
      { baseFiles: new Map([['demo.c', series('demo-base.c')], ['copy.c', series('demo-base.c')]]) });
    assert.ok(broken.findings.some((f) => f.rule === 'PATCH-INPUT' && f.severity === 'error' && /malformed hunk header/.test(f.message)));
    assert.ok(broken.findings.some((f) => f.rule === 'LOCK-PAIR'), 'copy.c is still checked');
    const off = checker.series().check([{ fileName: 'off-base.patch', text: good }], { baseFiles: new Map([['demo.c', otherBase]]) });
    const failed = off.findings.find((f) => f.rule === 'PATCH-INPUT' && /FAILED/.test(f.message))!;
    assert.equal(failed.severity, 'error');
    assert.match(failed.message, /demo\.c: Hunk #1 FAILED: tried at base line \d+/);
    assert.equal(off.hunks.failed, 1);
  });

  it('re-uses the analysis of unchanged patches when one patch is edited', () => {
    const p1 = series('0001-demo-reject-negative-samples.patch');
    const p2 = series('0002-demo-unlock-before-rejecting-a-sample.patch');
    const seriesChecker = checker.series();
    const options = { baseFiles: new Map([['demo.c', series('demo-base.c')]]) };
    const first = seriesChecker.check([read(p1), read(p2)], options);
    const edited = readFileSync(p2, 'utf8').replace('demo: unlock before rejecting', 'demo: really unlock before rejecting');
    const second = seriesChecker.check([read(p1), { fileName: p2, text: edited }], options);
    assert.deepEqual(second.patches.map((p) => [p.added, p.fixed]), first.patches.map((p) => [p.added, p.fixed]));
    assert.deepEqual(second.findings.filter((f) => f.file === p1), first.findings.filter((f) => f.file === p1));
    assert.match(second.patches[1].subject, /really unlock/);
  });

  it('stops before the next image when told to, and the next check finishes from what it had done', () => {
    const mbx = series('demo-series.mbx');
    const base = { baseFiles: new Map([['*', series('demo-base.c')]]) };
    const seriesChecker = checker.series();
    let asked = 0;
    assert.throws(() => seriesChecker.check([read(mbx)], base, () => ++asked > 1), SeriesCheckCancelled);
    assert.equal(asked, 2, 'one image was analysed, the second was not started');
    const resumed = seriesChecker.check([read(mbx)], base);
    const fresh = checker.series().check([read(mbx)], base);
    assert.deepEqual(resumed.findings, fresh.findings);
    assert.deepEqual(resumed.patches, fresh.patches);
  });

  it('reports the same bases when a series is checked again, and applies it again against other bases', () => {
    const p1 = series('0001-demo-reject-negative-samples.patch');
    const p2 = series('0002-demo-unlock-before-rejecting-a-sample.patch');
    const seriesChecker = checker.series();
    const withBase = { baseFiles: new Map([['demo.c', series('demo-base.c')]]) };
    const first = seriesChecker.check([read(p1), read(p2)], withBase);
    const again = seriesChecker.check([read(p1), read(p2)], withBase);
    assert.deepEqual(again.patches, first.patches);
    assert.equal(first.patches[0].files[0].base, 'base-file');
    const noBase = seriesChecker.check([read(p1), read(p2)], {});
    assert.equal(noBase.patches[0].files[0].base, 'none');
    assert.equal(noBase.hunks.exact, 0, 'the patches were applied again, to no base');
  });
});

describe('acceptance: real patch mails (../shared/corpus/series)', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  it('processes every corpus patch and reply without an internal error', () => {
    const dir = requireShared('corpus', 'series');
    for (const name of readdirSync(dir)) {
      const result = checker.series().check([read(join(dir, name))]);
      assert.ok(result.patches.length > 0, name);
      assert.ok(!result.findings.some((f) => /internal error/i.test(f.message)), name);
    }
  });

  describe("Dev Jain's RFC v1 on Linux 6.12.117", () => {
    let result: ReturnType<ReturnType<Checker['series']>['check']>;
    let patch09: string;
    before(() => {
      const dir = requireShared('corpus', 'series');
      const files = readdirSync(dir).filter((f) => /^dev-jain-rfc-v1-\d\d-12\.patch$/.test(f)).map((f) => join(dir, f));
      patch09 = files.find((f) => f.endsWith('09-12.patch'))!;
      const base = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
      result = checker.series().check(files.map(read), { baseFiles: new Map([['mm/khugepaged.c', base]]) });
    });

    it('applies in order: 50 hunks with offset, 3 with fuzz, 3 failing where 6.12.y differs from mm-unstable', () => {
      assert.deepEqual(result.patches.filter((p) => p.role === 'patch').map((p) => p.position), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual({ ...result.hunks }, { exact: 0, offset: 50, fuzz: 3, failed: 3, noBase: 5 });
    });

    it('puts every finding on a code line of its patch, and a function a failed hunk was meant for at information level', () => {
      for (const f of result.findings.filter((x) => x.rule !== 'PATCH-INPUT')) {
        const line = readFileSync(f.file, 'utf8').split('\n')[f.line - 1];
        assert.match(line, /^[ +-]/, `${f.file}:${f.line} ${f.rule}: ${line}`);
      }
      // 09's hunk for __collapse_huge_page_copy_succeeded() fails on 6.12.y: what is found there is said as such.
      const copied = result.findings.filter((f) => f.file === patch09 && f.function === '__collapse_huge_page_copy_succeeded');
      assert.ok(copied.length > 0);
      for (const f of copied) {
        assert.equal(f.severity, 'info');
        assert.match(f.message, /checked without the hunk at patch line \d+, which did not apply/);
      }
    });

    it('reports the lock leaks of vma_collapse_anon_folio() on + lines of patch 09/12', () => {
      const text = readFileSync(patch09, 'utf8').split('\n');
      const leaks = result.findings.filter((f) => f.file === patch09 && f.rule === 'LOCK-PAIR' && f.function === 'vma_collapse_anon_folio');
      const what = leaks.map((f) => f.message.split(' taken here')[0]).sort();
      assert.deepEqual(what, ["PTE lock 'pte_ptl'", 'PTE map (RCU)', "anon_vma lock 'vma->anon_vma' (write)", "mmu_notifier range 'range'"]);
      for (const f of leaks) {
        assert.equal(text[f.line - 1][0], '+', `${f.message} on a + line`);
        assert.match(f.message, /goto out_up_read/);
      }
    });

    it('says which patch introduces a problem and which one fixes it', () => {
      const byPosition = new Map(result.patches.map((p) => [p.position, p]));
      // 06 restores the PMD in __collapse_huge_page_copy_failed() only `if (order == HPAGE_PMD_ORDER)`, with
      // `order` not yet a parameter of its caller; 08 keeps the mmap_lock for mTHP orders (fixed by 09).
      const in06 = result.findings.filter((f) => f.file.endsWith('06-12.patch') && f.severity === 'error').map((f) => f.rule);
      assert.ok(in06.includes('BACKOFF-RESTORES-PMD'));
      assert.ok(byPosition.get(8)!.added > 0);
      assert.ok(byPosition.get(9)!.fixed > 0);
      assert.ok(result.findings.some((f) => f.function === 'collapse_huge_page' && /callers cannot tell/.test(f.message)));
      // 07 loops back to the scan after collapse_huge_page() dropped the mmap_lock (`maybe_mmap_lock:
      // mmap_read_lock(mm); goto scan_pte_range;`) and walks to the PMD again with no exit test, on
      // khugepaged's mm, which the scan entered by trylock and which may exit in the gap.
      const in07 = result.findings.filter((f) => f.file.endsWith('07-12.patch') && f.rule !== 'PATCH-INPUT' && f.severity !== 'info');
      assert.deepEqual(in07.map((f) => [f.rule, f.severity]), [['EXIT-CHECK', 'error']]);
      // What only an entry with *mmap_locked false reaches stays visible, as information that says so.
      const entries = result.findings.filter((f) => f.file.endsWith('07-12.patch') && f.severity === 'info' && f.rule === 'LOCK-PAIR');
      assert.ok(entries.length > 0 && entries.every((f) => /enters it with \*mmap_locked == true\)$/.test(f.message)), entries.map((f) => f.message).join('\n'));
      assert.match(in07[0].message, /dropping and retaking the mmap_lock/);
      for (const k of [1, 2, 3, 4, 5, 10, 11, 12]) assert.equal(byPosition.get(k)!.added, 0, `patch ${k}`);
    });

    it('reports the protocol breaks of patch 09/12: refcount check and copy while reachable, no TLB flush or GUP-fast sync, the read-locked collapse', () => {
      const text = readFileSync(patch09, 'utf8').split('\n');
      const in09 = result.findings.filter((f) => f.file === patch09 && f.severity === 'error');
      const rules = new Set(in09.map((f) => f.rule));
      for (const rule of ['TLB-FLUSH-BEFORE-ISOLATED-USE', 'GUP-FAST-SYNC', 'REFCOUNT-CHECK-AFTER-UNREACHABLE', 'COPY-AFTER-UNREACHABLE', 'DOWNGRADE-DROPS-VMA-LOCKS']) {
        assert.ok(rules.has(rule), rule);
      }
      const refcount = in09.find((f) => f.rule === 'REFCOUNT-CHECK-AFTER-UNREACHABLE')!;
      assert.match(text[refcount.line - 1], /^\+.*__collapse_huge_page_isolate\(/);
      const copy = in09.find((f) => f.rule === 'COPY-AFTER-UNREACHABLE')!;
      assert.match(text[copy.line - 1], /^\+.*__collapse_huge_page_copy\(/);
      const downgrade = in09.find((f) => f.rule === 'DOWNGRADE-DROPS-VMA-LOCKS')!;
      assert.match(text[downgrade.line - 1], /^\+.*vma_collapse_anon_folio\(/);
      // The new folio is marked uptodate before the copy: the barrier in __folio_mark_uptodate() orders nothing.
      const early = in09.find((f) => f.rule === 'UPTODATE-BEFORE-MAP')!;
      assert.match(text[early.line - 1], /^\+\s*set_ptes\(/);
      const marked = /marked uptodate at patch line (\d+) before the copy at patch line (\d+)/.exec(early.message)!;
      assert.match(text[Number(marked[1]) - 1], /^\+\s*__folio_mark_uptodate\(folio\);/);
      assert.match(text[Number(marked[2]) - 1], /^\+.*__collapse_huge_page_copy\(/);
    });
  });

});

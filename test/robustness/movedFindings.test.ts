// When an edit moves a function without changing it, the per-function cache must move the line numbers
// written in its findings' messages ("… goto out (line 19) → return (line 24)") and in the callee summaries
// callers quote ("alloc_charge_folio() at line 1824") and in the titles of fixes ("… before this goto out
// (line 19)"), not only the findings' positions. Found by the
// incremental-equals-scratch property (cAnalysis.test.ts compares everything but the numbers inside messages;
// this test pins the numbers); fixed in the core (cad4520).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { FIXTURES } from '../helpers';

describe('robustness: line numbers in the messages of moved findings', () => {
  it('says the same after three lines are inserted above the function as a fresh analysis does', async () => {
    const checker = await Checker.create();
    const text = readFileSync(join(FIXTURES, 'lsp', 'lock-leak.c'), 'utf8');
    const doc = checker.open('lock-leak.c', text);
    const before = doc.analyze().findings.map((f) => f.message);
    assert.match(before[0], /goto out \(line 19\) → return \(line 24\)/, 'the fixture still reads as this test expects');
    assert.match(doc.analyze().findings[0].fixes?.[0].title ?? '', /before this goto out \(line 19\)/, 'a fix title quotes a line too');
    doc.edit([{ start: 0, end: 0, newText: '\n\n\n' }]);
    // Everything, fixes' titles and related notes included (a title used to keep its old "(line 19)").
    assert.deepEqual(doc.analyze().findings, checker.check({ file: 'lock-leak.c', text: doc.getText() }).findings);
    doc.dispose();
  });

  it('re-interprets no caller when only its callee moved, and quotes the callee\'s new line', async () => {
    const checker = await Checker.create();
    const text = [
      'static void helper(struct mm_struct *mm, pmd_t *pmd)', '{', '\tpmd_clear(pmd);', '}', '',
      'void caller(struct mm_struct *mm, pmd_t *pmd)', '{', '\tspinlock_t *ptl = pmd_lock(mm, pmd);', '',
      '\tspin_unlock(ptl);', '\thelper(mm, pmd);', '}', '',
    ].join('\n');
    const doc = checker.open('moved-callee.c', text);
    // The finding is on the callee's line, the caller's call a note that quotes it.
    const quoted = (r: ReturnType<typeof doc.analyze>) => {
      const f = r.findings.find((x) => x.function === 'helper');
      return f && `line ${f.line}; ${f.related[0]?.message}`;
    };
    assert.match(quoted(doc.analyze()) ?? '', /^line 3; .*pmd_clear\(\) at line 3\b/, 'on the callee\'s line, the call quotes it');
    // Two lines above helper(): both functions move, by the same amount.
    doc.edit([{ start: 0, end: 0, newText: '\n\n' }]);
    let result = doc.analyze();
    assert.deepEqual(result.functions.filter((f) => !f.cached).map((f) => f.name), []);
    assert.match(quoted(result) ?? '', /^line 5; .*pmd_clear\(\) at line 5\b/);
    // A line between them: the caller moves, its callee does not.
    const between = doc.getText().indexOf('void caller');
    doc.edit([{ start: between, end: between, newText: '\n' }]);
    result = doc.analyze();
    assert.deepEqual(result.functions.filter((f) => !f.cached).map((f) => f.name), []);
    const fresh = checker.check({ file: 'moved-callee.c', text: doc.getText() }).findings.map((f) => [f.line, f.message, f.related]);
    assert.deepEqual(result.findings.map((f) => [f.line, f.message, f.related]), fresh);
    doc.dispose();
  });
});

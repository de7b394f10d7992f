// When an edit moves a function without changing it, the per-function cache must move the line numbers
// written in its findings' messages ("… goto out (line 19) → return (line 24)") and in the callee summaries
// callers quote ("alloc_charge_folio() at line 1824"), not only the findings' positions. Found by the
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
    doc.edit([{ start: 0, end: 0, newText: '\n\n\n' }]);
    const incremental = doc.analyze().findings.map((f) => [f.line, f.message]);
    const fresh = checker.check({ file: 'lock-leak.c', text: doc.getText() }).findings.map((f) => [f.line, f.message]);
    assert.deepEqual(incremental, fresh);
    doc.dispose();
  });
});

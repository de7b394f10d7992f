// A requirement a helper cannot decide is checked at its callers. When a caller breaks it, the finding is on
// the helper's line that needs it (a sleep, a walk: the violation happens there), the caller's call a note; a
// step of the collapse's order missing before the call (the table still reachable) is the caller's, reported at
// its call with a note on the helper's line that needs it.
import * as assert from 'node:assert/strict';
import { Checker } from '../../server/src/core';
import { fixture } from '../helpers';

describe('requirements checked at a caller point at the callee line that needs them', () => {
  it('a copy in a helper, called with the table attached: the note is on the helper\'s copy', async () => {
    const { path, text } = fixture('protocol', 'COPY-AFTER-UNREACHABLE.c');
    const lines = text.split('\n');
    const findings = (await Checker.create()).check({ file: path, text }).findings
      .filter((f) => f.function === 'helper_attached' && f.rule === 'COPY-AFTER-UNREACHABLE');
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.match(lines[f.line - 1], /copy_range\(/, 'reported at the call in the caller');
    const note = f.related.find((r) => /needs it here/.test(r.message));
    assert.ok(note, JSON.stringify(f.related));
    assert.match(lines[note.line - 1], /copy_mc_user_highpage\(/, 'the note is on the copy in copy_range()');
    assert.equal(lines[note.line - 1].slice(note.column - 1, note.endColumn - 1), 'copy_mc_user_highpage');
  });

  it('a walk in a helper, called after a trylock without the exit test: on the helper\'s walk, the call as a note', async () => {
    const { path, text } = fixture('protocol', 'EXIT-CHECK.c');
    const lines = text.split('\n');
    const findings = (await Checker.create()).check({ file: path, text }).findings.filter((f) => f.rule === 'EXIT-CHECK' && f.function === 'scan_pmd');
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.match(lines[f.line - 1], /mm_find_pmd\(/, 'on the walk in scan_pmd()');
    assert.match(f.related[0].message, /^helper_no_exit_test\(\) calls scan_pmd\(\) \(mm_find_pmd\(\) at line \d+\) here$/);
    assert.match(lines[f.related[0].line - 1], /scan_pmd\(mm, addr\)/, 'the note is on the call');
  });

  it('a requirement decided in the function itself has no such note', async () => {
    const { path, text } = fixture('protocol', 'COPY-AFTER-UNREACHABLE.c');
    const own = (await Checker.create()).check({ file: path, text }).findings.filter((f) => f.function === 'copy_then_clear');
    assert.ok(own.length > 0);
    assert.ok(own.every((f) => f.related.every((r) => !/needs it here/.test(r.message))));
  });
});

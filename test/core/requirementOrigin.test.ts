// A requirement a helper cannot decide is checked at its callers; when a caller breaks it, the finding at the
// caller's call carries a note on the helper's line that needs it, which the reviewer can open.
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

  it('a requirement decided in the function itself has no such note', async () => {
    const { path, text } = fixture('protocol', 'COPY-AFTER-UNREACHABLE.c');
    const own = (await Checker.create()).check({ file: path, text }).findings.filter((f) => f.function === 'copy_then_clear');
    assert.ok(own.length > 0);
    assert.ok(own.every((f) => f.related.every((r) => !/needs it here/.test(r.message))));
  });
});

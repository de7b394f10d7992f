// The patch input layer and the series check never throw and never hang: mutations of every real mail and
// fixture (truncation, byte flips, dropped and duplicated lines, corrupted hunk headers, invalid UTF-8), with
// and without a base, and hand-made hostile patches.
import * as assert from 'node:assert/strict';
import { hostilePatchTexts } from './generators';
import { describeFailures, runFuzzPlan } from './harness';

describe('robustness: patches and series', function () {
  this.timeout(120_000);

  it('survives 40 mutated mails and patches, and the whole series with one patch mutated', async () => {
    const report = await runFuzzPlan({ suite: 'patch-mutations', seed: 1125, count: 40, timeLimitMs: 100 });
    assert.equal(describeFailures(report), '');
    assert.equal(report.outcomes.length, 40 + 2);
  });

  it('survives hostile patches: huge counts, 200k added lines, 2000 files, NUL bytes, invalid UTF-8', async () => {
    const report = await runFuzzPlan({ suite: 'patch-hostile', timeLimitMs: 500 });
    assert.equal(describeFailures(report), '');
    assert.equal(report.outcomes.length, 2 * hostilePatchTexts().length);
  });
});

// The adaptive debounce (server/src/lsp/debouncePolicy.ts): the wait after an edit follows the document's recent
// check times, never below the mmReview.debounceMs floor and never above the cap unless the floor is higher.
import * as assert from 'node:assert/strict';
import { ADAPTIVE_DEBOUNCE, CheckTimes, adaptiveDelay } from '../../server/src/lsp/debouncePolicy';

describe('adaptive debounce', () => {
  it('uses the floor until a check time is known, and while checks are fast', () => {
    assert.equal(adaptiveDelay([], 150), 150);
    assert.equal(adaptiveDelay([3, 5, 8, 4], 150), 150);
  });

  it('waits 1.2 × the 90th percentile of recent check times when that is above the floor', () => {
    // Ten samples: the nearest-rank p90 is the 9th smallest (400), not the maximum (900).
    const times = [100, 120, 130, 140, 150, 160, 170, 180, 400, 900];
    assert.equal(adaptiveDelay(times, 150), 480);
    assert.equal(adaptiveDelay([500], 150), 600);
  });

  it('is capped, but a floor above the cap wins', () => {
    assert.equal(adaptiveDelay([5000, 6000], 150), ADAPTIVE_DEBOUNCE.capMs);
    assert.equal(adaptiveDelay([5000, 6000], 3000), 3000);
    assert.equal(adaptiveDelay([1], 3000), 3000);
  });

  it('remembers a window of recent times per document, so a slow past is forgotten', () => {
    const times = new CheckTimes({ ...ADAPTIVE_DEBOUNCE, window: 3 });
    times.record('a', 800);
    assert.equal(times.delayFor('a', 100), 960);
    assert.equal(times.delayFor('b', 100), 100, 'another document keeps its own history');
    for (let i = 0; i < 3; i++) times.record('a', 10);
    assert.deepEqual(times.recent('a'), [10, 10, 10]);
    assert.equal(times.delayFor('a', 100), 100);
    times.record('a', 800);
    times.forget('a');
    assert.equal(times.delayFor('a', 100), 100);
  });
});

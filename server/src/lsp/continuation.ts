// Analysis in slices. The time budget (mmReview.analysisTimeLimitMs) stops a check, but the core keeps every
// function that check finished, so checking the same text again continues where it stopped: the next slice
// starts after the editor's queued messages had their turn. A document slower than one budget (a cold start
// on a busy machine, a huge file) then still ends up fully checked, without freezing the editor for its whole
// analysis; a single function that does not fit in one budget never finishes, and keeps its ANALYSIS-LIMIT
// notice once a slice makes no progress.
import type { CheckResult } from '../core';

/**
 * Functions a check left unfinished because of the clock: incomplete, yet within the state budget (a function
 * stopped by the state limit has explored one state more than allowed, and would stop there again).
 */
export function functionsCutByTime(result: CheckResult | undefined, maxStatesPerFunction: number): number {
  return result?.functions.filter((f) => !f.complete && f.statesVisited <= maxStatesPerFunction).length ?? 0;
}

export class Continuations {
  private readonly last = new Map<string, { version: number; unfinished: number }>();

  /**
   * Whether to check the document again at once: its check of `version` left `unfinished` functions to the
   * clock, and fewer than the previous slice of the same version did (or this is the first slice).
   */
  shouldContinue(uri: string, version: number, unfinished: number): boolean {
    const previous = this.last.get(uri);
    const progressed = previous === undefined || previous.version !== version || unfinished < previous.unfinished;
    if (unfinished > 0 && progressed) {
      this.last.set(uri, { version, unfinished });
      return true;
    }
    this.last.delete(uri);
    return false;
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}

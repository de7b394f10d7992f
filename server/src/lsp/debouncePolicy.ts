// How long to wait after an edit before checking a document again, set from how long its recent checks took
// (clangd's DebouncePolicy does the same with rebuild times: the median of the last 15, times a ratio, clamped
// to [50 ms, 500 ms]). Analysis is synchronous: a check that starts while the user is still typing blocks the
// server, and every keystroke behind it, for the whole check. Waiting at least about as long as a check takes
// means a check mostly starts in a real pause. We take the 90th percentile rather than clangd's median because
// the cost of a check varies more here: most edits re-interpret one small function, a few re-run a caller with
// tens of thousands of states (see docs/benchmarks.md), and it is the slow ones that block typing.

export interface DebouncePolicy {
  /** The delay is this multiple of the percentile below. */
  ratio: number;
  /** Which percentile of the recent check times to scale (0.9 = p90, nearest rank). */
  percentile: number;
  /** Check times remembered per document (the most recent ones). */
  window: number;
  /** Upper bound of the adaptive delay; a configured floor above it still wins. */
  capMs: number;
}

export const ADAPTIVE_DEBOUNCE: Readonly<DebouncePolicy> = Object.freeze({ ratio: 1.2, percentile: 0.9, window: 15, capMs: 1000 });

/**
 * The delay for a document whose recent checks took `recentMs`: `ratio` × the percentile, at least `floorMs`
 * (the `mmReview.debounceMs` setting) and at most `capMs` unless the floor itself is higher. Without history
 * the floor is used.
 */
export function adaptiveDelay(recentMs: readonly number[], floorMs: number, policy: DebouncePolicy = ADAPTIVE_DEBOUNCE): number {
  if (recentMs.length === 0) return floorMs;
  const sorted = [...recentMs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(policy.percentile * sorted.length));
  const target = Math.round(policy.ratio * sorted[rank - 1]);
  return Math.max(floorMs, Math.min(target, policy.capMs));
}

/** The recent check times of each open document, and the delay they call for. */
export class CheckTimes {
  private readonly byUri = new Map<string, number[]>();

  constructor(private readonly policy: DebouncePolicy = ADAPTIVE_DEBOUNCE) {}

  record(uri: string, ms: number): void {
    const times = this.byUri.get(uri) ?? [];
    times.push(ms);
    if (times.length > this.policy.window) times.splice(0, times.length - this.policy.window);
    this.byUri.set(uri, times);
  }

  recent(uri: string): readonly number[] {
    return this.byUri.get(uri) ?? [];
  }

  delayFor(uri: string, floorMs: number): number {
    return adaptiveDelay(this.recent(uri), floorMs, this.policy);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}

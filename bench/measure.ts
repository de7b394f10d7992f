// Timing and summary helpers shared by the benchmarks.

/** Wall time of `f` in milliseconds, with its result. */
export function timed<T>(f: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = f();
  return { ms: performance.now() - started, value };
}

export async function timedAsync<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await f();
  return { ms: performance.now() - started, value };
}

/** Nearest-rank percentile (p in 0..1) of a non-empty sample. */
export function percentile(sample: readonly number[], p: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function median(sample: readonly number[]): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Distribution {
  median: number;
  p95: number;
  max: number;
  samples: number;
}

export function distribution(sample: readonly number[]): Distribution {
  return { median: round(median(sample)), p95: round(percentile(sample, 0.95)), max: round(Math.max(...sample)), samples: sample.length };
}

/** Milliseconds to two decimals (three significant figures are all a 2-core box can stand behind). */
export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** a / b to two decimals, or null when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

/** Progress on stderr, so stdout stays one JSON object with --json. */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

// Runs SPIN on an exported Promela model: spin -a → gcc pan.c → ./pan, in a fresh temporary directory.
// Needs `spin` (Debian package `spin`) and a C compiler on the PATH.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SpinResult {
  /** 'violation': an assertion failed or an invalid end state (deadlock) was found. */
  verdict: 'violation' | 'none' | 'incomplete';
  statesStored: number;
  /** Time of the verification run (./pan) alone, and of generation + compilation. */
  seconds: number;
  buildSeconds: number;
  /** pan's report, for error messages. */
  output: string;
}

/** True when `spin` can be started. */
export async function spinAvailable(): Promise<boolean> {
  try {
    await run('spin', ['-V']);
    return true;
  } catch {
    return false;
  }
}

export interface SpinOptions {
  /** pan's search depth limit (-m); default 100 000. */
  maxDepth?: number;
  /** C optimisation level for pan.c; default '-O0' (the models are small: compiling dominates, 0.3 s vs 1.7 s). */
  optimize?: string;
  /** Only generate and compile the verifier (a syntax check); the verdict is then 'incomplete'. */
  compileOnly?: boolean;
}

export async function runSpin(model: string, options: SpinOptions = {}): Promise<SpinResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-review-spin-'));
  try {
    const buildStart = Date.now();
    await writeFile(join(dir, 'model.pml'), model);
    await run('spin', ['-a', 'model.pml'], { cwd: dir });
    await run('gcc', [options.optimize ?? '-O0', '-DSAFETY', '-w', '-o', 'pan', 'pan.c'], { cwd: dir });
    const buildSeconds = (Date.now() - buildStart) / 1000;
    if (options.compileOnly) return { verdict: 'incomplete', statesStored: 0, seconds: 0, buildSeconds, output: '' };
    const start = Date.now();
    // pan exits with 0 whether or not it found errors; the verdict is in its report.
    const { stdout } = await run('./pan', [`-m${options.maxDepth ?? 100_000}`, '-n'], { cwd: dir, maxBuffer: 16 << 20 });
    const seconds = (Date.now() - start) / 1000;
    const errors = Number(/errors: (\d+)/.exec(stdout)?.[1] ?? NaN);
    const statesStored = Number(/(\d+) states, stored/.exec(stdout)?.[1] ?? 0);
    const truncated = /depth too small|out of memory/i.test(stdout);
    const verdict = Number.isNaN(errors) || (errors === 0 && truncated) ? 'incomplete' : errors > 0 ? 'violation' : 'none';
    return { verdict, statesStored, seconds, buildSeconds, output: stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

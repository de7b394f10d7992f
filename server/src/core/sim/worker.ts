// Runs a simulation in a worker thread so that the language server stays responsive, with progress messages and
// cancellation.
//
// Where the worker script comes from:
// - tsc output (tests, `out/`): this very file, out/server/src/core/sim/worker.js. Loading it in a worker thread
//   starts the simulation (see the call at the bottom); loading it on the main thread does nothing.
// - esbuild bundle: add an entry for this file next to the server bundle, e.g.
//     { in: 'server/src/core/sim/worker.ts', out: 'sim-worker.js' }
//   (dist/sim-worker.js). `runSimulationInWorker` looks for `sim-worker.js` next to the running script first.
//   A bundler that names it differently calls `setSimulationWorkerScript(path)` once at start-up. The bundled
//   server must not fall back to spawning itself, so without either it throws a clear error.
//
// Cancellation: the AbortSignal sets a flag in shared memory that the search polls every 64 states; the worker
// then answers with an `incomplete` result carrying the coverage reached. If it has not answered 80 ms after the
// abort (e.g. still starting), it is terminated and the wrapper resolves with an `incomplete` result itself.

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Scenario } from './scenario';
import { SearchOptions, SearchProgress, SimulationResult, simulate } from './search';

const WORKER_KIND = 'mm-review-simulation';
const CANCEL_GRACE_MS = 80;

/** Search options that can cross the thread boundary (no callbacks, no AbortSignal). */
export type WorkerSearchOptions = Omit<SearchOptions, 'onProgress' | 'signal' | 'shouldStop'>;

interface WorkerRequest {
  kind: typeof WORKER_KIND;
  scenario: Scenario;
  options: WorkerSearchOptions;
  /** Int32 flag: non-zero = cancel. */
  cancel: SharedArrayBuffer;
}

type WorkerReply =
  | { type: 'progress'; progress: SearchProgress }
  | { type: 'result'; result: SimulationResult }
  | { type: 'error'; message: string };

/** The worker thread's entry point: runs the requested search and posts progress and the result. */
export function startSimulationWorker(): void {
  const request = workerData as WorkerRequest | undefined;
  if (isMainThread || !parentPort || request?.kind !== WORKER_KIND) return;
  const port = parentPort;
  const cancelled = new Int32Array(request.cancel);
  try {
    const result = simulate(request.scenario, {
      ...request.options,
      shouldStop: () => Atomics.load(cancelled, 0) !== 0,
      onProgress: (progress) => port.postMessage({ type: 'progress', progress } satisfies WorkerReply),
    });
    port.postMessage({ type: 'result', result } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
}

let configuredScript: string | undefined;

/** Tells the wrapper where the worker script is (bundles that do not use dist/sim-worker.js). */
export function setSimulationWorkerScript(path: string): void {
  configuredScript = path;
}

export function simulationWorkerScript(): string {
  if (configuredScript) return configuredScript;
  const bundled = join(__dirname, 'sim-worker.js');
  if (existsSync(bundled)) return bundled;
  if (basename(__filename) === 'worker.js') return __filename;
  throw new Error(`mm-review: simulation worker script not found (expected ${bundled}); ` +
    'bundle server/src/core/sim/worker.ts as sim-worker.js or call setSimulationWorkerScript()');
}

function cancelledResult(last: SearchProgress | undefined, started: number): SimulationResult {
  return {
    verdict: 'incomplete',
    statesExplored: last?.statesExplored ?? 0,
    seconds: (Date.now() - started) / 1000,
    violations: [],
    coverage: { reason: 'cancelled', depthCompleted: last?.depth ?? 0, statesQueued: last?.statesQueued ?? 0, opsReached: {} },
  };
}

/** Runs `simulate(scenario, options)` in a worker thread. */
export function runSimulationInWorker(scenario: Scenario, options: WorkerSearchOptions = {},
  onProgress?: (progress: SearchProgress) => void, signal?: AbortSignal): Promise<SimulationResult> {
  const started = Date.now();
  if (signal?.aborted) return Promise.resolve(cancelledResult(undefined, started));
  return new Promise((resolve, reject) => {
    const cancel = new SharedArrayBuffer(4);
    const request: WorkerRequest = { kind: WORKER_KIND, scenario, options, cancel };
    const worker = new Worker(simulationWorkerScript(), { workerData: request });
    let last: SearchProgress | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
      finish();
      void worker.terminate();
    };
    const onAbort = () => {
      Atomics.store(new Int32Array(cancel), 0, 1);
      graceTimer = setTimeout(() => settle(() => resolve(cancelledResult(last, started))), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') {
        last = reply.progress;
        onProgress?.(reply.progress);
      } else if (reply.type === 'result') {
        settle(() => resolve(reply.result));
      } else {
        settle(() => reject(new Error(`simulation failed: ${reply.message}`)));
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`simulation worker exited with code ${code}`))));
  });
}

startSimulationWorker();

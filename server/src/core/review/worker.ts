// Checks patch series in a worker thread, so that a language server keeps answering while a series is
// checked: Dev Jain's 12-patch RFC takes seconds (docs/benchmarks.md), all of it synchronous analysis. One
// long-lived worker keeps a SeriesChecker per document, so an edit of patch k re-analyses only the images
// from patch k on, as it would in process.
//
// Where the worker script comes from (as for the simulator's, sim/worker.ts): dist/series-worker.js next to
// the bundled server, or this very file when running from tsc's output (tests).

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AnalysisOptions } from '../analysis';
import type { FunctionSummary } from '../check/summary';
import { Checker } from '../index';
import type { BaseOptions } from './baseResolver';
import { SeriesCheckCancelled, type SeriesChecker, type SeriesCheckInput, type SeriesCheckResult } from './seriesCheck';

const WORKER_KIND = 'mm-review-series';

type Request =
  /** `cancel`: an Int32 flag the server sets when a newer version of the document makes this check stale. */
  | { type: 'check'; n: number; document: string; inputs: SeriesCheckInput[]; base: BaseOptions; cancel: SharedArrayBuffer }
  | { type: 'forget'; document: string }
  /** The lock contracts of a kernel tree's headers (Checker.summariesOfKernelTree): seconds of analysis. */
  | { type: 'headers'; n: number; tree: string };

type Reply =
  | { type: 'result'; n: number; result: SeriesCheckResult }
  | { type: 'headers'; n: number; summaries: Map<string, FunctionSummary> | undefined }
  | { type: 'cancelled'; n: number }
  | { type: 'error'; n: number; message: string };

/** The worker thread's side: one Checker with the options it was started with, a SeriesChecker per document. */
export function startSeriesWorker(): void {
  const data = workerData as { kind?: string; options?: AnalysisOptions } | undefined;
  if (isMainThread || !parentPort || data?.kind !== WORKER_KIND) return;
  const port = parentPort;
  const checker = Checker.create(data.options ?? {});
  const series = new Map<string, SeriesChecker>();
  port.on('message', (request: Request) => {
    if (request.type === 'forget') {
      series.delete(request.document);
      return;
    }
    if (request.type === 'headers') {
      void checker.then((c) => port.postMessage({ type: 'headers', n: request.n, summaries: c.summariesOfKernelTree(request.tree) } satisfies Reply))
        .catch((e: unknown) => port.postMessage({ type: 'error', n: request.n, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies Reply));
      return;
    }
    const cancelled = new Int32Array(request.cancel);
    void checker.then((c) => {
      let checkerOfDocument = series.get(request.document);
      if (!checkerOfDocument) series.set(request.document, (checkerOfDocument = c.series()));
      const result = checkerOfDocument.check(request.inputs, request.base, () => Atomics.load(cancelled, 0) !== 0);
      port.postMessage({ type: 'result', n: request.n, result } satisfies Reply);
    }).catch((e: unknown) => {
      if (e instanceof SeriesCheckCancelled) {
        port.postMessage({ type: 'cancelled', n: request.n } satisfies Reply);
        return;
      }
      // The series checker may be half-way through; start the document afresh next time.
      series.delete(request.document);
      port.postMessage({ type: 'error', n: request.n, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies Reply);
    });
  });
}

/**
 * The server's side: checks answered in order of request; a crashed worker is replaced at the next check.
 * A check resolves to its result, or to `undefined` when it was cancelled.
 */
export class SeriesWorker {
  private worker: Worker | undefined;
  private requests = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply | undefined) => void; reject: (e: Error) => void }>();
  /** The cancel flags of the checks in flight, by document. */
  private readonly cancelFlags = new Map<string, Set<Int32Array>>();

  constructor(private readonly options: AnalysisOptions, private readonly script = seriesWorkerScript()) {}

  /** The series check of `inputs` for `document` (its earlier checks are reused); undefined if cancelled. */
  check(document: string, inputs: SeriesCheckInput[], base: BaseOptions): Promise<SeriesCheckResult | undefined> {
    const n = ++this.requests;
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const flags = this.cancelFlags.get(document) ?? new Set();
    this.cancelFlags.set(document, flags.add(flag));
    const done = () => {
      flags.delete(flag);
      if (flags.size === 0 && this.cancelFlags.get(document) === flags) this.cancelFlags.delete(document);
    };
    return this.request({ type: 'check', n, document, inputs, base, cancel })
      .then((reply) => reply?.type === 'result' ? reply.result : undefined).finally(done);
  }

  /**
   * What the functions of `tree`'s include/linux/*.h do to their callers' locks, read in the worker thread
   * (seconds of analysis the server's thread does not wait for); undefined when the tree has no headers.
   */
  async headerSummaries(tree: string): Promise<Map<string, FunctionSummary> | undefined> {
    const reply = await this.request({ type: 'headers', n: ++this.requests, tree });
    return reply?.type === 'headers' ? reply.summaries : undefined;
  }

  private request(request: Request & { n: number }): Promise<Reply | undefined> {
    return new Promise<Reply | undefined>((resolve, reject) => {
      this.pending.set(request.n, { resolve, reject });
      this.started().postMessage(request);
    });
  }

  /**
   * Stops the checks of `document` in flight or queued (a newer version makes them stale): each stops before
   * its next image and resolves to undefined; what it finished stays cached in the worker.
   */
  cancel(document: string): void {
    for (const flag of this.cancelFlags.get(document) ?? []) Atomics.store(flag, 0, 1);
  }

  /** Drops what the worker keeps for `document` (closed). */
  forget(document: string): void {
    this.worker?.postMessage({ type: 'forget', document } satisfies Request);
  }

  /** Stops the thread; the checks in flight are cancelled (they resolve to undefined). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const request of this.pending.values()) request.resolve(undefined);
    this.pending.clear();
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { kind: WORKER_KIND, options: this.options } });
    worker.unref(); // an idle worker does not keep the process alive
    worker.on('message', (reply: Reply) => {
      const request = this.pending.get(reply.n);
      this.pending.delete(reply.n);
      if (reply.type === 'error') request?.reject(new Error(reply.message));
      else if (reply.type === 'cancelled') request?.resolve(undefined);
      else request?.resolve(reply);
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(new Error(`the series worker ${why}`));
    };
    worker.on('error', (e) => lost(`failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

export function seriesWorkerScript(): string {
  const bundled = join(__dirname, 'series-worker.js');
  if (existsSync(bundled)) return bundled;
  if (basename(__filename) === 'worker.js') return __filename;
  throw new Error(`mm-review: series worker script not found (expected ${bundled}); bundle server/src/core/review/worker.ts as series-worker.js`);
}

startSeriesWorker();

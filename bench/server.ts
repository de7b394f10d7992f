// The real language server (dist/server.js over stdio, as editors start it): cold start to the first
// diagnostics of a kernel file, and its memory with the whole RFC series open as one mbox against a kernel
// tree, before and after an edit.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { documentStatsRequest } from '../server/src/lsp-ext';
import { LspTestClient } from '../test/lsp/lspTestClient';
import { devJainSeries, EDITED_FILE, kernelPath, kernelText, SERIES_BASE, seriesMbox } from './corpus';
import { median, progress, round, timedAsync } from './measure';

export interface ColdStart {
  file: string;
  runs: number;
  /** Process start to the initialize response (grammar loaded). */
  spawnToInitializeMs: number;
  /** Process start to the first publishDiagnostics of the opened file (the user's wait). */
  spawnToDiagnosticsMs: number;
  /**
   * Process start to diagnostics without time-budget notices: later than the first when the first run hit
   * mmReview.analysisTimeLimitMs and the server continued in further runs (continuation.ts).
   */
  spawnToCompleteMs: number;
  /** Runs (publications) it took, at most over the runs measured. */
  slices: number;
  /** The first check's own figures from mmReview/documentStats. */
  parseMs: number;
  analyzeMs: number;
  analysisLimitNotices: number;
  rssAfterCheckMB: number;
}

export interface SeriesInServer {
  messages: number;
  rssAfterInitializeMB: number;
  /** didOpen of the mbox to its diagnostics. */
  openToDiagnosticsMs: number;
  /**
   * A hover on a small C file sent right after the mbox was opened, to its answer: the series is checked in
   * a worker thread, so the server answers meanwhile (before the worker, it waited for the whole check).
   */
  hoverDuringSeriesCheckMs: number;
  rssWithSeriesOpenMB: number;
  /** One character typed into patch 5 to the diagnostics of that version. */
  editToDiagnosticsMs: number;
  rssAfterEditMB: number;
  /** VmHWM: the largest resident size the process reached. */
  peakRssMB: number;
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number | undefined): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: round(kb('VmRSS') / 1024), peakMB: round(kb('VmHWM') / 1024) };
}

export async function coldStart(runs: number): Promise<ColdStart> {
  const text = kernelText(EDITED_FILE);
  const samples: { init: number; diagnostics: number; complete: number; slices: number; parseMs: number; analyzeMs: number; notices: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`server cold start ${i + 1}/${runs}: spawn, initialize, open ${EDITED_FILE}, first diagnostics`);
    const started = performance.now();
    const client = LspTestClient.start();
    try {
      await client.initialize();
      const init = performance.now() - started;
      const uri = pathToFileURL(kernelPath(EDITED_FILE)).href;
      await client.open(uri, 'c', text);
      const published = await client.waitForDiagnostics(uri, (p) => p.version === 1, 0, 60_000);
      const diagnostics = performance.now() - started;
      const stats = await client.connection.sendRequest(documentStatsRequest, { uri });
      const limitNotices = (p: typeof published) => p.diagnostics.filter((d) => d.code === 'ANALYSIS-LIMIT').length;
      await client.waitForDiagnostics(uri, (p) => limitNotices(p) === 0, 0, 60_000);
      samples.push({
        init, diagnostics, complete: performance.now() - started, slices: client.published.filter((p) => p.uri === uri).length,
        parseMs: stats?.parseMs ?? NaN, analyzeMs: stats?.analyzeMs ?? NaN, notices: limitNotices(published), rss: memoryOf(client.pid).rssMB,
      });
      await client.shutdownAndExit();
    } finally {
      client.kill();
    }
  }
  const typical = [...samples].sort((a, b) => a.diagnostics - b.diagnostics)[samples.length >> 1];
  return {
    file: EDITED_FILE, runs, spawnToInitializeMs: round(median(samples.map((s) => s.init))),
    spawnToDiagnosticsMs: round(median(samples.map((s) => s.diagnostics))),
    spawnToCompleteMs: round(median(samples.map((s) => s.complete))), slices: Math.max(...samples.map((s) => s.slices)),
    parseMs: typical.parseMs, analyzeMs: typical.analyzeMs, analysisLimitNotices: Math.max(...samples.map((s) => s.notices)),
    rssAfterCheckMB: typical.rss,
  };
}

export async function seriesInServer(): Promise<SeriesInServer> {
  // A throwaway kernel tree (mm/ and include/linux/ make it one) and the mbox, outside the repository.
  const dir = mkdtempSync(join(tmpdir(), 'mm-review-bench-'));
  const client = LspTestClient.start();
  try {
    mkdirSync(join(dir, 'tree', 'mm'), { recursive: true });
    mkdirSync(join(dir, 'tree', 'include', 'linux'), { recursive: true });
    cpSync(kernelPath(SERIES_BASE), join(dir, 'tree', 'mm', 'khugepaged.c'));
    const patches = devJainSeries();
    const mbox = seriesMbox(patches);
    const mboxPath = join(dir, 'dev-jain-rfc-v1.mbx');
    writeFileSync(mboxPath, mbox);
    client.settings = { kernelTree: join(dir, 'tree') };
    await client.initialize();
    const afterInit = memoryOf(client.pid);
    const uri = pathToFileURL(mboxPath).href;
    const cUri = pathToFileURL(join(dir, 'lock.c')).href;
    const cText = 'static spinlock_t l;\n\nvoid f(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}\n';
    await client.open(cUri, 'c', cText);
    await client.waitForDiagnostics(cUri, () => true);
    progress('server: the RFC series open as one mbox, and a hover on a C file meanwhile');
    let hoverMs = NaN;
    const open = await timedAsync(async () => {
      await client.open(uri, 'diff', mbox);
      hoverMs = (await timedAsync(() => client.connection.sendRequest(HoverRequest.type,
        { textDocument: { uri: cUri }, position: { line: 4, character: 2 } }))).ms;
      await client.waitForDiagnostics(uri, (p) => p.version === 1, 0, 120_000);
    });
    const withSeries = memoryOf(client.pid);
    progress('server: one character typed into patch 5 of the mbox');
    const line = editLineOfPatch5(mbox);
    const edit = await timedAsync(async () => {
      await client.change(uri, 2, [{ range: { start: { line, character: 1 }, end: { line, character: 1 } }, text: ' ' }]);
      await client.waitForDiagnostics(uri, (p) => p.version === 2, 0, 120_000);
    });
    const afterEdit = memoryOf(client.pid);
    await client.shutdownAndExit();
    return {
      messages: patches.length, rssAfterInitializeMB: afterInit.rssMB, openToDiagnosticsMs: round(open.ms), hoverDuringSeriesCheckMs: round(hoverMs),
      rssWithSeriesOpenMB: withSeries.rssMB, editToDiagnosticsMs: round(edit.ms), rssAfterEditMB: afterEdit.rssMB,
      peakRssMB: afterEdit.peakMB,
    };
  } finally {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 0-based line of the first added line of mm/khugepaged.c in patch 05 of the mbox. */
function editLineOfPatch5(mbox: string): number {
  const lines = mbox.split('\n');
  const subject = lines.findIndex((l) => l.startsWith('Subject: [RFC PATCH 05/12]'));
  const diff = lines.findIndex((l, i) => i > subject && l.startsWith('diff --git a/mm/khugepaged.c'));
  return lines.findIndex((l, i) => i > diff && l.startsWith('+') && !l.startsWith('+++'));
}

// `npm run bench`: every figure of docs/benchmarks.md, measured in one run on this machine, printed as a table,
// or with `--json` as one JSON object on stdout (progress goes to stderr). Each section is guarded: a section
// that fails is reported under `errors` and the others still run.
import { cpus, loadavg, totalmem } from 'node:os';
import { anchors, type AnchorResult } from './anchors';
import { EDITED_FILE, KERNEL_FILES, requireCorpus, SERIES_BASE } from './corpus';
import { incrementalEdits, type IncrementalResult } from './incremental';
import { checkKernelFiles, type KernelFileCheck } from './kernelChecks';
import { progress, ratio } from './measure';
import { parseFloor, type ParseFloor } from './parseFloor';
import { renderTable } from './report';
import { checkSeries, type SeriesResult } from './series';
import { coldStart, seriesInServer, type ColdStart, type SeriesInServer } from './server';
import { simulatorBench, type SimulatorResult } from './simulator';

/** Edit sites per file in the incremental benchmark (a character typed, then deleted, at each). */
const EDIT_SITES = 60;
/** A short function of EDITED_FILE (7 lines): what a re-check costs when the edited function is cheap. */
const SHORT_FUNCTION = 'khugepaged_enter_vma';
/**
 * Patches edited in the series re-check: the first, one in the middle, the last whose hunks all apply, and
 * the selftest (no base).
 */
const EDITED_PATCHES = [1, 5, 10, 12];

export interface BenchResult {
  machine: {
    cpuModel: string; cores: number; memoryGB: number; node: string; platform: string; date: string;
    /** 1-minute load average before and after the run: other work on the machine shows up here. */
    loadAverage: { before: number; after: number };
  };
  /** Server process start to the first diagnostics of the ~3,000-line kernel file. */
  coldCheckMs: number | null;
  /**
   * The headline incremental figure: EDITED_FILE, edit + analyze, for a character typed into the code (the
   * function is interpreted again); `undoMs` for deleting it again, `layout` for a blank typed instead.
   */
  incrementalEditMs: (IncrementalSummary & { layout: IncrementalSummary | null }) | null;
  simStatesPerSec: number | null;
  coldStart: ColdStart | null;
  kernelFiles: KernelFileCheck[] | null;
  incremental: IncrementalResult[] | null;
  /** Re-parse with no edit: the floor under a whole-file re-parse of a kernel file (bench/parseFloor.ts). */
  parseFloor: ParseFloor[] | null;
  series: SeriesResult | null;
  server: SeriesInServer | null;
  simulator: SimulatorResult | null;
  anchors: AnchorResult | null;
  ratios: Record<string, number | null>;
  errors: Record<string, string>;
  benchSeconds: number;
}

type IncrementalSummary = IncrementalResult['total'] & {
  parseMs: IncrementalResult['parse']; analyzeMs: IncrementalResult['analyze']; undoMs: IncrementalResult['undo']; file: string;
};

const summaryOf = (i: IncrementalResult): IncrementalSummary => ({ ...i.total, parseMs: i.parse, analyzeMs: i.analyze, undoMs: i.undo, file: i.file });

async function section<T>(name: string, errors: Record<string, string>, run: () => Promise<T> | T): Promise<T | null> {
  try {
    return await run();
  } catch (e) {
    errors[name] = e instanceof Error ? e.stack ?? e.message : String(e);
    progress(`${name} FAILED: ${errors[name].split('\n')[0]}`);
    return null;
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const started = performance.now();
  const loadBefore = loadavg()[0];
  requireCorpus();
  const errors: Record<string, string> = {};
  // The server's cold start first, before this process has warmed the disk cache for anything else it reads.
  const cold = await section('coldStart', errors, () => coldStart(3));
  const kernelFiles = await section('kernelFiles', errors, () => checkKernelFiles(3));
  const incremental = await section('incremental', errors, async () =>
    [await incrementalEdits(EDITED_FILE, 'layout', EDIT_SITES, 1), await incrementalEdits(EDITED_FILE, 'code', EDIT_SITES, 1),
      await incrementalEdits(SERIES_BASE, 'layout', EDIT_SITES, 2), await incrementalEdits(SERIES_BASE, 'code', EDIT_SITES, 2),
      await incrementalEdits(EDITED_FILE, 'layout', EDIT_SITES, 3, SHORT_FUNCTION), await incrementalEdits(EDITED_FILE, 'code', EDIT_SITES, 3, SHORT_FUNCTION)]);
  const floor = await section('parseFloor', errors, () => parseFloor(KERNEL_FILES, 5));
  const shipped = await section('series', errors, () => checkSeries(EDITED_PATCHES));
  const server = await section('server', errors, () => seriesInServer());
  const simulator = await section('simulator', errors, () => simulatorBench());
  const anchorResult = await section('anchors', errors, () => anchors());

  const headline = incremental?.find((i) => i.file === EDITED_FILE && i.kind === 'code' && !i.function);
  const layout = incremental?.find((i) => i.file === EDITED_FILE && i.kind === 'layout' && !i.function);
  const editedFloor = floor?.find((f) => f.file === EDITED_FILE);
  const kernel = (file: string) => kernelFiles?.find((k) => k.file === file);
  const recheck = shipped?.recheck.map((k) => k.editMs) ?? [];
  const result: BenchResult = {
    machine: {
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30),
      node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString().slice(0, 10),
      loadAverage: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadavg()[0] * 100) / 100 },
    },
    coldCheckMs: cold?.spawnToDiagnosticsMs ?? null,
    incrementalEditMs: headline ? { ...summaryOf(headline), layout: layout ? summaryOf(layout) : null } : null,
    simStatesPerSec: simulator?.statesPerSec ?? null,
    coldStart: cold, kernelFiles, incremental, parseFloor: floor, series: shipped, server, simulator,
    anchors: anchorResult,
    ratios: {
      'incremental code edit median / full check (same file)': ratio(headline?.total.median, headline?.fullCheckMs),
      'incremental code edit p95 / full check (same file)': ratio(headline?.total.p95, headline?.fullCheckMs),
      'incremental layout edit median / full check (same file)': ratio(layout?.total.median, layout?.fullCheckMs),
      'incremental code edit: parse median / total median': ratio(headline?.parse.median, headline?.total.median),
      [`re-parse without an edit: ${EDITED_FILE} / clean C of the same size`]: ratio(editedFloor?.reparseMs, editedFloor?.clean.reparseMs),
      'cold start to diagnostics / in-process full check (same file)': ratio(cold?.spawnToDiagnosticsMs, kernel(EDITED_FILE)?.medianMs),
      'series re-check after an edit (median over patches) / full series check': ratio(recheck.length ? [...recheck].sort((a, b) => a - b)[recheck.length >> 1] : null, shipped?.fullCheckMs),
      'series full check / full check of its base file': ratio(shipped?.fullCheckMs, kernel(SERIES_BASE)?.medianMs),
      'mm-review / checkpatch.pl on the 12 patches': anchorResult?.series.ratio ?? null,
      [`mm-review / checkpatch.pl -f on ${EDITED_FILE}`]: anchorResult?.kernelFiles.find((k) => k.input === EDITED_FILE)?.ratio ?? null,
    },
    errors,
    benchSeconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${renderTable(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});

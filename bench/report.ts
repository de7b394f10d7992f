// The human-readable table of `npm run bench` (the --json output carries the same figures).
import type { BenchResult } from './main';

export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '–' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

const ms = (n: number | null | undefined) => (n == null ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n} ms`);
const x = (n: number | null | undefined) => (n == null ? '–' : `${n}×`);

export function renderTable(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`mm-review benchmarks: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, ${m.date} (${r.benchSeconds} s; ` +
    `load average ${m.loadAverage.before} before, ${m.loadAverage.after} after)`);
  if (r.coldStart) {
    const c = r.coldStart;
    out.push('', `Cold start: node dist/server.js --stdio, open ${c.file} (median of ${c.runs})`,
      table(['step', 'time'], [
        ['spawn → initialize response', ms(c.spawnToInitializeMs)],
        ['spawn → first diagnostics (coldCheckMs)', ms(c.spawnToDiagnosticsMs)],
        ['  of which parse / analysis (first check)', `${ms(c.parseMs)} / ${ms(c.analyzeMs)}`],
        ['ANALYSIS-LIMIT notices on the first check (worst run)', c.analysisLimitNotices],
        ['spawn → diagnostics without time-budget notices', `${ms(c.spawnToCompleteMs)} (${c.slices} run${c.slices > 1 ? 's' : ''} at most)`],
        ['server RSS after the first check', `${c.rssAfterCheckMB} MB`],
      ]));
  }
  if (r.kernelFiles) {
    out.push('', 'Full check of each real kernel file (in process: Checker.check, no cache)',
      table(['file', 'lines', 'functions', 'states', 'findings', 'first', 'median', 'parse', 'analysis'],
        r.kernelFiles.map((k) => [k.file, k.lines, k.functions, k.statesExplored, k.findings, ms(k.firstMs), ms(k.medianMs), ms(k.parseMs), ms(k.analyzeMs)])));
  }
  if (r.incremental) {
    out.push('', `Re-check after a one-character edit inside one function (CDocument.edit + analyze; ${r.incremental[0]?.total.samples} sites per file, a character typed, then deleted)`,
      table(['file', 'edit', 'full check', 'typed: median', 'p95', 'max', 'parse median/p95', 'function parsed alone', 'analysis median/p95', 'median / full', 'deleted: median', 'p95'],
        r.incremental.map((i) => [i.function ? `${i.file}, ${i.function}() only` : i.file, i.kind, ms(i.fullCheckMs), ms(i.total.median), ms(i.total.p95), ms(i.total.max),
          `${i.parse.median} / ${i.parse.p95} ms`, `${i.functionOnlyParses} of ${i.total.samples}`, `${i.analyze.median} / ${i.analyze.p95} ms`, x(Math.round((i.total.median / i.fullCheckMs) * 1000) / 1000),
          ms(i.undo.median), ms(i.undo.p95)])));
    out.push('  layout: a space typed before a statement\'s \';\' (cached results moved); code: an \'x\' typed at the end of its last identifier (function interpreted again);',
      '  deleted: the character deleted again, which brings back the text of two runs before (its results are kept)');
    for (const i of r.incremental.filter((x) => !x.function && x.kind === 'code')) {
      out.push(`  slowest in ${i.file}: ${i.slowest.map((s) => `${s.function}() ${ms(s.ms)} (re-ran ${s.reinterpreted.join(', ')})`).join('; ')}`);
    }
  }
  if (r.parseFloor) {
    out.push('', 'Re-parse with the previous tree and no edit at all: the floor under a whole-file re-parse (subtrees holding ERROR/MISSING nodes are re-parsed each time)',
      table(['file', 'top-level items', 'with parse errors', 'full parse', 're-parse, no edit', 'clean C, same size: full', 're-parse, no edit', 'ratio'],
        r.parseFloor.map((f) => [f.file, f.topLevelItems, f.itemsWithErrors, ms(f.fullParseMs), ms(f.reparseMs), ms(f.clean.fullParseMs), ms(f.clean.reparseMs),
          x(Math.round((f.reparseMs / f.clean.reparseMs) * 10) / 10)])));
  }
  if (r.series) {
    const s = r.series;
    out.push('', `Dev Jain RFC v1 series: ${s.messages} messages against 6.12.117 (in process, SeriesChecker); ${s.findings} findings; hunks ${JSON.stringify(s.hunks)}`,
      table(['check', 'time'], [
        ['full check of the series', ms(s.fullCheckMs)],
        ...s.recheck.map((k) => [`re-check after an edit in patch ${k.patch} / after undoing it`, `${ms(k.editMs)} / ${ms(k.revertMs)}`]),
      ]));
  }
  if (r.server) {
    const s = r.server;
    out.push('', `Server with the series open (one ${s.messages}-message mbox, base from a kernel tree)`,
      table(['', 'time', 'RSS'], [
        ['after initialize', '', `${s.rssAfterInitializeMB} MB`],
        ['open → diagnostics', ms(s.openToDiagnosticsMs), `${s.rssWithSeriesOpenMB} MB`],
        ['a hover on a C file sent during that check → its answer', ms(s.hoverDuringSeriesCheckMs), ''],
        ['one character typed in patch 5 → diagnostics', ms(s.editToDiagnosticsMs), `${s.rssAfterEditMB} MB`],
        ['peak (VmHWM)', '', `${s.peakRssMB} MB`],
      ]));
  }
  if (r.simulator) {
    const s = r.simulator;
    out.push('', `Simulator: time to verdict (default budgets; extraction of collapse_huge_page() from C took ${ms(s.extractMs)})`,
      table(['scenario', 'verdict', 'states', 'time', 'states/s'],
        [...s.scenarios, s.sustained].map((t) => [t.scenario, t.verdict + (t.rules.length ? ` (${t.rules.join(', ')})` : ''), t.states, ms(t.ms), t.statesPerSec])));
    out.push(`  simStatesPerSec (sustained, the last row): ${s.statesPerSec}`);
    if (s.spin) {
      out.push('', 'SPIN on the exported Promela model (spin -a, gcc -O0, ./pan) vs the simulator',
        table(['scenario', 'verdict', 'states stored', 'spin+gcc', 'pan', 'simulator', 'pan / simulator'],
          s.spin.map((p) => [p.scenario, p.verdict, p.statesStored, ms(p.buildMs), ms(p.verifyMs), ms(p.simulatorMs), x(Math.round((p.verifyMs / p.simulatorMs) * 100) / 100)])));
    }
  }
  if (r.anchors) {
    const a = r.anchors;
    out.push('', `Anchor: ${a.checkpatch ?? `no checkpatch.pl (${a.checkpatchMissing})`}; whole processes on both sides`,
      table(['input', 'mm-review check', 'checkpatch.pl', 'mm-review / checkpatch'],
        [a.series, ...a.kernelFiles].map((row) => [row.input, ms(row.mmReviewCliMs), ms(row.checkpatchMs), x(row.ratio)])));
    if (a.series.checkpatchPerPatchMedianMs != null) out.push(`  checkpatch.pl on one patch (median of the 12): ${ms(a.series.checkpatchPerPatchMedianMs)}`);
  }
  out.push('', 'Ratios', table(['ratio', 'value'], Object.entries(r.ratios).map(([k, v]) => [k, x(v)])));
  for (const [section, error] of Object.entries(r.errors)) out.push(`  ${section}: FAILED: ${error}`);
  return out.join('\n');
}

// The re-check after a one-character edit inside one function, as the editor does it: CDocument.edit (the
// syntax tree is edited, not rebuilt) then analyze (incremental re-parse; only functions whose text or callee
// summaries changed are interpreted again). Edit sites are drawn with a seeded PRNG, each function weighted by
// its length as a user's edits would be; each site gets a space typed before a statement's ';' and then
// deleted again: two one-character edits that leave the code's meaning alone, so every sample measures the
// machinery rather than a new finding.
import { Checker, type CheckResult } from '../server/src/core';
import { prng } from '../test/robustness/generators';
import { kernelText } from './corpus';
import { distribution, progress, round, timed, type Distribution } from './measure';

export interface EditSample {
  function: string;
  totalMs: number;
  parseMs: number;
  analyzeMs: number;
  /** Functions interpreted again (the edited one, and callers whose callee summary or text changed). */
  reinterpreted: string[];
}

export interface IncrementalResult {
  file: string;
  /** Set when every edit went into this one function (a short one: the cost of a re-check around it). */
  function?: string;
  fullCheckMs: number;
  /** edit + analyze, wall time. */
  total: Distribution;
  parse: Distribution;
  analyze: Distribution;
  /** The slowest samples: which function was edited and what was interpreted again. */
  slowest: { function: string; ms: number; reinterpreted: string[] }[];
}

interface Site {
  function: string;
  /** UTF-16 offset of a statement's ';' inside the function body. */
  offset: number;
}

function editSites(text: string, result: CheckResult, count: number, seed: number, onlyFunction?: string): Site[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lines = text.split('\n');
  // Statement lines (ending in ';') strictly inside each function, each line one ticket: longer functions
  // are edited more often.
  const tickets: Site[] = [];
  for (const f of result.functions.filter((x) => !onlyFunction || x.name === onlyFunction)) {
    for (let row = f.startLine; row < f.endLine - 1; row++) {
      const semicolon = lines[row].lastIndexOf(';');
      if (semicolon > 0 && /;\s*$/.test(lines[row])) tickets.push({ function: f.name, offset: lineStarts[row] + semicolon });
    }
  }
  const random = prng(seed);
  return Array.from({ length: count }, () => random.pick(tickets));
}

export async function incrementalEdits(file: string, sites: number, seed: number, onlyFunction?: string): Promise<IncrementalResult> {
  progress(`incremental edits in ${file}${onlyFunction ? `, ${onlyFunction}() only` : ''} (${sites} sites, 2 edits each)`);
  const checker = await Checker.create();
  const text = kernelText(file);
  const doc = checker.open(file, text);
  const full = timed(() => doc.analyze());
  const samples: EditSample[] = [];
  const measure = (site: Site, edit: { start: number; end: number; newText: string }) => {
    const run = timed(() => {
      doc.edit([edit]);
      return doc.analyze();
    });
    samples.push({
      function: site.function, totalMs: run.ms, parseMs: run.value.parseMs, analyzeMs: run.value.analyzeMs,
      reinterpreted: run.value.functions.filter((f) => !f.cached).map((f) => f.name),
    });
  };
  for (const site of editSites(text, full.value, sites, seed, onlyFunction)) {
    measure(site, { start: site.offset, end: site.offset, newText: ' ' });
    measure(site, { start: site.offset, end: site.offset + 1, newText: '' });
  }
  doc.dispose();
  const slowest = [...samples].sort((a, b) => b.totalMs - a.totalMs).slice(0, 3)
    .map((s) => ({ function: s.function, ms: round(s.totalMs), reinterpreted: s.reinterpreted }));
  return {
    file, ...(onlyFunction ? { function: onlyFunction } : {}), fullCheckMs: round(full.ms),
    total: distribution(samples.map((s) => s.totalMs)),
    parse: distribution(samples.map((s) => s.parseMs)),
    analyze: distribution(samples.map((s) => s.analyzeMs)),
    slowest,
  };
}

// The re-check after a one-character edit inside one function, as the editor does it: CDocument.edit (the
// syntax tree is edited, not rebuilt) then analyze (incremental re-parse; only functions whose code or callee
// summaries changed are interpreted again). Edit sites are statements, drawn with a seeded PRNG, each function
// weighted by its length as a user's edits would be. Each site gets a character typed, then deleted again (an
// undo, measured apart: the document is back to the text of two runs before, whose results the analysis keeps).
// The edits are of one of two kinds:
// - 'layout': a space typed before the statement's ';' and deleted again. The function's layout changes, not
//   its code: it keeps its cached results, moved (server/src/core/moves.ts).
// - 'code': an 'x' typed at the end of the statement's last identifier (`spin_unlock(ptlx);`) and deleted
//   again. The code changes: the function is interpreted again, and so are callers its summary changes for.
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
  /** Whether the edited function alone was re-parsed (server/src/core/parse/overlays.ts), not the file. */
  functionOnly: boolean;
}

export type EditKind = 'layout' | 'code';

export interface IncrementalResult {
  file: string;
  kind: EditKind;
  /** Set when every edit went into this one function (a short one: the cost of a re-check around it). */
  function?: string;
  fullCheckMs: number;
  /** The typed character: edit + analyze, wall time, and its parse and analysis. */
  total: Distribution;
  parse: Distribution;
  analyze: Distribution;
  /** Deleting it again: edit + analyze, wall time. */
  undo: Distribution;
  /** Typed characters for which only the edited function was re-parsed, not the whole file. */
  functionOnlyParses: number;
  /** The slowest samples: which function was edited and what was interpreted again. */
  slowest: { function: string; ms: number; reinterpreted: string[] }[];
}

interface Site {
  function: string;
  /** UTF-16 offset of a statement's ';' inside the function body. */
  offset: number;
  /** UTF-16 offset just past the statement's last identifier. */
  identifierEnd: number;
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
      const identifier = /[A-Za-z_]\w*(?=\W*;\s*$)/.exec(lines[row]);
      if (semicolon > 0 && /;\s*$/.test(lines[row]) && identifier) {
        tickets.push({ function: f.name, offset: lineStarts[row] + semicolon, identifierEnd: lineStarts[row] + identifier.index + identifier[0].length });
      }
    }
  }
  const random = prng(seed);
  return Array.from({ length: count }, () => random.pick(tickets));
}

export async function incrementalEdits(file: string, kind: EditKind, sites: number, seed: number, onlyFunction?: string): Promise<IncrementalResult> {
  progress(`${kind} edits in ${file}${onlyFunction ? `, ${onlyFunction}() only` : ''} (${sites} sites, typed and undone)`);
  const checker = await Checker.create();
  const text = kernelText(file);
  const doc = checker.open(file, text);
  const full = timed(() => doc.analyze());
  const samples: EditSample[] = [];
  const undos: EditSample[] = [];
  const measure = (samples: EditSample[], site: Site, edit: { start: number; end: number; newText: string }) => {
    const run = timed(() => {
      doc.edit([edit]);
      return doc.analyze();
    });
    samples.push({
      function: site.function, totalMs: run.ms, parseMs: run.value.parseMs, analyzeMs: run.value.analyzeMs,
      reinterpreted: run.value.functions.filter((f) => !f.cached).map((f) => f.name),
      functionOnly: run.value.reparsed === 'function',
    });
  };
  for (const site of editSites(text, full.value, sites, seed, onlyFunction)) {
    const at = kind === 'layout' ? site.offset : site.identifierEnd;
    measure(samples, site, { start: at, end: at, newText: kind === 'layout' ? ' ' : 'x' });
    measure(undos, site, { start: at, end: at + 1, newText: '' });
  }
  doc.dispose();
  const slowest = [...samples].sort((a, b) => b.totalMs - a.totalMs).slice(0, 3)
    .map((s) => ({ function: s.function, ms: round(s.totalMs), reinterpreted: s.reinterpreted }));
  return {
    file, kind, ...(onlyFunction ? { function: onlyFunction } : {}), fullCheckMs: round(full.ms),
    total: distribution(samples.map((s) => s.totalMs)),
    parse: distribution(samples.map((s) => s.parseMs)),
    analyze: distribution(samples.map((s) => s.analyzeMs)),
    undo: distribution(undos.map((s) => s.totalMs)),
    functionOnlyParses: samples.filter((s) => s.functionOnly).length,
    slowest,
  };
}

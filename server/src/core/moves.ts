// Where the cached results of a function go after an edit that did not change what the analysis reads.
//
// The per-function cache (analysis.ts) re-uses a function's findings, call sites and summary when its text is
// unchanged (it may have moved), or when only its layout changed: a space typed before a ';', an indent, a
// comment edited. Both keep every token and every line break of the function, so the parse, the CFG and the
// interpretation are the same up to columns; the positions in the cached results are carried over here instead
// of interpreting the function again (early cutoff, as incremental build systems do it).
import { sameSpan } from './cfg/expr';
import type { Span } from './cfg/types';
import type { CallSiteRecord } from './check/protocolTracker';
import type { FunctionSummary } from './check/summary';
import type { Finding, SourceRange } from './findings';
import { layoutOrigins } from './parse/layout';

export interface Position {
  row: number;
  column: number;
}

/** Maps 0-based positions of a function's previous text into its current text. */
export interface FunctionMove {
  oldStartRow: number;
  oldEndRow: number;
  /** The positions do not change (the function neither moved nor changed). */
  identity: boolean;
  /** `edge`: whether the position starts or ends a range (a blank typed between two tokens moves one, not the other). */
  position(p: Position, edge: 'start' | 'end'): Position;
  /** Where a row went (a line number quoted in a message). */
  row(row: number): number;
}

/** The function moved by whole lines, its text unchanged. */
export function movedBy(oldStartRow: number, oldEndRow: number, rows: number): FunctionMove {
  return {
    oldStartRow, oldEndRow, identity: rows === 0,
    position: (p) => (rows === 0 ? p : { row: p.row + rows, column: p.column }),
    row: (r) => r + rows,
  };
}

/**
 * The function's text changed from `oldText` (starting at `oldStart`) to `newText` (at `newStart`), with the
 * same codeLayout: every token character of the old text has its twin in the new one, on the same row of the
 * function. A range keeps its first and last characters; a position between tokens goes with the next token
 * (a start) or the previous one (an end).
 */
export function relaidOut(oldText: string, oldStart: Position, newText: string, newStart: Position): FunctionMove {
  const { layout: oldLayout, origins: before } = layoutOrigins(oldText);
  const { layout: newLayout, origins: after } = layoutOrigins(newText);
  if (oldLayout !== newLayout) throw new Error('relaidOut: the layouts differ');
  const oldLines = lineStarts(oldText);
  const newLines = lineStarts(newText);
  const rows = newStart.row - oldStart.row;
  return {
    oldStartRow: oldStart.row,
    oldEndRow: oldStart.row + oldLines.length - 1,
    identity: false,
    position: (p, edge) => {
      const line = p.row - oldStart.row;
      const offset = oldLines[Math.max(0, Math.min(line, oldLines.length - 1))] + p.column - (line === 0 ? oldStart.column : 0);
      let moved: number;
      if (edge === 'start') {
        const k = firstAtOrAfter(before, offset);
        moved = k < after.length ? after[k] : newText.length;
      } else {
        const k = firstAtOrAfter(before, offset) - 1;
        moved = k >= 0 ? after[k] + 1 : 0;
      }
      const row = firstAtOrAfter(newLines, moved + 1) - 1; // the last line starting at or before it
      return { row: newStart.row + row, column: moved - newLines[row] + (row === 0 ? newStart.column : 0) };
    },
    row: (r) => r + rows,
  };
}

/** The index of the first element of the sorted `values` that is at least `x` (`values.length` if none). */
function firstAtOrAfter(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Where every function of the previous text is now; positions outside them stay where they are. */
export class DocumentMoves {
  private readonly functions: FunctionMove[] = [];

  add(move: FunctionMove): void {
    this.functions.push(move);
  }

  private at(row: number): FunctionMove | undefined {
    return this.functions.find((m) => m.oldStartRow <= row && row <= m.oldEndRow);
  }

  position(p: Position, edge: 'start' | 'end'): Position {
    return this.at(p.row)?.position(p, edge) ?? p;
  }

  /** A 1-based line number as messages quote it ("line 1150"). */
  line(line: number): number {
    return (this.at(line - 1)?.row(line - 1) ?? line - 1) + 1;
  }

  /** A message with every "line N" it quotes moved. */
  message(text: string): string {
    return text.replace(/\bline (\d+)/g, (_m, n: string) => `line ${this.line(Number(n))}`);
  }
}

function moveRange<R extends SourceRange>(r: R, move: (p: Position, edge: 'start' | 'end') => Position): R {
  const start = move({ row: r.line - 1, column: r.column - 1 }, 'start');
  const end = move({ row: r.endLine - 1, column: r.endColumn - 1 }, 'end');
  return { ...r, line: start.row + 1, column: start.column + 1, endLine: end.row + 1, endColumn: end.column + 1 };
}

function moveSpan(s: Span, move: (p: Position, edge: 'start' | 'end') => Position): Span {
  const start = move({ row: s.startRow, column: s.startColumn }, 'start');
  const end = move({ row: s.endRow, column: s.endColumn }, 'end');
  return { startRow: start.row, startColumn: start.column, endRow: end.row, endColumn: end.column };
}

const sameRange = (a: SourceRange, b: SourceRange) => a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;

/** A function's findings, after it moved as `own` says and the document's other functions as `moves` says. */
export function moveFindings(findings: Finding[], own: FunctionMove, moves: DocumentMoves): Finding[] {
  return findings.map((f) => {
    // Every text that quotes a line moves with it: the message, the related notes' messages and the fixes'
    // titles ("Add spin_unlock(&l) before this goto out (line 11)").
    const message = moves.message(f.message);
    const related = f.related.map((r) => {
      const text = r.file ? r.message : moves.message(r.message); // a note in another file quotes its lines
      const at = r.file ? r : moveRange(r, (p, edge) => moves.position(p, edge));
      return text === r.message ? at : { ...at, message: text };
    });
    const titles = f.fixes?.map((x) => moves.message(x.title));
    const sameTexts = message === f.message && (titles ?? []).every((t, i) => t === f.fixes![i].title);
    // A finding the function's analysis puts in a callee (its odd outcome, lockPair.ts) moves with the callee.
    const inside = f.line - 1 >= own.oldStartRow && f.line - 1 <= own.oldEndRow;
    const position: FunctionMove['position'] = inside ? own.position : (p, edge) => moves.position(p, edge);
    const range = moveRange(f, position);
    const samePlace = inside ? own.identity : sameRange(range, f);
    if (samePlace && sameTexts && related.every((r, i) => sameRange(r, f.related[i]) && r.message === f.related[i].message)) return f;
    return {
      ...range, message, related,
      ...(f.fixes ? { fixes: f.fixes.map((x, i) => ({ ...x, title: titles![i], before: moveRange(x.before, position) })) } : {}),
    };
  });
}

export function moveCallSites(sites: CallSiteRecord[], own: FunctionMove): CallSiteRecord[] {
  return own.identity ? sites : sites.map((c) => ({ ...c, site: moveSpan(c.site, own.position) }));
}

/**
 * The line numbers a summary's requirements quote ("pmdp_collapse_flush() at line 1150"), after a move; the
 * same summary when no line moved.
 */
export function moveSummary(summary: FunctionSummary | undefined, moves: DocumentMoves): FunctionSummary | undefined {
  if (!summary) return summary;
  let moved = false;
  const requires = summary.requires.map((r) => {
    const via = moves.message(r.via);
    const site = moveSpan(r.origin.site, (p, edge) => moves.position(p, edge));
    const same = via === r.via && sameSpan(site, r.origin.site);
    moved ||= !same;
    return same ? r : { ...r, via, origin: { ...r.origin, site } };
  });
  const expects = summary.expects.map((c) => {
    const site = moveSpan(c.origin.site, (p, edge) => moves.position(p, edge));
    const same = sameSpan(site, c.origin.site);
    moved ||= !same;
    return same ? c : { ...c, origin: { ...c.origin, site } };
  });
  const outcomes = summary.outcomes.map((o) => {
    const exitSite = o.exit && moveSpan(o.exit.site, (p, edge) => moves.position(p, edge));
    const sameExit = !o.exit || sameSpan(exitSite!, o.exit.site);
    const effects = o.effects.map((e) => {
      if (!e.origin) return e;
      const site = moveSpan(e.origin.site, (p, edge) => moves.position(p, edge));
      return sameSpan(site, e.origin.site) ? e : { ...e, origin: { ...e.origin, site } };
    });
    const sameEffects = effects.every((e, i) => e === o.effects[i]);
    moved ||= !sameExit || !sameEffects;
    return sameExit && sameEffects ? o : { ...o, effects, ...(o.exit ? { exit: { ...o.exit, site: exitSite! } } : {}) };
  });
  return moved ? { ...summary, requires, expects, outcomes } : summary;
}

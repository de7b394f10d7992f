// The outline (document symbols) of an open document. For a patch or series: series → patch → file →
// function, each patch named with how many findings it adds and fixes, so a reviewer sees at a glance
// whether the series is bisectable. For C: its functions, with their finding counts.
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { FunctionReport, SeriesCheckResult } from '../core';

export function seriesOutline(series: SeriesCheckResult, lineCount: number): DocumentSymbol[] {
  const patches = series.patches.map((p): DocumentSymbol => {
    const range = lines(p.startLine, p.endLine);
    const label = p.role === 'cover' ? 'cover letter' : p.role === 'review' ? 'review' : `#${p.position}`;
    return {
      name: `${label} ${p.subject || p.fileName}`,
      detail: p.role === 'cover' ? '' : `+${p.added} / fixed ${p.fixed}`,
      kind: p.role === 'cover' ? SymbolKind.String : SymbolKind.Module,
      range, selectionRange: lines(p.startLine, p.startLine),
      children: p.files.map((f): DocumentSymbol => {
        const at = lines(f.headerLine, f.headerLine);
        return {
          name: f.path, detail: `${f.status}${f.base !== 'none' ? `, base: ${f.base}` : ''}`, kind: SymbolKind.File,
          range: clamp(at, range), selectionRange: clamp(at, range),
          children: f.functions.map((fn): DocumentSymbol => ({
            name: fn.name, detail: `+${fn.added} / fixed ${fn.fixed}`, kind: SymbolKind.Function,
            range: clamp(at, range), selectionRange: clamp(at, range),
          })),
        };
      }),
    };
  });
  const added = series.patches.reduce((n, p) => n + p.added, 0);
  const fixed = series.patches.reduce((n, p) => n + p.fixed, 0);
  const h = series.hunks;
  return [{
    name: 'series', kind: SymbolKind.Package,
    detail: `+${added} / fixed ${fixed}; hunks ${h.exact} exact, ${h.offset} offset, ${h.fuzz} fuzz, ${h.failed} failed, ${h.noBase} no base`,
    range: lines(1, Math.max(1, lineCount)), selectionRange: lines(1, 1), children: patches,
  }];
}

export function functionOutline(functions: FunctionReport[]): DocumentSymbol[] {
  return functions.map((f) => ({
    name: f.name,
    detail: f.findings.length === 0 ? '' : `${f.findings.length} finding${f.findings.length === 1 ? '' : 's'}`,
    kind: SymbolKind.Function,
    range: lines(f.startLine, f.endLine),
    selectionRange: lines(f.startLine, f.startLine),
  }));
}

function lines(first: number, last: number): Range {
  return { start: { line: Math.max(0, first - 1), character: 0 }, end: { line: Math.max(0, last - 1), character: 0 } };
}

/** A child's range must lie inside its parent's. */
function clamp(r: Range, outer: Range): Range {
  const line = Math.min(Math.max(r.start.line, outer.start.line), outer.end.line);
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

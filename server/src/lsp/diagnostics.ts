// Core findings → LSP diagnostics. The only place that knows both shapes: 1-based inclusive-start /
// exclusive-end columns become 0-based LSP ranges, the rule ID becomes the diagnostic code with a link to its
// documentation page, and the user's per-rule severity overrides are applied (or the finding dropped).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range,
} from 'vscode-languageserver';
import type { Finding, SourceRange } from '../core';
import { ruleDocPath } from '../core';
import type { MmReviewSettings } from './settings';

export const DIAGNOSTIC_SOURCE = 'mm-review';

const SEVERITY: Record<'error' | 'warning' | 'info', DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function findingsToDiagnostics(findings: Finding[], documentUri: string, settings: MmReviewSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const severity = settings.severity[f.rule] ?? f.severity;
    if (severity === 'off') continue;
    const href = ruleDocHref(f.rule);
    out.push({
      range: toRange(f),
      severity: SEVERITY[severity],
      code: f.rule,
      ...(href ? { codeDescription: { href } } : {}),
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
      relatedInformation: f.related.map((r): DiagnosticRelatedInformation => ({
        location: { uri: r.file ? toUri(r.file) : documentUri, range: toRange(r) },
        message: r.message,
      })),
      // Quick fixes travel with the diagnostic, so the code action needs no second analysis.
      ...(f.fixes?.length ? { data: { fixes: f.fixes } } : {}),
    });
  }
  return out;
}

/** A document-level notice (too large, analysis failed, patch not supported yet) on the first line. */
export function noticeDiagnostic(message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message,
  };
}

export function toRange(r: SourceRange): Range {
  return {
    start: { line: Math.max(0, r.line - 1), character: Math.max(0, r.column - 1) },
    end: { line: Math.max(0, r.endLine - 1), character: Math.max(0, r.endColumn - 1) },
  };
}

/** Findings name their file as the server opened it: already a URI, or (from other tools) a path. */
function toUri(file: string): string {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) && !/^[a-zA-Z]:[\\/]/.test(file) ? file : pathToFileURL(file).href;
}

const docHrefs = new Map<string, string | undefined>();

/** file: URL of docs/rules/<ID>.md; none for a rule without a page, since a dead link helps nobody. */
function ruleDocHref(rule: string): string | undefined {
  if (!docHrefs.has(rule)) {
    const path = ruleDocPath(rule);
    docHrefs.set(rule, existsSync(path) ? pathToFileURL(path).href : undefined);
  }
  return docHrefs.get(rule);
}

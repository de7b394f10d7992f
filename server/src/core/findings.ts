// Findings are the one result type of the analysis core: plain data, 1-based lines and columns, so the CLI,
// the language server, the tests and the benchmarks all consume the same thing (STYLE.md lesson 2).

export type Severity = 'error' | 'warning' | 'info';

/** A place in a document, 1-based like compiler output. `endColumn` is exclusive. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedLocation extends SourceRange {
  /** Document the location lies in; the finding's own file when absent. */
  file?: string;
  message: string;
}

export interface Finding extends SourceRange {
  file: string;
  severity: Severity;
  /** A rule ID of ../shared/PROTOCOL.md §7, verbatim (e.g. LOCK-PAIR), or an analysis notice (ANALYSIS-LIMIT). */
  rule: string;
  message: string;
  /** The C function the finding is in; empty for file-level findings. */
  function: string;
  related: RelatedLocation[];
  /** Mechanical, safe edits that fix the finding (offered as quick fixes; never applied by mm-review itself). */
  fixes?: FindingFix[];
}

/**
 * A fix as plain data: insert `text` as a new statement on its own line just before the statement at
 * `before` (the editor layer indents it like that statement).
 */
export interface FindingFix {
  title: string;
  before: SourceRange;
  text: string;
}

/** Stable order for output and comparisons: by position, then rule, then message. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
    a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);
}

// The analysis core's public API. Nothing under core/ imports an editor module (a test enforces it): the CLI,
// the language server, the tests and the benchmarks all call these functions and get plain data back.
import { CDocument, type CheckResult } from './document';
import type { AnalysisOptions } from './analysis';
import { loadCParser, type CParser } from './parse/parser';

export type { Finding, Severity, RelatedLocation, SourceRange } from './findings';
export type { CheckResult, TextEdit } from './document';
export type { FunctionReport, AnalysisOptions } from './analysis';
export { CDocument } from './document';
export { compareFindings } from './findings';
export { describeLockCall } from './model/describe';
export { RULES, ruleDocPath } from './rules';

export interface CheckInput {
  /** The document's name as findings should report it (a path or a URI). */
  file: string;
  text: string;
}

export class Checker {
  private constructor(private readonly parser: CParser, private readonly options: AnalysisOptions) {}

  static async create(options: AnalysisOptions = {}): Promise<Checker> {
    return new Checker(await loadCParser(), options);
  }

  /** One-shot check of a C text. */
  check(input: CheckInput): CheckResult {
    const doc = this.open(input.file, input.text);
    try {
      return doc.analyze();
    } finally {
      doc.dispose();
    }
  }

  /** A document to keep open and edit: re-checks reuse the previous tree and per-function results. */
  open(file: string, text: string): CDocument {
    return new CDocument(this.parser, file, text, this.options);
  }
}

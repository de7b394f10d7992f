// A C document kept parsed between edits: each edit is applied to the text and to the previous syntax tree
// (tree.edit), and the next parse reuses the unchanged parts of the old tree (incremental parsing). The
// FileAnalyzer then interprets only the functions whose text changed. web-tree-sitter indexes JavaScript
// strings in UTF-16 code units, like LSP positions, so offsets need no conversion.
import { Edit, type Point, type Tree } from 'web-tree-sitter';
import { FileAnalyzer, type AnalysisOptions, type FunctionReport } from './analysis';
import { compareFindings, type Finding } from './findings';
import type { CParser } from './parse/parser';
import type { ProtocolVariant } from './model/protocolMatch';

export interface TextEdit {
  /** UTF-16 offset of the replaced range's start in the current text. */
  start: number;
  /** UTF-16 offset just past the replaced range in the current text. */
  end: number;
  newText: string;
}

export interface CheckResult {
  findings: Finding[];
  functions: FunctionReport[];
  parseMs: number;
  analyzeMs: number;
  /** The collapse protocol variant the document was checked against. */
  variant: ProtocolVariant;
  /** Interpretations of a function under a caller's argument values in this run (FileAnalyzer.lastContextInterpretations). */
  contextInterpretations: number;
}

export class CDocument {
  private tree: Tree | null = null;
  private dirty = true;
  private readonly analyzer: FileAnalyzer;

  constructor(private readonly parser: CParser, readonly file: string, private text: string, options: AnalysisOptions = {}) {
    this.analyzer = new FileAnalyzer(parser, options);
  }

  getText(): string {
    return this.text;
  }

  /** Applies edits in order; each offset refers to the text after the previous edits. */
  edit(edits: TextEdit[]): void {
    for (const e of edits) {
      const startPosition = pointAt(this.text, e.start);
      const oldEndPosition = pointAt(this.text, e.end);
      this.text = this.text.slice(0, e.start) + e.newText + this.text.slice(e.end);
      const newEndIndex = e.start + e.newText.length;
      this.tree?.edit(new Edit({
        startIndex: e.start, oldEndIndex: e.end, newEndIndex,
        startPosition, oldEndPosition, newEndPosition: pointAt(this.text, newEndIndex),
      }));
    }
    this.dirty = true;
  }

  /** Replaces the whole text (a full-sync client); the old tree is dropped. */
  setText(text: string): void {
    this.text = text;
    this.tree?.delete();
    this.tree = null;
    this.dirty = true;
  }

  analyze(): CheckResult {
    const t0 = performance.now();
    if (this.dirty || !this.tree) {
      const next = this.parser.parser.parse(this.text, this.tree ?? undefined);
      if (!next) throw new Error(`tree-sitter could not parse ${this.file}`);
      this.tree?.delete();
      this.tree = next;
      this.dirty = false;
    }
    const t1 = performance.now();
    const functions = this.analyzer.analyze(this.file, this.tree);
    const t2 = performance.now();
    return {
      findings: functions.flatMap((f) => f.findings).sort(compareFindings),
      functions,
      parseMs: t1 - t0,
      analyzeMs: t2 - t1,
      variant: this.analyzer.lastVariant,
      contextInterpretations: this.analyzer.lastContextInterpretations,
    };
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
  }
}

/** Row/column (UTF-16) of an offset. Linear in the offset; edits are rare next to parsing. */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

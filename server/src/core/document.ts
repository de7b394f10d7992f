// A C document kept parsed between edits: each edit is applied to the text and to the syntax trees
// (tree.edit), and the FileAnalyzer then interprets only the functions whose text changed. web-tree-sitter
// indexes JavaScript strings in UTF-16 code units, like LSP positions, so offsets need no conversion.
//
// An edit inside one function's body re-parses that function alone (FunctionOverlays): tree-sitter never
// reuses a subtree holding an ERROR or MISSING node, and the kernel idioms put a few dozen of them in each
// file, so an incremental re-parse of the whole file costs 1.5–2 ms even when nothing changed
// (bench/parseFloor.ts). Any other edit re-parses the file, from scratch (see analyze()).
import { Edit, type Point, type Tree } from 'web-tree-sitter';
import { FunctionOverlays, type TextRange } from './parse/overlays';
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
  /**
   * What this run parsed: the whole file, only the function an edit was inside (parse/overlays.ts), or
   * nothing (no edit since the last run, or edits inside one comment that stayed one comment).
   */
  reparsed: 'file' | 'function' | 'none';
  analyzeMs: number;
  /** The collapse protocol variant the document was checked against. */
  variant: ProtocolVariant;
  /** Interpretations of a function under a caller's argument values in this run (FileAnalyzer.lastContextInterpretations). */
  contextInterpretations: number;
}

export class CDocument {
  /** The last whole-file parse, tree.edit()ed since. */
  private tree: Tree | null = null;
  private readonly overlays: FunctionOverlays;
  private dirty = true;
  /** What the edits since the last parse replaced, in the current text (undefined: nothing, or unknown). */
  private changed: TextRange | undefined;
  private readonly analyzer: FileAnalyzer;
  /**
   * The parser reads the current text through this, and so do the trees' nodes (node.text) after edits. The
   * rest of the text from `index`, as web-tree-sitter's own parse(string) does: it copies what fits its buffer.
   */
  private readonly read = (index: number): string => this.text.slice(index);

  constructor(private readonly parser: CParser, readonly file: string, private text: string, options: AnalysisOptions = {}) {
    this.analyzer = new FileAnalyzer(parser, options);
    this.overlays = new FunctionOverlays(parser.parser, this.read);
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
      const edit = new Edit({
        startIndex: e.start, oldEndIndex: e.end, newEndIndex,
        startPosition, oldEndPosition, newEndPosition: pointAt(this.text, newEndIndex),
      });
      this.tree?.edit(edit);
      this.overlays.edit(edit);
      this.changed = this.dirty && !this.changed ? undefined : widen(this.changed, e);
      this.dirty = true;
    }
  }

  /** Replaces the whole text (a full-sync client); the old tree is dropped. */
  setText(text: string): void {
    this.text = text;
    this.tree?.delete();
    this.tree = null;
    this.overlays.clear();
    this.dirty = true;
    this.changed = undefined;
  }

  analyze(): CheckResult {
    const t0 = performance.now();
    let reparsed: CheckResult['reparsed'] = 'none';
    if (this.dirty && this.tree && this.changed && this.overlays.onlyInsideComment(this.tree, this.changed, this.text)) {
      this.dirty = false; // the edited trees stand as they are
      this.changed = undefined;
    }
    if (this.dirty || !this.tree) {
      reparsed = 'function';
      if (!this.tree || !this.changed || !this.overlays.reparse(this.tree, this.changed)) {
        reparsed = 'file';
        // From scratch unless the text is long: tree-sitter's incremental parse of a file with parse errors (all
        // kernel files have some) may recover from them otherwise than a fresh parse (tree-sitter/tree-sitter#1444,
        // #1645), and then the editor would not say what `mm-review check` says. Fresh costs 15 ms for
        // khugepaged.c, and is needed only for edits outside a function body or that change where one ends.
        const old = this.text.length > FRESH_PARSE_MAX_CHARS ? this.tree ?? undefined : undefined;
        const next = this.parser.parser.parse(this.read, old);
        if (!next) throw new Error(`tree-sitter could not parse ${this.file}`);
        this.tree?.delete();
        this.tree = next;
        this.overlays.clear();
      }
      this.dirty = false;
      this.changed = undefined;
    }
    const t1 = performance.now();
    const functions = this.analyzer.analyze(this.file, this.text, this.tree, this.overlays.functions());
    const t2 = performance.now();
    return {
      findings: functions.flatMap((f) => f.findings).sort(compareFindings),
      functions,
      parseMs: t1 - t0,
      reparsed,
      analyzeMs: t2 - t1,
      variant: this.analyzer.lastVariant,
      contextInterpretations: this.analyzer.lastContextInterpretations,
    };
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
    this.overlays.clear();
  }
}

/** Texts up to this long are re-parsed from scratch when the edited function cannot be re-parsed alone. */
const FRESH_PARSE_MAX_CHARS = 512 * 1024;

/** `range` (in the text before edit `e`) and what `e` replaced, as one range of the text after it. */
function widen(range: TextRange | undefined, e: TextEdit): TextRange {
  const delta = e.newText.length - (e.end - e.start);
  const newEnd = e.start + e.newText.length;
  if (!range) return { start: e.start, end: newEnd };
  const start = range.start < e.start ? range.start : range.start >= e.end ? range.start + delta : e.start;
  const end = range.end <= e.start ? range.end : range.end >= e.end ? range.end + delta : newEnd;
  return { start: Math.min(start, e.start), end: Math.max(end, newEnd) };
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

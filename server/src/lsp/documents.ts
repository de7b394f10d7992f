// The documents the client has open, kept in step with its edits. C documents live in the core's CDocument,
// which keeps the syntax tree between edits: incremental `contentChanges` become CDocument.edit() calls, so the
// next analysis re-parses incrementally and re-checks only the functions that changed. Patches are plain text:
// the series worker keeps what their checks need (patchAnalysis.ts).
import { extname } from 'node:path';
import { TextDocumentContentChangeEvent, type TextDocumentItem } from 'vscode-languageserver';
import { PATCH_EXTENSIONS as CORE_PATCH_EXTENSIONS, type CDocument, type Checker, type TextEdit } from '../core';
import { rangeOffsets } from './positions';

/** What a document is checked as: C source, or a patch / mail with a patch. */
export type DocumentKind = 'c' | 'patch';

const PATCH_EXTENSIONS = new Set(CORE_PATCH_EXTENSIONS);
const C_EXTENSIONS = new Set(['.c', '.h']);

/** The subset of CDocument's text API that patches need too. */
interface EditableText {
  getText(): string;
  edit(edits: TextEdit[]): void;
  setText(text: string): void;
  dispose(): void;
}

class PlainText implements EditableText {
  constructor(private text: string) {}
  getText(): string {
    return this.text;
  }
  edit(edits: TextEdit[]): void {
    for (const e of edits) this.text = this.text.slice(0, e.start) + e.newText + this.text.slice(e.end);
  }
  setText(text: string): void {
    this.text = text;
  }
  dispose(): void {}
}

export class TrackedDocument {
  constructor(
    readonly uri: string,
    readonly kind: DocumentKind,
    public version: number,
    /** A CDocument for C when the parser loaded; plain text otherwise (the analysis then reports why). */
    readonly content: EditableText,
  ) {}

  get cDocument(): CDocument | undefined {
    return this.kind === 'c' && !(this.content instanceof PlainText) ? (this.content as CDocument) : undefined;
  }

  getText(): string {
    return this.content.getText();
  }

  /** Applies one didChange notification's changes, in order, each relative to the text the previous left. */
  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (TextDocumentContentChangeEvent.isIncremental(change)) {
        const { start, end } = rangeOffsets(this.content.getText(), change.range);
        this.content.edit([{ start, end, newText: change.text }]);
      } else {
        this.content.setText(change.text);
      }
    }
    this.version = version;
  }
}

export class OpenDocuments {
  private readonly byUri = new Map<string, TrackedDocument>();

  /** `checker` is undefined when the C parser failed to load; C documents are then kept as plain text. */
  open(item: TextDocumentItem, checker: Checker | undefined): TrackedDocument {
    return this.create(item.uri, documentKind(item.uri, item.languageId), item.version, item.text, checker);
  }

  /**
   * Re-creates every open document with `checker` (a checker's analysis options are fixed, so new limits need a
   * new one): the same text and version, without the previous syntax tree and per-function results.
   */
  reopenAll(checker: Checker | undefined): void {
    for (const doc of this.all()) this.create(doc.uri, doc.kind, doc.version, doc.getText(), checker);
  }

  private create(uri: string, kind: DocumentKind, version: number, text: string, checker: Checker | undefined): TrackedDocument {
    this.close(uri);
    const content = kind === 'c' && checker ? checker.open(uri, text) : new PlainText(text);
    const doc = new TrackedDocument(uri, kind, version, content);
    this.byUri.set(uri, doc);
    return doc;
  }

  get(uri: string): TrackedDocument | undefined {
    return this.byUri.get(uri);
  }

  all(): TrackedDocument[] {
    return [...this.byUri.values()];
  }

  close(uri: string): void {
    this.byUri.get(uri)?.content.dispose();
    this.byUri.delete(uri);
  }
}

/**
 * Patches are recognised by language (`diff`) or by file name, since .mbx/.mbox/.eml may open as plain text
 * in editors that do not know them; everything else the client sends is C (the client's selector asks only
 * for C, C headers and patches).
 */
export function documentKind(uri: string, languageId: string): DocumentKind {
  const ext = extname(uri.split(/[?#]/)[0]).toLowerCase();
  if (languageId === 'c' || C_EXTENSIONS.has(ext)) return 'c';
  if (languageId === 'diff' || PATCH_EXTENSIONS.has(ext)) return 'patch';
  return 'c';
}

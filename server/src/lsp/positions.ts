// LSP positions → offsets into a document's text. Both count UTF-16 code units, like JavaScript strings and
// web-tree-sitter, so no re-encoding is needed. Lines end at \n, \r\n or \r, as the LSP specification says.
import type { Position, Range } from 'vscode-languageserver';

/**
 * Offset of `position` in `text`. Out-of-range positions are clamped as the specification asks: a character
 * past the end of its line means the line's end, a line past the last one means the end of the text.
 * Linear in the offset; documents are re-scanned per change because keeping a line index in step with
 * incremental edits costs more code than it saves at kernel file sizes.
 */
export function offsetAt(text: string, position: Position): number {
  let lineStart = 0;
  for (let line = 0; line < position.line; line++) {
    const next = nextLineStart(text, lineStart);
    if (next === -1) return text.length;
    lineStart = next;
  }
  const lineEnd = lineEndOf(text, lineStart);
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

export function rangeOffsets(text: string, range: Range): { start: number; end: number } {
  const start = offsetAt(text, range.start);
  const end = offsetAt(text, range.end);
  // A reversed range from a confused client is read as the same span rather than rejected.
  return start <= end ? { start, end } : { start: end, end: start };
}

/** Start of the line after the one starting at `lineStart`, or -1 on the last line. */
function nextLineStart(text: string, lineStart: number): number {
  const end = lineEndOf(text, lineStart);
  if (end >= text.length) return -1;
  return text.startsWith('\r\n', end) ? end + 2 : end + 1;
}

function lineEndOf(text: string, lineStart: number): number {
  for (let i = lineStart; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || c === 13 /* \r */) return i;
  }
  return text.length;
}

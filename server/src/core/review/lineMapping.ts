// Places a finding of a post-image (or pre-image) on a line of the patch file: the `+` line that carries it,
// else the context line that shows it, else (the cause is outside every hunk, typically a line the patch
// removed) the line next to the removal in the nearest hunk of the same function. Never on an `@@` header:
// the reviewer reads code lines, and a header is no place to put a squiggle.
import type { Hunk, LineOrigin, SeriesFileResult } from '../patch';

export interface PatchLocation {
  /** 1-based line in the patch file. */
  line: number;
  /**
   * `added`: a `+` line, `context`: a ` ` line showing the very line, `removed`: the `-` line of a pre-image
   * line, `near`: a line of the nearest hunk that stands for one outside it, `header`: the file's `diff` header
   * (no hunk applied). The text of the first three starts one column later than in the image (the prefix).
   */
  kind: 'added' | 'context' | 'removed' | 'near' | 'header';
}

export function mapPostLine(file: SeriesFileResult, postLine: number, fn?: [number, number]): PatchLocation {
  return lineOfOrigin(file.apply?.lineMap[postLine - 1]) ?? nearestHunk(file, postLine, fn, 'post');
}

/** The patch line an image line came from: its `+` line, or the context line that matched it. */
export function lineOfOrigin(origin: LineOrigin | undefined): PatchLocation | undefined {
  if (origin?.origin === 'patch') return { line: origin.patchLine, kind: 'added' };
  if (origin?.patchLine !== undefined) return { line: origin.patchLine, kind: 'context' };
  return undefined;
}

/** A pre-image line: its `-` line when the patch removes it, its context line, else near the nearest removal. */
export function mapPreLine(file: SeriesFileResult, preLine: number): PatchLocation {
  for (const h of file.apply?.hunks ?? []) {
    if (h.status === 'failed' || h.baseLine === undefined) continue;
    const hunk = file.filePatch.hunks[h.hunk];
    let line = h.baseLine;
    for (const l of hunk.lines) {
      if (l.kind === '+') continue;
      if (line === preLine) return { line: l.line, kind: l.kind === '-' ? 'removed' : 'context' };
      line++;
    }
  }
  return nearestHunk(file, preLine, undefined, 'pre');
}

function nearestHunk(file: SeriesFileResult, line: number, fn: [number, number] | undefined, side: 'pre' | 'post'): PatchLocation {
  let best: Hunk | undefined;
  let bestDistance = Infinity;
  for (const h of file.apply?.hunks ?? []) {
    const start = side === 'post' ? h.postLine : h.baseLine;
    if (start === undefined || h.status === 'failed') continue;
    const hunk = file.filePatch.hunks[h.hunk];
    const length = side === 'post' ? hunk.newCount : hunk.oldCount;
    const inFunction = !fn || (start + length >= fn[0] && start <= fn[1]);
    const distance = (line < start ? start - line : line > start + length ? line - start - length : 0) + (inFunction ? 0 : 1e6);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = hunk;
    }
  }
  return best ? { line: removalLine(best), kind: 'near' } : { line: file.filePatch.headerLine, kind: 'header' };
}

/**
 * The line of a hunk where it changes something: the first line after its first run of `-` lines (where the
 * removed code was), else its first `+` line, else its first line.
 */
function removalLine(hunk: Hunk): number {
  const lines = hunk.lines;
  const firstRemoved = lines.findIndex((l) => l.kind === '-');
  if (firstRemoved >= 0) {
    const after = lines.slice(firstRemoved).find((l) => l.kind !== '-');
    return (after ?? lines[firstRemoved - 1] ?? lines[firstRemoved]).line;
  }
  return (lines.find((l) => l.kind === '+') ?? lines[0] ?? { line: hunk.headerLine }).line;
}

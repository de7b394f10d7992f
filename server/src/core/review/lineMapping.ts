// Places a finding of a post-image (or pre-image) on a line of the patch file: the `+` line that carries it,
// else the header of the hunk nearest to it inside the same function (the cause is a removed or unchanged line).
import type { SeriesFileResult } from '../patch';

export interface PatchLocation {
  /** 1-based line in the patch file. */
  line: number;
  /** The line is a `+` line of the patch (columns are shifted by its prefix). */
  onAddedLine: boolean;
}

export function mapPostLine(file: SeriesFileResult, postLine: number, fn?: [number, number]): PatchLocation {
  const origin = file.apply?.lineMap[postLine - 1];
  if (origin?.origin === 'patch') return { line: origin.patchLine, onAddedLine: true };
  return { line: nearestHunkHeader(file, postLine, fn, 'post'), onAddedLine: false };
}

/** A pre-image line: its `-` line when the patch removes it, else the nearest hunk header. */
export function mapPreLine(file: SeriesFileResult, preLine: number): PatchLocation {
  for (const h of file.apply?.hunks ?? []) {
    if (h.status === 'failed' || h.baseLine === undefined) continue;
    const hunk = file.filePatch.hunks[h.hunk];
    let line = h.baseLine;
    for (const l of hunk.lines) {
      if (l.kind === '+') continue;
      if (line === preLine && l.kind === '-') return { line: l.line, onAddedLine: false };
      line++;
    }
  }
  return { line: nearestHunkHeader(file, preLine, undefined, 'pre'), onAddedLine: false };
}

function nearestHunkHeader(file: SeriesFileResult, line: number, fn: [number, number] | undefined, side: 'pre' | 'post'): number {
  let best = file.filePatch.headerLine;
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
      best = h.headerLine;
    }
  }
  return best;
}

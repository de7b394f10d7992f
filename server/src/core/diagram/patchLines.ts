// Where a line of a patch's post-image is in the patch itself, so that a diagram of a patched function
// reveals its calls in the patch the reviewer is reading.
//
// WIRE-PATCH-LINEMAP: the series checker knows this exactly (SeriesFileResult.apply.lineMap) but does not
// hand it out with the PostImage. Until it does, the hunks are located in the post-image by their text:
// exact for hunks that applied exactly or with an offset; a hunk that needed fuzz is not found, and its
// lines stay in the post-image document. With `PostImage.lineMap` exposed, this file becomes one lookup.
import { parsePatchFile, type FilePatch } from '../patch';
import type { PostImage, SeriesCheckResult } from '../review/seriesCheck';

/** post-image line (1-based) → patch line (1-based), for the `+` and context lines of the image's hunks. */
export function postImagePatchLines(patchText: string | Uint8Array, image: PostImage, series: SeriesCheckResult): Map<number, number> {
  const report = series.patches.find((p) => p.fileName === image.patchFile && p.position === image.position && p.role === 'patch');
  const out = new Map<number, number>();
  if (!report) return out;
  const parsed = parsePatchFile(patchText, image.patchFile);
  const files = parsed.messages
    .filter((m) => m.startLine >= report.startLine && m.endLine <= report.endLine)
    .flatMap((m) => m.files)
    .filter((f) => f.newPath === image.path);
  const imageLines = image.text.split('\n');
  for (const file of files) placeHunks(file, imageLines, out);
  return out;
}

function placeHunks(file: FilePatch, imageLines: string[], out: Map<number, number>): void {
  for (const hunk of file.hunks) {
    const post = hunk.lines.filter((l) => l.kind !== '-');
    if (post.length === 0) continue;
    const start = findBlock(imageLines, post.map((l) => l.text), Math.max(hunk.newStart - 1, 0));
    if (start < 0) continue;
    post.forEach((l, j) => out.set(start + j + 1, l.line));
  }
}

/** The 0-based index where `block` occurs in `lines`, searching outward from `near`; -1 if nowhere. */
function findBlock(lines: string[], block: string[], near: number): number {
  const fits = (at: number) => at >= 0 && at + block.length <= lines.length && block.every((t, j) => lines[at + j] === t);
  for (let d = 0; d <= lines.length; d++) {
    if (fits(near + d)) return near + d;
    if (d > 0 && fits(near - d)) return near - d;
  }
  return -1;
}

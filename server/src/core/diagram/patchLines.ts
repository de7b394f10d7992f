// Where a line of a patch's post-image is in the patch itself, so that a diagram of a patched function
// reveals its calls in the patch the reviewer is reading: the `+` lines from the series checker's exact
// map (PostImage.patchLines); the hunks' context lines by locating each hunk's text in the post-image (exact
// for hunks that applied exactly or with an offset; a hunk that needed fuzz keeps only its `+` lines).
// Lines outside every hunk stay in the post-image document.
import type { FilePatch, PatchFile } from '../patch';
import type { PostImage, SeriesCheckResult } from '../review/seriesCheck';

/** post-image line (1-based) → patch line (1-based), for the `+` and context lines of the image's hunks; `parsed` is the patch file. */
export function postImagePatchLines(parsed: PatchFile, image: PostImage, series: SeriesCheckResult): Map<number, number> {
  const report = series.patches.find((p) => p.fileName === image.patchFile && p.position === image.position && p.role === 'patch');
  const out = new Map<number, number>();
  image.patchLines.forEach((patchLine, i) => {
    if (patchLine !== undefined) out.set(i + 1, patchLine);
  });
  if (!report) return out;
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
    post.forEach((l, j) => {
      if (!out.has(start + j + 1)) out.set(start + j + 1, l.line);
    });
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

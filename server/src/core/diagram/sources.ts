// The analysed C texts a diagram can be drawn from: a C file, or the post-images of a patch (the patched file
// after each patch of the series). For a patch, a call on a line the patch shows (a `+` or context line) is
// placed on that patch line, so the reviewer lands in the patch; other calls stay in the post-image.
import type { CheckResult } from '../document';
import { parsePatchFile } from '../patch';
import type { PostImage, SeriesCheckResult } from '../review/seriesCheck';
import type { AnalysedSource } from './diagrams';
import { POST_IMAGE_FILE_PREFIX } from './model';
import { postImagePatchLines } from './patchLines';


export function cSource(file: string, text: string, result: CheckResult, where = file): AnalysedSource {
  return { text, functions: result.functions, variant: result.variant, where, locate: (at) => ({ file, ...at }) };
}

export interface PatchInput {
  /** The patch document as the series checker named it (its `fileName`), and as locations name it. */
  file: string;
  text: string | Uint8Array;
  series: SeriesCheckResult;
  /** How locations name the patch (default `file`): the editor uses the document's URI. */
  display?: string;
}

/** One source per C post-image of the patch, in series order. */
export function patchSources(patch: PatchInput, analyse: (image: PostImage) => CheckResult,
  postImageFile: (image: PostImage) => string = (image) => `${POST_IMAGE_FILE_PREFIX}/${image.path}`): AnalysedSource[] {
  const images = [...patch.series.postImages.values()]
    .filter((image) => image.patchFile === patch.file && /\.[ch]$/.test(image.path))
    .sort((a, b) => a.position - b.position);
  const parsed = images.length ? parsePatchFile(patch.text, patch.file) : undefined;
  return images.map((image) => {
    const patchLines = postImagePatchLines(parsed!, image, patch.series);
    const subject = patch.series.patches.find((p) => p.fileName === image.patchFile && p.position === image.position)?.subject;
    const imageFile = postImageFile(image);
    let result: CheckResult | undefined;
    return {
      text: image.text,
      // Analysed on first use: the editor analyses only the post-image the cursor is in.
      get functions() {
        return (result ??= analyse(image)).functions;
      },
      get variant() {
        return (result ??= analyse(image)).variant;
      },
      where: subject ? `${image.path} after "${subject}"` : `${image.path} after the patch`,
      patchLines,
      locate: (at) => {
        const line = patchLines.get(at.line);
        // On a patch line the text is one column further right: the `+` or ` ` prefix.
        return line !== undefined ? { file: patch.display ?? patch.file, line, column: at.column + 1 } : { file: imageFile, ...at };
      },
    };
  });
}

/** The source and post-image line a patch line stands for (the nearest line of a hunk). */
export function atPatchLine(sources: AnalysedSource[], patchLine: number): { source: AnalysedSource; line: number } | undefined {
  let best: { source: AnalysedSource; line: number; distance: number } | undefined;
  for (const source of sources) {
    for (const [postLine, line] of source.patchLines ?? []) {
      const distance = Math.abs(line - patchLine);
      if (!best || distance < best.distance) best = { source, line: postLine, distance };
    }
  }
  return best && { source: best.source, line: best.line };
}

// The patch-series input layer: patch mails and diffs in, file texts before/after each patch out, with every
// line traceable to a line of the patch file (for `+` lines) or of the base. Pure TypeScript on Node built-ins;
// knows nothing of editors, so the CLI, the language server and the tests all call the same functions.
//
//   parsePatchFile(text | bytes, fileName)      → PatchFile: messages, their file diffs, problems
//   applyFilePatch(baseText, filePatch)          → post-image, per-hunk exact/offset/fuzz/failed, line map
//   hunkPostImages(filePatch)                    → "no base" mode: each hunk's post-image on its own
//   buildSeries(patchFiles, baseProvider)        → the series in k/N order, applied patch after patch
//   hunkStats(series)                            → how many hunks applied exactly / with offset / fuzz / not
export { parsePatchFile } from './patchFile';
export type { ParsePatchOptions } from './patchFile';
export { parseDiff } from './diff';
export type { DiffParseOptions } from './diff';
export { parseSubject } from './subject';
export { applyFilePatch, applyFilePatchToLines, hunkPostImages, linesToText, textToLines } from './apply';
export type { ApplyOptions, FileApplyResult, HunkApplyResult, HunkApplyStatus, HunkPostImage } from './apply';
export { applyPatchToState, buildSeries, emptySeriesState, hunkStats } from './series';
export type {
  BaseProvider, FileState, HunkStats, LineProvenance, SeriesFileResult, SeriesFileStatus, SeriesInput, SeriesOptions,
  SeriesPatchResult, SeriesProblem, SeriesResult, SeriesReviewResult, SeriesState,
} from './series';
export type {
  BodyEncoding, FilePatch, Hunk, HunkLine, HunkLineKind, LineOrigin, MailHeader, PatchFile, PatchMessage,
  PatchProblem, PatchSubject, SourceLine,
} from './types';

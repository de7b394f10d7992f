// A patch series applied in order: patch k on top of patches 1..k-1, per file, following renames, new and
// deleted files. The result is a pure function of (patch texts, base), and every step keeps the state before
// and after it, so a caller that edits patch k can pass the previous result as `reuse` and only k..N are
// recomputed.
//
// Provenance: each post-image line says where it really comes from — a line of the base the caller supplied,
// or a `+` line of some patch of the series — so a finding in code written by patch 3 can be reported on
// patch 3's own line even while analysing the state after patch 9.
import { createHash } from 'node:crypto';
import { applyFilePatchToLines, hunkPostImages, linesToText, textToLines } from './apply';
import type { ApplyOptions, FileApplyResult, HunkPostImage } from './apply';
import { parsePatchFile } from './patchFile';
import type { FilePatch, PatchFile, PatchMessage, PatchProblem } from './types';

/** The pre-series text of a file (e.g. from --base), or undefined when there is none. */
export type BaseProvider = (path: string) => string | undefined;

export type LineProvenance =
  /** 1-based line of the text the base provider returned for the file (before any rename). */
  | { kind: 'base'; path: string; line: number }
  /** A `+` line: the 0-based series position of the patch (-1: a reply's quoted line), its file and its 1-based
   *  line there. */
  | { kind: 'patch'; position: number; fileName: string; line: number };

export type FileState =
  | { state: 'known'; lines: readonly string[]; endsWithNewline: boolean; provenance: readonly LineProvenance[] }
  | { state: 'deleted' }
  /** No base text: the file can only be analysed hunk by hunk. */
  | { state: 'unknown' };

/** Immutable: files touched (or looked up) so far; other paths still come from the base provider. */
export interface SeriesState {
  readonly files: ReadonlyMap<string, FileState>;
}

export const emptySeriesState: SeriesState = { files: new Map() };

export type SeriesFileStatus = 'applied' | 'partial' | 'failed' | 'no-base' | 'skipped';

export interface SeriesFileResult {
  filePatch: FilePatch;
  /** The file as the user knows it: the new path, or the old one for a deletion; '' if the diff named none. */
  path: string;
  /**
   * applied: every hunk applied (maybe with offset/fuzz); partial: some failed; failed: none applied or the
   * file is missing (deleted earlier); no-base: nothing to apply to, see postImageOnly; skipped: binary.
   */
  status: SeriesFileStatus;
  preImage?: string;
  /** '' for a deleted file. */
  postImage?: string;
  apply?: FileApplyResult;
  /** Per post-image line, like apply.lineMap but resolved through the earlier patches. */
  provenance?: LineProvenance[];
  /** No-base mode: each hunk's own post-image. */
  postImageOnly?: HunkPostImage[];
  problems: PatchProblem[];
}

export interface SeriesProblem extends PatchProblem {
  fileName: string;
}

export interface SeriesPatchResult {
  /** 0-based position in the ordered series (the cover letter, if any, is 0). */
  position: number;
  /** Changes whenever anything that affects applying this patch changes (its diffs or their lines). */
  key: string;
  message: PatchMessage;
  role: 'cover' | 'patch';
  files: SeriesFileResult[];
  stateBefore: SeriesState;
  stateAfter: SeriesState;
}

/** A reply quoting a patch, applied (as far as the quote allows) to the state that patch was written for. */
export interface SeriesReviewResult {
  message: PatchMessage;
  /** Position of the patch it answers, when found by In-Reply-To or by its k/N. */
  target?: number;
  files: SeriesFileResult[];
}

export interface SeriesResult {
  patches: SeriesPatchResult[];
  reviews: SeriesReviewResult[];
  problems: SeriesProblem[];
  finalState: SeriesState;
}

export interface SeriesOptions {
  apply?: ApplyOptions;
  /** A previous result for the same base: patches with unchanged keys at the start of the series are reused. */
  reuse?: SeriesResult;
}

export type SeriesInput = PatchFile | { fileName: string; text: string | Uint8Array };

const byLine = (a: PatchProblem, b: PatchProblem) => a.line - b.line;

/** Orders the messages of the input files into a series and applies it. Never throws. */
export function buildSeries(inputs: SeriesInput[], baseProvider: BaseProvider, options: SeriesOptions = {}): SeriesResult {
  const files = inputs.map((input) => ('messages' in input ? input : parsePatchFile(input.text, input.fileName)));
  const messages = files.flatMap((f) => f.messages);
  const problems: SeriesProblem[] = [];
  const ordered = orderSeries(messages.filter((m) => !m.isReply), problems);

  const patches: SeriesPatchResult[] = [];
  let state = emptySeriesState;
  let reusing = true;
  ordered.forEach((message, position) => {
    const role = message.isCoverLetter ? 'cover' : 'patch';
    const key = patchKey(message, role);
    const previous = options.reuse?.patches[position];
    if (reusing && previous && previous.key === key) {
      patches.push({ ...previous, message });
      state = previous.stateAfter;
      return;
    }
    reusing = false;
    if (role === 'cover' && message.files.some((f) => !f.quoted)) {
      problems.push({ severity: 'info', line: message.startLine, fileName: message.fileName, message: 'the cover letter contains a diff; it is not applied' });
    }
    const step = role === 'cover' ? { files: [], state } : applyPatchToState(state, message, position, baseProvider, options.apply);
    patches.push({ position, key, message, role, files: step.files, stateBefore: state, stateAfter: step.state });
    state = step.state;
  });

  const reviews = messages.filter((m) => m.isReply && m.files.length > 0).map((message) => {
    const target = findReviewTarget(message, patches);
    const before = target === undefined ? emptySeriesState : patches[target].stateBefore;
    return { message, target, files: applyPatchToState(before, message, -1, baseProvider, options.apply, true).files };
  });
  return { patches, reviews, problems: problems.sort(byLine), finalState: state };
}

/** Cover letter first, then by k of k/N; messages without numbering keep their input order after those. */
function orderSeries(messages: PatchMessage[], problems: SeriesProblem[]): PatchMessage[] {
  const rank = (m: PatchMessage) => m.subjectInfo?.index ?? Number.MAX_SAFE_INTEGER;
  const ordered = messages.map((m, k) => ({ m, k })).sort((a, b) => rank(a.m) - rank(b.m) || a.k - b.k).map((x) => x.m);
  const note = (m: PatchMessage, severity: PatchProblem['severity'], message: string) =>
    problems.push({ severity, line: m.startLine, fileName: m.fileName, message });
  const numbered = ordered.filter((m) => m.subjectInfo?.index !== undefined);
  const seen = new Map<number, PatchMessage>();
  for (const m of numbered) {
    const { index, total, version } = m.subjectInfo!;
    if (seen.has(index!)) note(m, 'warning', `two messages are patch ${index}/${total}; both are applied, in input order`);
    seen.set(index!, m);
    if (total !== numbered[0].subjectInfo!.total) note(m, 'warning', `patch ${index}/${total} belongs to a series of a different length (${numbered[0].subjectInfo!.total})`);
    if (version !== numbered[0].subjectInfo!.version) note(m, 'warning', `patch ${index}/${total} is version ${version ?? 1} of the series, not ${numbered[0].subjectInfo!.version ?? 1}`);
  }
  const total = numbered[0]?.subjectInfo?.total;
  if (total !== undefined && total < 10000) {
    const missing: number[] = [];
    for (let k = 1; k <= total; k++) if (!seen.has(k)) missing.push(k);
    if (missing.length > 0) {
      note(numbered[0], 'info', `patches ${missing.join(', ')} of ${total} are not in the input; later patches are applied without them`);
    }
  }
  return ordered;
}

function patchKey(message: PatchMessage, role: string): string {
  const hash = createHash('sha1');
  hash.update(`${role}\0${message.fileName}\0`);
  for (const f of message.files) {
    hash.update(`${f.oldPath}\0${f.newPath}\0${f.isNew}${f.isDeleted}${f.isRename}${f.isCopy}${f.isBinary}${f.quoted}\0`);
    for (const h of f.hunks) {
      hash.update(`@${h.oldStart},${h.oldCount},${h.newStart},${h.newCount},${h.headerLine},${h.elisionsAt.join('.')}\n`);
      for (const l of h.lines) hash.update(`${l.line}${l.kind}${l.noNewlineAtEnd ? '\\' : ''}${l.text}\n`);
    }
  }
  return hash.digest('hex');
}

function findReviewTarget(reply: PatchMessage, patches: SeriesPatchResult[]): number | undefined {
  const byId = patches.find((p) => p.message.messageId !== undefined && p.message.messageId === reply.inReplyTo);
  if (byId) return byId.position;
  const index = reply.subjectInfo?.index;
  return index === undefined ? undefined : patches.find((p) => p.message.subjectInfo?.index === index)?.position;
}

const baseState = (path: string, text: string): FileState => {
  const { lines, endsWithNewline } = textToLines(text);
  return { state: 'known', lines, endsWithNewline, provenance: lines.map((_l, k) => ({ kind: 'base', path, line: k + 1 })) };
};

/**
 * One step of the series: applies the (unquoted, or with `quotedOnly` the quoted) file diffs of `message` to
 * `state` and returns the new state. `state` is not modified.
 */
export function applyPatchToState(state: SeriesState, message: PatchMessage, position: number,
  baseProvider: BaseProvider, applyOptions: ApplyOptions = {}, quotedOnly = false): { files: SeriesFileResult[]; state: SeriesState } {
  const files = new Map(state.files);
  const lookup = (path: string, problems: PatchProblem[], line: number): FileState => {
    let file = files.get(path);
    if (!file) {
      let text: string | undefined;
      try {
        // The base provider is the caller's code: a throw there becomes a problem, not a crash.
        const value = baseProvider(path);
        text = typeof value === 'string' ? value : undefined;
      } catch (error) {
        problems.push({ severity: 'warning', line, message: `reading the base of ${path} failed: ${String(error)}` });
      }
      file = text === undefined ? { state: 'unknown' } : baseState(path, text);
      files.set(path, file);
    }
    return file;
  };
  const results = message.files.filter((f) => f.quoted === quotedOnly)
    .map((fp) => applyFile(fp, lookup, files, message.fileName, position, applyOptions));
  return { files: results, state: { files } };
}

type Lookup = (path: string, problems: PatchProblem[], line: number) => FileState;

function applyFile(fp: FilePatch, lookup: Lookup, files: Map<string, FileState>,
  fileName: string, position: number, applyOptions: ApplyOptions): SeriesFileResult {
  const path = fp.newPath ?? fp.oldPath ?? '';
  const problems: PatchProblem[] = [];
  const result = (status: SeriesFileStatus, extra: Partial<SeriesFileResult> = {}): SeriesFileResult =>
    ({ filePatch: fp, path, status, problems, ...extra });
  const forget = () => {
    if (fp.newPath !== null) files.set(fp.newPath, { state: 'unknown' });
    if (fp.oldPath !== null && (fp.isRename || fp.isDeleted)) files.set(fp.oldPath, { state: 'deleted' });
  };
  if (fp.isBinary) {
    forget();
    return result('skipped');
  }
  if (fp.headerless) return result('no-base', { postImageOnly: hunkPostImages(fp) });

  let pre: FileState;
  if (fp.oldPath === null) {
    if (fp.newPath !== null && lookup(fp.newPath, problems, fp.headerLine).state === 'known') {
      problems.push({ severity: 'warning', line: fp.headerLine, message: `${fp.newPath} is created, but it already exists` });
    }
    pre = { state: 'known', lines: [], endsWithNewline: true, provenance: [] };
  } else pre = lookup(fp.oldPath, problems, fp.headerLine);

  if (pre.state === 'deleted') {
    problems.push({ severity: 'error', line: fp.headerLine, message: `${fp.oldPath} does not exist here (an earlier patch deleted or renamed it)` });
    forget();
    return result('failed', { postImageOnly: hunkPostImages(fp) });
  }
  if (pre.state === 'unknown') {
    forget();
    return result('no-base', { postImageOnly: hunkPostImages(fp) });
  }

  const apply = applyFilePatchToLines(pre.lines as string[], pre.endsWithNewline, fp, applyOptions);
  const provenance: LineProvenance[] = apply.lineMap.map((origin) => origin.origin === 'base'
    ? pre.provenance[origin.baseLine - 1]
    : { kind: 'patch', position, fileName, line: origin.patchLine });
  const failed = apply.hunks.filter((h) => h.status === 'failed').length;
  const status: SeriesFileStatus = failed === 0 ? 'applied' : failed === apply.hunks.length ? 'failed' : 'partial';
  if (fp.isDeleted) {
    if (apply.postLines.length > 0) {
      problems.push({ severity: 'warning', line: fp.headerLine, message: `${fp.oldPath} is deleted, but ${apply.postLines.length} of its lines are not removed by the patch` });
    }
    files.set(fp.oldPath!, { state: 'deleted' });
  } else if (fp.newPath !== null) {
    files.set(fp.newPath, { state: 'known', lines: apply.postLines, endsWithNewline: apply.endsWithNewline, provenance });
    if (fp.isRename && fp.oldPath !== null && fp.oldPath !== fp.newPath) files.set(fp.oldPath, { state: 'deleted' });
  }
  return result(status, {
    preImage: linesToText(pre.lines as string[], pre.endsWithNewline),
    postImage: fp.isDeleted ? '' : apply.postImage,
    apply, provenance,
  });
}

export interface HunkStats {
  exact: number;
  offset: number;
  fuzz: number;
  failed: number;
  /** Hunks of files without a base (reported post-image only). */
  noBase: number;
}

/** How the hunks of the series' patches (not the reviews) applied. */
export function hunkStats(series: SeriesResult): HunkStats {
  const stats: HunkStats = { exact: 0, offset: 0, fuzz: 0, failed: 0, noBase: 0 };
  for (const patch of series.patches) {
    for (const file of patch.files) {
      if (file.status === 'no-base') stats.noBase += file.filePatch.hunks.length;
      for (const h of file.apply?.hunks ?? []) stats[h.status]++;
    }
  }
  return stats;
}

// Dev Jain's 12-patch RFC against its 6.12.117 base, in process: the full check of the series (every patch's
// pre- and post-image of mm/khugepaged.c analysed), then the re-check after a one-character edit in patch k
// with the same SeriesChecker, which keeps its previous check (parsed mails, applied series, analysed images).
import { Checker, type SeriesCheckResult } from '../server/src/core';
import { devJainSeries, kernelPath, SERIES_BASE, type PatchInput } from './corpus';
import { progress, round, timed } from './measure';

export interface SeriesResult {
  messages: number;
  findings: number;
  hunks: SeriesCheckResult['hunks'];
  fullCheckMs: number;
  /** Re-check after typing one character into an added line of patch k (and after deleting it again). */
  recheck: { patch: number; editMs: number; revertMs: number }[];
}

export const BASE_OPTIONS = () => ({ baseFiles: new Map([['mm/khugepaged.c', kernelPath(SERIES_BASE)]]) });

/**
 * Types a space at the end of the first added line of the patch's first C file (patches 09 and 11 have hunks
 * that do not apply to 6.12.117, so the benchmark edits patches whose hunks all apply, and 12, whose C file
 * has no base and is checked hunk by hunk).
 */
export function withOneCharacterEdit(patch: PatchInput): Buffer {
  const text = patch.text.toString('utf8');
  const section = /^diff --git a\/\S+\.c /m.exec(text);
  const added = section ? /^\+(?!\+\+)[^\n]*\S[^\n]*$/m.exec(text.slice(section.index)) : null;
  if (!section || !added) throw new Error(`${patch.fileName} adds no line to a C file`);
  const at = section.index + added.index + added[0].length;
  return Buffer.from(text.slice(0, at) + ' ' + text.slice(at));
}

function inputsOf(patches: PatchInput[], edited?: number) {
  return patches.map((p, i) => ({ fileName: p.fileName, text: i === edited ? withOneCharacterEdit(p) : p.text }));
}

export async function checkSeries(patchesToEdit: number[]): Promise<SeriesResult> {
  const checker = await Checker.create();
  const patches = devJainSeries();
  const series = checker.series();
  progress(`series: full check of ${patches.length} messages`);
  const full = timed(() => series.check(inputsOf(patches), BASE_OPTIONS()));
  const recheck: SeriesResult['recheck'] = [];
  for (const k of patchesToEdit) {
    progress(`series: re-check after an edit in patch ${k}`);
    const edit = timed(() => series.check(inputsOf(patches, k), BASE_OPTIONS()));
    const revert = timed(() => series.check(inputsOf(patches), BASE_OPTIONS()));
    recheck.push({ patch: k, editMs: round(edit.ms), revertMs: round(revert.ms) });
  }
  return {
    messages: patches.length, findings: full.value.findings.length, hunks: full.value.hunks,
    fullCheckMs: round(full.ms), recheck,
  };
}

// Applies a file's hunks to a base text the way GNU patch 2.7 does, so that "applies with offset/fuzz" here
// means what a maintainer sees from `patch -p1`:
//  - hunks are applied in order; each is first tried where its header says plus the offset the previous hunk
//    needed (patch's "in_offset"), then at growing distances, after before before (+1, -1, +2, -2, ...);
//  - it may not reach back before the last line an earlier hunk changed (its leading context may overlap);
//  - if that fails, with fuzz 1 then 2: up to that many leading/trailing context lines are ignored (never more
//    than the hunk has). A hunk with less context on one side than the other was made at the start or end of
//    the file, and is only tried there, as patch does;
//  - context lines are compared byte for byte (no whitespace folding; patch without -l);
//  - a hunk that does not apply is left out and the rest still applies.
// Context lines in the output are the base's own lines (also when fuzz ignored them), `+` lines come from the
// patch; the line map records which, so findings in the post-image can be placed on the patch's `+` lines.
import { shorten } from './diff';
import type { FilePatch, Hunk, HunkLine, LineOrigin } from './types';

export type HunkApplyStatus = 'exact' | 'offset' | 'fuzz' | 'failed';

export interface HunkApplyResult {
  /** 0-based index into FilePatch.hunks. */
  hunk: number;
  /** 0 unless a quoted hunk was cut by elisions; each piece is then located on its own. */
  fragment: number;
  /** 1-based line of the `@@` header in the patch file. */
  headerLine: number;
  status: HunkApplyStatus;
  /** Base line where the hunk applied minus the line its header states (patch(1)'s "offset N lines"). */
  offset: number;
  /** Number of leading/trailing context lines ignored (patch(1)'s "with fuzz N"). */
  fuzz: number;
  /** 1-based base line where the hunk's old side starts, and post-image line where its new side starts. */
  baseLine?: number;
  postLine?: number;
  /** Like patch(1)'s report, plus for a failure where it was tried and which line did not match. */
  message: string;
}

export interface FileApplyResult {
  postImage: string;
  postLines: string[];
  /** One entry per post-image line. */
  lineMap: LineOrigin[];
  hunks: HunkApplyResult[];
  /** Every hunk applied (possibly with offset or fuzz). */
  complete: boolean;
  endsWithNewline: boolean;
}

export interface ApplyOptions {
  /** patch(1)'s -F; default 2. */
  maxFuzz?: number;
}

/** Lines of a text plus whether it ended with a newline; CRLF is read as LF. */
export function textToLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: true };
  const lines = text.split(/\r?\n/);
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

export function linesToText(lines: string[], endsWithNewline: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (endsWithNewline ? '\n' : '');
}

/** A hunk, or one fragment of a quoted hunk cut by elisions, located on its own. */
interface ApplyUnit {
  hunk: number;
  fragment: number;
  header: Hunk;
  lines: HunkLine[];
  /** 1-based base line the header places the first old line at. */
  statedLine: number;
  /** Less context on one side means "at the start/end of the file"; not so for fragments cut by a quote. */
  trustContextAsymmetry: boolean;
}

function unitsOf(file: FilePatch): ApplyUnit[] {
  const units: ApplyUnit[] = [];
  file.hunks.forEach((hunk, index) => {
    // With no old lines, `-5,0` means "after line 5".
    const stated = hunk.oldCount === 0 ? hunk.oldStart + 1 : Math.max(1, hunk.oldStart);
    const cuts = [0, ...hunk.elisionsAt.filter((k) => k > 0 && k < hunk.lines.length), hunk.lines.length];
    let oldBefore = 0;
    for (let f = 0; f + 1 < cuts.length; f++) {
      const lines = hunk.lines.slice(cuts[f], cuts[f + 1]);
      units.push({
        hunk: index, fragment: f, header: hunk, lines, statedLine: stated + oldBefore,
        trustContextAsymmetry: cuts.length === 2 && hunk.countsMatch,
      });
      oldBefore += lines.filter((l) => l.kind !== '+').length;
    }
  });
  return units;
}

interface Located {
  where: number;
  fuzz: number;
}

class HunkApplier {
  private readonly out: string[] = [];
  private readonly map: LineOrigin[] = [];
  /** Last base line copied to the output or deleted (patch's last_frozen_line). */
  private frozen = 0;
  /** Offset found for the previous hunk, where the next one is tried first. */
  private inOffset = 0;
  /** Net lines added by applied hunks so far, to report where a hunk lands in the post-image. */
  private outOffset = 0;
  /** Base line → patch context line that matched it, so context lines in the output point into the patch. */
  private readonly contextPatchLine = new Map<number, number>();
  readonly results: HunkApplyResult[] = [];

  constructor(private readonly base: string[], private readonly maxFuzz: number) {}

  apply(unit: ApplyUnit): void {
    const pattern = unit.lines.filter((l) => l.kind !== '+');
    const changes = unit.lines.map((l, k) => (l.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
    const prefixContext = changes.length > 0 ? changes[0] : pattern.length;
    const suffixContext = changes.length > 0 ? unit.lines.length - 1 - changes[changes.length - 1] : pattern.length;
    const maxFuzz = Math.min(this.maxFuzz, Math.max(prefixContext, suffixContext));
    let found: Located | undefined;
    for (let fuzz = 0; !found && fuzz <= maxFuzz; fuzz++) {
      found = this.locate(unit, pattern, prefixContext, suffixContext, fuzz);
    }
    const label = `Hunk #${unit.hunk + 1}${unit.fragment > 0 ? ` (part ${unit.fragment + 1})` : ''}`;
    const base = { hunk: unit.hunk, fragment: unit.fragment, headerLine: unit.header.headerLine };
    if (!found) {
      this.results.push({
        ...base, status: 'failed', offset: 0, fuzz: 0,
        message: `${label} FAILED: ${this.explainFailure(unit, pattern, maxFuzz)}`,
      });
      return;
    }
    const { where, fuzz } = found;
    const offset = where - unit.statedLine;
    this.inOffset = offset;
    const postLine = where + this.outOffset;
    this.emit(unit, where);
    this.outOffset += unit.lines.filter((l) => l.kind === '+').length - unit.lines.filter((l) => l.kind === '-').length;
    const status: HunkApplyStatus = fuzz > 0 ? 'fuzz' : offset !== 0 ? 'offset' : 'exact';
    const plural = (n: number) => (Math.abs(n) === 1 ? 'line' : 'lines');
    const message = `${label} succeeded at ${postLine}` + (fuzz > 0 ? ` with fuzz ${fuzz}` : '') +
      (offset !== 0 ? ` (offset ${offset} ${plural(offset)})` : '') + '.';
    this.results.push({ ...base, status, offset, fuzz, baseLine: where, postLine, message });
  }

  /** patch(1)'s locate_hunk: returns the 1-based base line where the pattern's first line goes. */
  private locate(unit: ApplyUnit, pattern: HunkLine[], prefixContext: number, suffixContext: number,
    fuzz: number): Located | undefined {
    const inputLines = this.base.length;
    const patLines = pattern.length;
    const firstGuess = unit.statedLine + this.inOffset;
    if (patLines === 0) {
      // Nothing to match (pure addition): it goes where it is told, but not into already-patched text.
      const where = Math.min(Math.max(firstGuess, this.frozen + 1), inputLines + 1);
      return { where, fuzz };
    }
    const context = Math.max(prefixContext, suffixContext);
    let prefixFuzz = fuzz + prefixContext - context;
    let suffixFuzz = fuzz + suffixContext - context;
    if (!unit.trustContextAsymmetry) {
      prefixFuzz = Math.max(prefixFuzz, Math.min(fuzz, prefixContext));
      suffixFuzz = Math.max(suffixFuzz, Math.min(fuzz, suffixContext));
    }
    const maxWhere = inputLines - (patLines - Math.max(0, suffixFuzz)) + 1;
    // The hunk's leading context may overlap the previous hunk's trailing context, not its changes.
    const minWhere = Math.max(1, this.frozen + 1 - (prefixContext - Math.max(0, prefixFuzz)));
    if (prefixFuzz < 0 && unit.header.oldStart <= 1) {
      // Less leading than trailing context: the hunk was made at the start of the file.
      const where = 1;
      if (suffixFuzz < 0 && patLines !== inputLines) return undefined;
      return where >= minWhere && where <= maxWhere && this.matches(pattern, where, 0, Math.max(0, suffixFuzz))
        ? { where, fuzz } : undefined;
    }
    prefixFuzz = Math.max(0, prefixFuzz);
    if (suffixFuzz < 0) {
      // Less trailing than leading context: made at the end of the file.
      const where = inputLines - patLines + 1;
      return where >= minWhere && this.matches(pattern, where, prefixFuzz, 0) ? { where, fuzz } : undefined;
    }
    const maxPos = maxWhere - firstGuess;
    const maxNeg = firstGuess - minWhere;
    // Start at the first offset that lands inside [minWhere, maxWhere], so a wild header line number costs
    // nothing.
    const minOffset = maxPos < 0 ? -maxPos : maxNeg < 0 ? -maxNeg : 0;
    for (let offset = minOffset; offset <= Math.max(maxPos, maxNeg); offset++) {
      if (offset <= maxPos && firstGuess + offset >= minWhere &&
        this.matches(pattern, firstGuess + offset, prefixFuzz, suffixFuzz)) return { where: firstGuess + offset, fuzz };
      if (offset > 0 && offset <= maxNeg && firstGuess - offset <= maxWhere &&
        this.matches(pattern, firstGuess - offset, prefixFuzz, suffixFuzz)) return { where: firstGuess - offset, fuzz };
    }
    return undefined;
  }

  private matches(pattern: HunkLine[], where: number, prefixFuzz: number, suffixFuzz: number): boolean {
    if (where < 1) return false;
    for (let p = prefixFuzz; p < pattern.length - suffixFuzz; p++) {
      const baseIndex = where - 1 + p;
      if (baseIndex >= this.base.length || this.base[baseIndex] !== pattern[p].text) return false;
    }
    return true;
  }

  /** Copies base lines up to and including `last`, as patch's copy_till. */
  private copyTill(last: number): void {
    while (this.frozen < last && this.frozen < this.base.length) {
      this.frozen++;
      this.out.push(this.base[this.frozen - 1]);
      const patchLine = this.contextPatchLine.get(this.frozen);
      this.map.push(patchLine === undefined ? { origin: 'base', baseLine: this.frozen }
        : { origin: 'base', baseLine: this.frozen, patchLine });
    }
  }

  /** patch's apply_hunk: context stays in the base (copied lazily), `-` lines are skipped, `+` lines inserted. */
  private emit(unit: ApplyUnit, where: number): void {
    let baseLine = where;
    for (const line of unit.lines) {
      if (line.kind === ' ') {
        if (this.base[baseLine - 1] === line.text) this.contextPatchLine.set(baseLine, line.line);
        baseLine++;
      } else if (line.kind === '-') {
        this.copyTill(baseLine - 1);
        this.frozen = Math.max(this.frozen, baseLine);
        baseLine++;
      } else {
        this.copyTill(baseLine - 1);
        this.out.push(line.text);
        this.map.push({ origin: 'patch', patchLine: line.line });
      }
    }
  }

  /**
   * Where the hunk was tried, and why it does not fit at the most plausible place: the alignment whose old
   * lines match the longest run from the hunk's start or end (then the most lines, then the nearest). The line
   * that breaks that run is the one reported, which is usually the change in the base that the hunk predates.
   */
  private explainFailure(unit: ApplyUnit, pattern: HunkLine[], maxFuzz: number): string {
    const firstGuess = unit.statedLine + this.inOffset;
    const lowest = Math.max(1, this.frozen + 1);
    const tried = `tried at base line ${firstGuess}` +
      (this.inOffset !== 0 ? ` (header line ${unit.statedLine} + offset ${this.inOffset} of the previous hunk)` : '') +
      `, then at every position from base line ${lowest} on, with fuzz 0..${maxFuzz}`;
    if (pattern.length > this.base.length) {
      return `${tried}; the hunk has ${pattern.length} old lines but the base only ${this.base.length}`;
    }
    // Searched within a window around the first guess so a huge base stays cheap.
    const window = 5000;
    const lo = Math.max(1, firstGuess - window);
    const hi = Math.min(this.base.length - pattern.length + 1, firstGuess + window);
    const same = (where: number, p: number) => this.base[where - 1 + p] === pattern[p].text;
    let best: { where: number; run: number; fromEnd: boolean; total: number } | undefined;
    for (let where = lo; where <= hi; where++) {
      let prefix = 0;
      while (prefix < pattern.length && same(where, prefix)) prefix++;
      let suffix = 0;
      while (suffix < pattern.length && same(where, pattern.length - 1 - suffix)) suffix++;
      let total = 0;
      for (let p = 0; p < pattern.length; p++) if (same(where, p)) total++;
      const candidate = { where, run: Math.max(prefix, suffix), fromEnd: suffix > prefix, total };
      const better = !best || candidate.run > best.run ||
        (candidate.run === best.run && (candidate.total > best.total ||
          (candidate.total === best.total && Math.abs(where - firstGuess) < Math.abs(best.where - firstGuess))));
      if (better) best = candidate;
    }
    if (!best || best.total === 0) {
      return `${tried}; none of its ${pattern.length} context/removed lines occur near there`;
    }
    if (best.run === pattern.length) {
      // All lines match, at a place the rules above exclude.
      const where = `its old lines do occur at base line ${best.where} (offset ${best.where - unit.statedLine})`;
      return best.where < lowest
        ? `${tried}; ${where}, but that overlaps lines an earlier hunk changed`
        : `${tried}; ${where}, but with less context on one side the hunk was made at the start or end of a file and only fits there`;
    }
    const p = best.fromEnd ? pattern.length - 1 - best.run : best.run;
    const line = pattern[p];
    const baseLineNo = best.where + p;
    const kind = line.kind === ' ' ? 'context' : 'removed';
    const others = pattern.length - best.total - 1;
    const more = others > 0 ? ` (${others} more of its ${pattern.length} old lines differ there)` : '';
    return `${tried}; closest match at base line ${best.where} (offset ${best.where - unit.statedLine}): ` +
      `${kind} line ${unit.lines.indexOf(line) + 1} '${shorten(line.text)}' (patch line ${line.line}) does not match ` +
      `base line ${baseLineNo} '${shorten(this.base[baseLineNo - 1] ?? '')}'${more}`;
  }

  finish(): { out: string[]; map: LineOrigin[] } {
    this.copyTill(this.base.length);
    return { out: this.out, map: this.map };
  }
}

/** Whether the patch changes the final newline: `\ No newline at end of file` on the last old/new line. */
function finalNewline(file: FilePatch, baseEndsWithNewline: boolean, results: HunkApplyResult[]): boolean {
  const last = file.hunks[file.hunks.length - 1];
  if (!last || results.some((r) => r.hunk === file.hunks.length - 1 && r.status === 'failed')) return baseEndsWithNewline;
  const lastOld = [...last.lines].reverse().find((l) => l.kind !== '+');
  const lastNew = [...last.lines].reverse().find((l) => l.kind !== '-');
  if (lastNew?.noNewlineAtEnd) return false;
  if (lastOld?.noNewlineAtEnd) return true;
  return baseEndsWithNewline;
}

/** Applies all hunks of `file` to `base`. Failed hunks are reported and left out. Never throws. */
export function applyFilePatch(base: string, file: FilePatch, options: ApplyOptions = {}): FileApplyResult {
  const { lines, endsWithNewline } = textToLines(base);
  return applyFilePatchToLines(lines, endsWithNewline, file, options);
}

/** Same as applyFilePatch on a base already split into lines (saves re-splitting along a series). */
export function applyFilePatchToLines(base: string[], baseEndsWithNewline: boolean, file: FilePatch,
  options: ApplyOptions = {}): FileApplyResult {
  const applier = new HunkApplier(base, Math.max(0, options.maxFuzz ?? 2));
  for (const unit of unitsOf(file)) applier.apply(unit);
  const { out, map } = applier.finish();
  const results = applier.results;
  const newline = finalNewline(file, baseEndsWithNewline, results);
  return {
    postImage: linesToText(out, newline), postLines: out, lineMap: map, hunks: results,
    complete: results.every((r) => r.status !== 'failed'), endsWithNewline: newline,
  };
}

/** A hunk's post-image on its own (context and `+` lines), for analysing a patch without its base. */
export interface HunkPostImage {
  hunk: number;
  headerLine: number;
  /** The post-image line the header gives for the first line. */
  newStart: number;
  lines: string[];
  /** Context lines map to the old line the header implies (not checked against any file) and to their line in
   *  the patch; `+` lines to the patch. */
  lineMap: LineOrigin[];
  /** Indexes into `lines` before which quoted text was left out. */
  elisionsAt: number[];
}

export function hunkPostImages(file: FilePatch): HunkPostImage[] {
  return file.hunks.map((hunk, index) => {
    const lines: string[] = [];
    const lineMap: LineOrigin[] = [];
    const elisionsAt: number[] = [];
    const cuts = new Set(hunk.elisionsAt);
    let oldLine = hunk.oldStart;
    hunk.lines.forEach((line, k) => {
      if (cuts.has(k)) elisionsAt.push(lines.length);
      if (line.kind === '-') {
        oldLine++;
        return;
      }
      lines.push(line.text);
      if (line.kind === ' ') lineMap.push({ origin: 'base', baseLine: oldLine++, patchLine: line.line });
      else lineMap.push({ origin: 'patch', patchLine: line.line });
    });
    return { hunk: index, headerLine: hunk.headerLine, newStart: hunk.newStart, lines, lineMap, elisionsAt };
  });
}

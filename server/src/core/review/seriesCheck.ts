// Checks a patch series the way a reviewer reads it: patch k is analysed on top of patches 1..k-1, a finding
// is reported on patch k only if patch k introduced it (on the `+` line that carries it, or on the hunk
// header when the cause is a removed line), and a finding patch k removes is reported as information
// ("fixed by this patch"). Files without a base are checked hunk by hunk, at lower confidence.
import type { CheckResult } from '../document';
import type { Finding, RelatedLocation } from '../findings';
import { compareFindings } from '../findings';
import { buildSeries, hunkPostImages, hunkStats, parsePatchFile } from '../patch';
import type { Hunk, HunkStats, LineOrigin, PatchFile, SeriesFileResult, SeriesFileStatus, SeriesResult } from '../patch';
import { resolveBases, type BaseOptions, type BaseSource } from './baseResolver';
import { lineOfOrigin, mapPostLine, mapPreLine, type PatchLocation } from './lineMapping';

export interface SeriesCheckInput {
  fileName: string;
  text: string | Uint8Array;
}

export interface FunctionChange {
  name: string;
  added: number;
  fixed: number;
}

export interface FileReport {
  path: string;
  status: SeriesFileStatus;
  base: BaseSource;
  /** 1-based line of the file's diff header in the patch file. */
  headerLine: number;
  functions: FunctionChange[];
}

export interface PatchReport {
  fileName: string;
  /** 0-based position in the series (replies: the position of the patch they review, or -1). */
  position: number;
  subject: string;
  role: 'cover' | 'patch' | 'review';
  startLine: number;
  endLine: number;
  added: number;
  fixed: number;
  files: FileReport[];
}

/** A reconstructed post-image, shown to the user as a read-only document. */
export interface PostImage {
  key: string;
  patchFile: string;
  position: number;
  path: string;
  text: string;
  /** For each post-image line: the `+` line of the patch file it came from, or undefined for an unchanged line. */
  patchLines: (number | undefined)[];
}

export interface SeriesCheckResult {
  findings: Finding[];
  patches: PatchReport[];
  hunks: HunkStats;
  postImages: Map<string, PostImage>;
}

/** Analyses one C text; the caller keeps a per-path analyzer so unchanged functions are not re-interpreted. */
export type AnalyzeText = (path: string, text: string) => CheckResult;

export const PATCH_INPUT = 'PATCH-INPUT';

/** Thrown by SeriesChecker.check when its `shouldStop` said so before an image was analysed. */
export class SeriesCheckCancelled extends Error {
  constructor() {
    super('the series check was cancelled');
  }
}

export class SeriesChecker {
  private last?: { inputs: SeriesCheckInput[]; parsed: PatchFile[]; series: SeriesResult; base: string; sources: Map<string, BaseSource> };
  private shouldStop: () => boolean = () => false;

  constructor(private readonly analyze: AnalyzeText) {}

  /**
   * `shouldStop` is asked before each image is analysed; when it says so, the check throws
   * SeriesCheckCancelled. What it finished stays cached (the parsed mails, the applied series, every image
   * analysed), so the check that replaces it starts from there.
   */
  check(inputs: SeriesCheckInput[], options: BaseOptions = {}, shouldStop: () => boolean = () => false): SeriesCheckResult {
    this.shouldStop = shouldStop;
    // Re-parse only the inputs whose text changed; buildSeries recomputes from the first changed patch.
    const parsed = inputs.map((input, i) => {
      const prev = this.last?.inputs[i];
      return prev && prev.fileName === input.fileName && prev.text === input.text ? this.last!.parsed[i] : parsePatchFile(input.text, input.fileName);
    });
    // Applied patches are reused only against the same bases; their bases' sources come with them, as the
    // provider is not asked again for what they patched.
    const base = JSON.stringify([options.kernelTree, [...options.baseFiles ?? []]]);
    const previous = this.last?.base === base ? this.last : undefined;
    const bases = resolveBases(parsed, options);
    const series = buildSeries(parsed, bases.provider, { reuse: previous?.series });
    for (const [path, source] of previous?.sources ?? []) if (!bases.sources.has(path)) bases.sources.set(path, source);
    this.last = { inputs, parsed, series, base, sources: bases.sources };

    const findings: Finding[] = [
      ...parsed.flatMap((pf) => pf.problems.map((p) => inputFinding(pf.fileName, p.line, p.severity, p.message))),
      ...series.problems.map((p) => inputFinding(p.fileName, p.line, p.severity, p.message)),
    ];
    const patches: PatchReport[] = [];
    const postImages = new Map<string, PostImage>();
    const units = [
      ...series.patches.map((p) => ({ message: p.message, position: p.position, role: p.role as PatchReport['role'], files: p.files })),
      ...series.reviews.map((r) => ({ message: r.message, position: r.target ?? -1, role: 'review' as const, files: r.files })),
    ];
    for (const unit of units) {
      const report: PatchReport = {
        fileName: unit.message.fileName, position: unit.position, subject: unit.message.subject ?? '', role: unit.role,
        startLine: unit.message.startLine, endLine: unit.message.endLine, added: 0, fixed: 0, files: [],
      };
      for (const file of unit.files) {
        const fileReport: FileReport = {
          path: file.path, status: file.status, base: bases.sources.get(file.filePatch.oldPath ?? file.path) ?? 'none',
          headerLine: file.filePatch.headerLine, functions: [],
        };
        report.files.push(fileReport);
        findings.push(...file.problems.map((p) => inputFinding(unit.message.fileName, p.line, p.severity, p.message)));
        findings.push(...applyNotes(unit.message.fileName, file));
        if (!/\.[ch]$/.test(file.path)) continue;
        const changes = file.status === 'no-base'
          ? this.hunksAlone(unit.message.fileName, file)
          : this.prePost(unit.message.fileName, unit.position, file, postImages);
        for (const f of changes) {
          findings.push(f);
          const fixed = f.message.startsWith(FIXED_PREFIX);
          // Information (a finding only other entries reach, a function checked without its hunk) is no problem added.
          if (f.severity === 'info' && !fixed) continue;
          if (fixed) report.fixed++;
          else report.added++;
          let fn = fileReport.functions.find((x) => x.name === f.function);
          if (!fn) fileReport.functions.push((fn = { name: f.function, added: 0, fixed: 0 }));
          if (fixed) fn.fixed++;
          else fn.added++;
        }
      }
      patches.push(report);
    }
    const unique = new Map(findings.map((f) => [`${f.file}\u0000${f.line}\u0000${f.rule}\u0000${f.message}`, f]));
    return { findings: [...unique.values()].sort(compareFindings), patches, hunks: hunkStats(series), postImages };
  }

  private analyzeImage(path: string, text: string): CheckResult {
    if (this.shouldStop()) throw new SeriesCheckCancelled();
    return this.analyze(path, text);
  }

  /** Findings patch k introduces or removes, between its pre-image and its post-image. */
  private prePost(patchFile: string, position: number, file: SeriesFileResult, postImages: Map<string, PostImage>): Finding[] {
    if (file.preImage === undefined || file.postImage === undefined || !file.apply) return [];
    const key = postImageKey(patchFile, position, file.path);
    postImages.set(key, {
      key, patchFile, position, path: file.path, text: file.postImage,
      patchLines: file.apply.lineMap.map((o) => (o.origin === 'patch' ? o.patchLine : undefined)),
    });
    const before = file.preImage === '' ? [] : this.analyzeImage(file.path, file.preImage).findings;
    const after = this.analyzeImage(file.path, file.postImage);
    const beforeKeys = new Set(before.map(identity));
    const afterKeys = new Set(after.findings.map(identity));
    const out: Finding[] = [];
    const added = after.findings.filter((f) => !beforeKeys.has(identity(f)));
    const failed = (file.apply?.hunks ?? []).filter((h) => h.status === 'failed').map((h) => file.filePatch.hunks[h.hunk]);
    for (const f of added) {
      const fn = after.functions.find((x) => x.name === f.function);
      // The function as this patch meant it is not what was checked: say so, at information level.
      const missing = fn && failed.find((h) => touches(h, fn));
      const message = patchLineWords(f.message, (n) => file.apply?.lineMap[n - 1]);
      const worded = missing
        ? { ...f, severity: 'info' as const, message: `${message} (checked without the hunk at patch line ${missing.headerLine}, which did not apply to ${f.function}())` }
        : { ...f, message };
      const onPlus = (line: number) => file.apply?.lineMap[line - 1]?.origin === 'patch';
      // Put the finding on a `+` line: its own, else the first related place the patch added (the new
      // `return` or `goto` that leaks a lock taken on an unchanged line).
      const lead = onPlus(f.line) ? undefined : f.related.find((r) => !r.file && onPlus(r.line));
      const primary = lead
        ? { ...worded, line: lead.line, column: lead.column, endLine: lead.endLine, endColumn: lead.endColumn,
          related: [{ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: `${f.message.split(' (')[0]}` },
            ...f.related.filter((r) => r !== lead)] }
        : worded;
      const at = mapPostLine(file, primary.line, fn ? [fn.startLine, fn.endLine] : undefined);
      out.push(relocate(primary, patchFile, at, (r) => relatedInPost(r, file, patchFile, key), `${POST_IMAGE_SCHEME}${key}`));
    }
    // A finding whose lock is still reported, only on other paths, changed rather than went away.
    const changed = new Set(added.map(lockOf));
    for (const f of before.filter((b) => !afterKeys.has(identity(b)) && !changed.has(lockOf(b)))) {
      const at = mapPreLine(file, f.line);
      out.push({
        ...relocate(f, patchFile, at, () => undefined), severity: 'info',
        message: `${FIXED_PREFIX}${f.message.replace(/\bline (\d+)/g, 'line $1 before this patch')}`,
      });
    }
    return out;
  }

  /** No base: each hunk's post-image alone; only functions wholly inside a hunk, at lower confidence. */
  private hunksAlone(patchFile: string, file: SeriesFileResult): Finding[] {
    const out: Finding[] = [];
    for (const image of file.postImageOnly ?? hunkPostImages(file.filePatch)) {
      const result = this.analyzeImage(`${file.path}#hunk${image.hunk}`, image.lines.join('\n') + '\n');
      for (const f of result.findings) {
        const fn = result.functions.find((x) => x.name === f.function);
        // A function cut by the hunk's edges may have its lock or unlock outside: no evidence, no finding.
        if (!fn || fn.startLine <= 1 && !/^\S/.test(image.lines[0] ?? '') || fn.endLine >= image.lines.length && !/^}/.test(image.lines[fn.endLine - 1] ?? '')) continue;
        if (fn.parseProblems > 0 && (fn.startLine === 1 || fn.endLine === image.lines.length)) continue;
        const at: PatchLocation = lineOfOrigin(image.lineMap[f.line - 1]) ?? { line: image.headerLine, kind: 'near' };
        out.push({
          ...relocate(f, patchFile, at, () => undefined),
          severity: f.severity === 'error' ? 'warning' : f.severity,
          message: `${patchLineWords(f.message, (n) => image.lineMap[n - 1])} (no base for ${file.path}: checked on this hunk alone)`,
        });
      }
    }
    return out;
  }
}

export const FIXED_PREFIX = 'fixed by this patch: ';

export function postImageKey(patchFile: string, position: number, path: string): string {
  return `${patchFile}\u0000${position}\u0000${path}`;
}

/** What a finding is about, independent of line numbers and path counts (they move between versions). */
function identity(f: Finding): string {
  return `${f.rule}|${f.function}|${f.message.replace(/\(line \d+\)/g, '').replace(/line \d+/g, '')
    .replace(/\d+ paths|the path/g, 'paths').replace(/another path|other paths/g, 'other paths')}`;
}

function lockOf(f: Finding): string {
  return `${f.rule}|${f.function}|${f.message.split(' is ')[0]}`;
}

/**
 * Line numbers inside a message refer to the analysed image; on a patch they are said as patch lines when
 * the line is one of the patch's `+` lines, else as lines of the file after the patch.
 */
function patchLineWords(message: string, lineOrigin: (line: number) => LineOrigin | undefined): string {
  return message.replace(/\bline (\d+)/g, (_m, n: string) => {
    const origin = lineOrigin(Number(n));
    return origin?.origin === 'patch' ? `patch line ${origin.patchLine}` : `line ${n} of the patched file`;
  });
}

/**
 * The finding moved to patch line `at`. When that is not the line the finding was on (a hunk header stands
 * for an unchanged or removed line), a related location points to the place in `image` (the post-image
 * document, when there is one).
 */
function relocate(f: Finding, patchFile: string, at: PatchLocation, related: (r: RelatedLocation) => RelatedLocation | undefined,
  image?: string): Finding {
  // On a line of the hunk the text starts one column later than in the image (the '+', ' ' or '-' prefix).
  const exact = at.kind === 'added' || at.kind === 'context' || at.kind === 'removed';
  const column = exact ? f.column + 1 : 1;
  const endColumn = exact && f.endLine === f.line ? f.endColumn + 1 : column + 1;
  const rel = f.related.map(related).filter((r): r is RelatedLocation => r !== undefined);
  if (!exact && image) {
    rel.unshift({ file: image, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: `the place in the patched file (line ${f.line})` });
  }
  return { ...f, file: patchFile, line: at.line, column, endLine: at.line, endColumn, related: rel.filter((r) => r.line > 0) };
}

function relatedInPost(r: RelatedLocation, file: SeriesFileResult, patchFile: string, key: string): RelatedLocation {
  const origin = file.apply?.lineMap[r.line - 1];
  if (origin?.origin === 'patch') {
    return { ...r, file: patchFile, line: origin.patchLine, endLine: origin.patchLine, column: r.column + 1, endColumn: r.endColumn + 1 };
  }
  return { ...r, file: `${POST_IMAGE_SCHEME}${key}` };
}

/** Related locations in a reconstructed post-image are named `post-image:<key>`; the LSP layer makes URIs of them. */
export const POST_IMAGE_SCHEME = 'post-image:';

function inputFinding(file: string, line: number, severity: Finding['severity'], message: string): Finding {
  return { file, line, column: 1, endLine: line, endColumn: 2, severity, rule: PATCH_INPUT, message, function: '', related: [] };
}

/**
 * Whether a hunk (one that did not apply) was meant for the function: its header names it (git's function
 * context after `@@`), or the lines it was written for overlap it.
 */
function touches(hunk: Hunk, fn: { name: string; startLine: number; endLine: number }): boolean {
  if (new RegExp(`\\b${fn.name}\\s*\\(`).test(hunk.section)) return true;
  return hunk.newStart <= fn.endLine && hunk.newStart + hunk.newCount >= fn.startLine;
}

/** Hunks that did not apply are errors; fuzz is worth a note (the context differs from the base). */
function applyNotes(patchFile: string, file: SeriesFileResult): Finding[] {
  return (file.apply?.hunks ?? [])
    .filter((h) => h.status === 'failed' || h.status === 'fuzz')
    .map((h) => inputFinding(patchFile, h.headerLine, h.status === 'failed' ? 'error' : 'info', `${file.path}: ${h.message}`));
}

// Unified diffs inside a message body: git's `diff --git` sections with their extended headers, and plain
// `---`/`+++` sections as `diff -u` writes them. Hunks are read by their header line counts, like patch(1)
// and git apply do, so a `-- ` signature or the reviewer's text after a complete hunk ends the diff, while the
// same text inside an incomplete hunk is reported as a count mismatch. Every hunk line keeps its line in the
// original patch file. Malformed input yields problems, never exceptions.
import type { FilePatch, Hunk, HunkLine, PatchProblem, SourceLine } from './types';

export interface DiffParseOptions {
  /** The lines were extracted from a reply's quote: count mismatches are expected there and are warnings. */
  quoted?: boolean;
  quoteDepth?: number;
  /** Leading path components to strip, as `patch -p`; kernel patches use 1 (`a/`, `b/`). */
  strip?: number;
}

const hunkHeaderRe = /^@@ +-(\d{1,9})(?:,(\d{1,9}))? +\+(\d{1,9})(?:,(\d{1,9}))? +@@(.*)$/;
const indexRe = /^index ([0-9a-fA-F]+)\.\.([0-9a-fA-F]+)(?: +([0-7]+))?\s*$/;
const base85Line = /^[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*$/;

/** Long lines are cut in messages so a 1 MB line does not end up in a diagnostic. */
export function shorten(text: string, max = 60): string {
  const t = text.trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** Undoes git's C-style quoting of unusual path names (`"a/t\303\244st"`). Returns the path and the rest. */
function unquotePath(s: string): [string, string] | undefined {
  if (!s.startsWith('"')) return undefined;
  let bytes = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return [Buffer.from(bytes, 'latin1').toString('utf8'), s.slice(i + 1)];
    if (c !== '\\') {
      bytes += Buffer.from(c, 'utf8').toString('latin1');
      continue;
    }
    const next = s[++i] ?? '';
    const octal = /^[0-7]{3}/.exec(s.slice(i, i + 3));
    if (octal) {
      bytes += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
      i += 2;
    } else {
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
      bytes += escapes[next] ?? next;
    }
  }
  return undefined;
}

/** `a/X b/Y` of a `diff --git` line. Unquoted names with spaces are split where both halves name the same
 *  file after the prefix, which is what git does for the common case of an unrenamed file. */
function parseGitDiffNames(rest: string): [string, string] | undefined {
  const first = unquotePath(rest);
  if (first) {
    const second = first[1].trimStart();
    const quoted = unquotePath(second);
    return [first[0], quoted ? quoted[0] : second];
  }
  const quotedSecond = rest.indexOf(' "');
  if (quotedSecond > 0) {
    const second = unquotePath(rest.slice(quotedSecond + 1));
    if (second) return [rest.slice(0, quotedSecond), second[0]];
  }
  const withoutPrefix = (p: string) => p.slice(p.indexOf('/') + 1);
  for (let k = rest.indexOf(' '); k > 0; k = rest.indexOf(' ', k + 1)) {
    const a = rest.slice(0, k);
    const b = rest.slice(k + 1);
    if (withoutPrefix(a) === withoutPrefix(b)) return [a, b];
  }
  const bAt = rest.indexOf(' b/');
  if (bAt > 0) return [rest.slice(0, bAt), rest.slice(bAt + 1)];
  return undefined;
}

/** The name on a `---`/`+++` line: quoted or not, without the timestamp that `diff -u` appends after a tab. */
function headerPath(s: string): string {
  const quoted = unquotePath(s);
  if (quoted) return quoted[0];
  const tab = s.indexOf('\t');
  return (tab >= 0 ? s.slice(0, tab) : s).replace(/\s+$/, '');
}

function stripComponents(path: string, strip: number): string {
  let p = path;
  for (let k = 0; k < strip; k++) {
    const slash = p.indexOf('/');
    if (slash < 0) break;
    p = p.slice(slash + 1);
  }
  return p;
}

const isDevNull = (p: string) => p === '/dev/null';

const displayName = (file: FilePatch) => file.newPath ?? file.oldPath ?? '(unnamed)';

const isHunkBodyLine = (t: string) => t === '' || t[0] === ' ' || t[0] === '+' || t[0] === '-' || t[0] === '\\';

class DiffParser {
  private readonly files: FilePatch[] = [];
  private current: FilePatch | undefined;
  private readonly strip: number;
  private readonly quoted: boolean;
  /** Problems the author of a mail must fix are errors; in quoted text they are what quoting does. */
  private readonly breakage: 'error' | 'warning';

  constructor(private readonly lines: SourceLine[], private readonly problems: PatchProblem[],
    private readonly options: DiffParseOptions) {
    this.strip = options.strip ?? 1;
    this.quoted = options.quoted ?? false;
    this.breakage = this.quoted ? 'warning' : 'error';
  }

  parse(): FilePatch[] {
    let i = 0;
    while (i < this.lines.length) {
      const t = this.lines[i].text;
      if (t.startsWith('diff --git ')) i = this.gitSection(i);
      else if (this.isPlainFileHeader(i)) i = this.plainSection(i);
      else if (t.startsWith('@@')) i = this.hunk(i);
      else i++;
    }
    this.finishFile();
    return this.files;
  }

  private text(i: number): string {
    return i < this.lines.length ? this.lines[i].text : '';
  }

  private isPlainFileHeader(i: number): boolean {
    return this.text(i).startsWith('--- ') && i + 1 < this.lines.length && this.text(i + 1).startsWith('+++ ');
  }

  private isSectionStart(i: number): boolean {
    const t = this.text(i);
    return t.startsWith('diff --git ') || t.startsWith('@@') || this.isPlainFileHeader(i);
  }

  /**
   * Inside a hunk that still expects lines, `--- x`/`+++ y` could be a removed and an added line, so only a
   * full `---`/`+++`/`@@` header counts as the next file (a truncated hunk then reports its short count).
   */
  private isSectionStartInsideHunk(i: number): boolean {
    const t = this.text(i);
    return t.startsWith('diff --git ') || t.startsWith('@@') ||
      (this.isPlainFileHeader(i) && this.text(i + 2).startsWith('@@ '));
  }

  private problem(severity: PatchProblem['severity'], line: number, message: string): void {
    this.problems.push({ severity, line, message });
  }

  private startFile(headerLine: number): FilePatch {
    this.finishFile();
    const file: FilePatch = {
      oldPath: null, newPath: null, rawOldPath: null, rawNewPath: null, headerLine,
      isNew: false, isDeleted: false, isRename: false, isCopy: false, isBinary: false, headerless: false,
      quoted: this.quoted, quoteDepth: this.options.quoteDepth ?? 0, hunks: [],
    };
    this.current = file;
    return file;
  }

  private finishFile(): void {
    const file = this.current;
    if (!file) return;
    this.current = undefined;
    const onlyMetadata = file.isBinary || file.isRename || file.isCopy || file.isNew || file.isDeleted ||
      file.oldMode !== undefined || file.newMode !== undefined;
    if (file.hunks.length === 0 && !onlyMetadata) {
      this.problem('warning', file.headerLine, `file section for ${displayName(file)} has no hunks`);
    }
    this.files.push(file);
  }

  private gitSection(i: number): number {
    const header = this.lines[i];
    const file = this.startFile(header.line);
    const names = parseGitDiffNames(header.text.slice('diff --git '.length));
    if (names) {
      [file.rawOldPath, file.rawNewPath] = names;
      file.oldPath = stripComponents(names[0], this.strip);
      file.newPath = stripComponents(names[1], this.strip);
    } else {
      this.problem(this.breakage, header.line, `cannot read the file names of "${shorten(header.text)}"`);
    }
    let j = i + 1;
    for (; j < this.lines.length; j++) {
      const t = this.text(j);
      let m: RegExpExecArray | null;
      if ((m = /^old mode ([0-7]+)\s*$/.exec(t))) file.oldMode = m[1];
      else if ((m = /^new mode ([0-7]+)\s*$/.exec(t))) file.newMode = m[1];
      else if ((m = /^deleted file mode ([0-7]+)\s*$/.exec(t))) {
        file.isDeleted = true;
        file.oldMode = m[1];
      } else if ((m = /^new file mode ([0-7]+)\s*$/.exec(t))) {
        file.isNew = true;
        file.newMode = m[1];
      } else if ((m = /^(rename|copy) (from|to|old|new) (.+)$/.exec(t))) {
        const path = unquotePath(m[3])?.[0] ?? m[3];
        if (m[1] === 'rename') file.isRename = true;
        else file.isCopy = true;
        if (m[2] === 'from' || m[2] === 'old') file.oldPath = path;
        else file.newPath = path;
      } else if ((m = /^(?:dis)?similarity index (\d{1,3})%\s*$/.exec(t))) file.similarity = Number(m[1]);
      else if ((m = indexRe.exec(t))) {
        file.oldBlob = m[1];
        file.newBlob = m[2];
        if (m[3]) file.mode = m[3];
      } else break;
    }
    if (file.isNew) file.oldPath = null;
    if (file.isDeleted) file.newPath = null;
    const t = this.text(j);
    if (this.isPlainFileHeader(j)) {
      this.readFileHeaderPaths(file, j);
      return j + 2;
    }
    if (t.startsWith('Binary files ') && / differ\s*$/.test(t)) {
      file.isBinary = true;
      this.problem('info', this.lines[j].line, `binary diff of ${displayName(file)} skipped`);
      return j + 1;
    }
    if (t.startsWith('GIT binary patch')) {
      file.isBinary = true;
      this.problem('info', this.lines[j].line, `binary patch of ${displayName(file)} skipped`);
      return this.skipGitBinary(j + 1);
    }
    return j;
  }

  private plainSection(i: number): number {
    const file = this.startFile(this.lines[i].line);
    this.readFileHeaderPaths(file, i);
    return i + 2;
  }

  private readFileHeaderPaths(file: FilePatch, i: number): void {
    const oldName = headerPath(this.text(i).slice(4));
    const newName = headerPath(this.text(i + 1).slice(4));
    file.rawOldPath = oldName;
    file.rawNewPath = newName;
    // Rename/copy headers already named the files without prefixes; keep those.
    if (isDevNull(oldName)) {
      file.oldPath = null;
      file.isNew = true;
    } else if (!file.isRename && !file.isCopy) file.oldPath = stripComponents(oldName, this.strip);
    if (isDevNull(newName)) {
      file.newPath = null;
      file.isDeleted = true;
    } else if (!file.isRename && !file.isCopy) file.newPath = stripComponents(newName, this.strip);
  }

  /** `GIT binary patch`: one or two `literal N`/`delta N` blocks of base85 lines, each ended by an empty line. */
  private skipGitBinary(i: number): number {
    let j = i;
    for (let block = 0; block < 2; block++) {
      if (!/^(?:literal|delta) \d+\s*$/.test(this.text(j))) break;
      j++;
      while (j < this.lines.length && base85Line.test(this.text(j))) j++;
      if (j < this.lines.length && this.text(j) === '') j++;
      else {
        this.problem('warning', this.lines[Math.min(j, this.lines.length - 1)].line, 'GIT binary patch block not terminated by an empty line');
        break;
      }
    }
    return j;
  }

  private hunk(i: number): number {
    const header = this.lines[i];
    const m = hunkHeaderRe.exec(header.text);
    if (!m) {
      const why = header.text.startsWith('@@@') ? 'combined (merge) diff hunks are not supported' : 'malformed hunk header';
      this.problem(this.breakage, header.line, `${why}: "${shorten(header.text)}"`);
      // Skip the lines that belong to it, so they are not mistaken for anything else.
      let j = i + 1;
      while (j < this.lines.length && isHunkBodyLine(this.text(j)) && !this.isSectionStart(j)) j++;
      return j;
    }
    if (!this.current) {
      this.problem(this.breakage, header.line, 'hunk without a file header (no diff --git or ---/+++ lines before it)');
      this.startFile(header.line).headerless = true;
    }
    const hunk: Hunk = {
      oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]),
      section: m[5].trim(), headerLine: header.line, lines: [], countsMatch: true, elisionsAt: [],
    };
    this.current!.hunks.push(hunk);
    let oldLeft = hunk.oldCount;
    let newLeft = hunk.newCount;
    let emptyLineAsContext = -1;
    let j = i + 1;
    for (; j < this.lines.length; j++) {
      const { text: t, line, elidedBefore } = this.lines[j];
      const incomplete = oldLeft > 0 || newLeft > 0;
      if (elidedBefore && hunk.lines.length > 0) {
        // Quoted text resumes after a cut: the same hunk continues if it still expects lines.
        if (!incomplete || !isHunkBodyLine(t) || this.isSectionStartInsideHunk(j)) break;
        hunk.elisionsAt.push(hunk.lines.length);
      }
      if (t.startsWith('\\')) {
        const last = hunk.lines[hunk.lines.length - 1];
        if (last) last.noNewlineAtEnd = true;
        continue;
      }
      if (incomplete ? this.isSectionStartInsideHunk(j) : this.isSectionStart(j)) break;
      let kind: HunkLine['kind'];
      if (t === '') {
        // An empty line inside a hunk is an empty context line whose space a mailer or editor stripped;
        // git apply and patch(1) read it that way too. It only fits while both sides still expect lines.
        if (oldLeft <= 0 || newLeft <= 0) break;
        kind = ' ';
        if (emptyLineAsContext < 0) emptyLineAsContext = line;
      } else if (t[0] === ' ' || t[0] === '-' || t[0] === '+') {
        kind = t[0];
        // After a complete hunk only more `+`/`-` lines (an undercounting header) continue it; the
        // `-- ` signature and anything else end the diff.
        if (!incomplete && (kind === ' ' || t === '-- ' || t === '--')) break;
      } else break;
      hunk.lines.push({ kind, text: t.slice(1), line });
      if (kind !== '+') oldLeft--;
      if (kind !== '-') newLeft--;
    }
    this.checkCounts(hunk, j >= this.lines.length);
    if (emptyLineAsContext > 0 && !this.quoted) {
      this.problem('info', emptyLineAsContext, 'empty line inside a hunk read as an empty context line (whitespace-damaged patch)');
    }
    return j;
  }

  private checkCounts(hunk: Hunk, atEnd: boolean): void {
    const foundOld = hunk.lines.filter((l) => l.kind !== '+').length;
    const foundNew = hunk.lines.filter((l) => l.kind !== '-').length;
    if (foundOld === hunk.oldCount && foundNew === hunk.newCount) return;
    hunk.countsMatch = false;
    const header = `@@ -${hunk.oldStart},${hunk.oldCount} +${hunk.newStart},${hunk.newCount} @@`;
    let why = '';
    if (hunk.elisionsAt.length > 0) why = '; the quote leaves lines out';
    else if (atEnd && (foundOld < hunk.oldCount || foundNew < hunk.newCount)) why = '; the input ends inside the hunk';
    this.problem(this.breakage, hunk.headerLine,
      `hunk ${header}: header expects ${hunk.oldCount} old / ${hunk.newCount} new lines, found ${foundOld} old / ${foundNew} new${why}`);
  }
}

/** Parses every diff in `lines`; problems are appended to `problems`. */
export function parseDiff(lines: SourceLine[], problems: PatchProblem[], options: DiffParseOptions = {}): FilePatch[] {
  return new DiffParser(lines, problems, options).parse();
}

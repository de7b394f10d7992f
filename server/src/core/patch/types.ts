// Plain-data types of the patch-series input layer (mail → diff → applied text). Every position is a 1-based
// line of the ORIGINAL patch file as the editor shows it, because findings are reported on the patch's own lines.
import type { Severity } from '../findings';

/** Something wrong or noteworthy in the input. The parser reports these instead of throwing. */
export interface PatchProblem {
  severity: Severity;
  message: string;
  /** 1-based line in the original patch file. */
  line: number;
}

/** One decoded text line and the line of the original file it came from. */
export interface SourceLine {
  text: string;
  /** 1-based line in the original patch file. */
  line: number;
  /**
   * Only in quoted text extracted from a reply: something was left out just before this line (the reviewer's
   * own text, or an elision marker such as `[...]`), so a hunk may continue here with lines missing.
   */
  elidedBefore?: boolean;
}

export type HunkLineKind = ' ' | '-' | '+';

export interface HunkLine {
  kind: HunkLineKind;
  /** The line without its one-character prefix. */
  text: string;
  /** 1-based line in the original patch file. */
  line: number;
  /** Followed by `\ No newline at end of file`. */
  noNewlineAtEnd?: boolean;
}

export interface Hunk {
  /** As written in the header: `@@ -oldStart,oldCount +newStart,newCount @@ section`. */
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The text after the closing `@@` (git puts the enclosing function there), trimmed. */
  section: string;
  /** 1-based line of the `@@` header in the original patch file. */
  headerLine: number;
  lines: HunkLine[];
  /** The line counts in the header match the lines found. */
  countsMatch: boolean;
  /**
   * Indexes into `lines` where quoted text was elided before that line (replies only). The applier treats the
   * pieces between them as separate fragments, each located on its own.
   */
  elisionsAt: number[];
}

export interface FilePatch {
  /** Path of the pre-image with the leading component stripped (`-p1`); null for a new file (/dev/null). */
  oldPath: string | null;
  /** Path of the post-image with the leading component stripped; null for a deleted file. */
  newPath: string | null;
  /** The paths exactly as written (`a/mm/khugepaged.c`), for messages. */
  rawOldPath: string | null;
  rawNewPath: string | null;
  /** 1-based line of `diff --git`, or of `---` for a plain unified diff, or of the first hunk if headerless. */
  headerLine: number;
  /** Blob ids of the `index` line. */
  oldBlob?: string;
  newBlob?: string;
  /** From `old mode`/`new mode`, `new file mode`, `deleted file mode`: set only when the mode changes. */
  oldMode?: string;
  newMode?: string;
  /** The unchanged mode on the `index` line. */
  mode?: string;
  isNew: boolean;
  isDeleted: boolean;
  isRename: boolean;
  isCopy: boolean;
  /** `similarity index N%` of a rename or copy. */
  similarity?: number;
  /** `Binary files … differ` or `GIT binary patch`: no hunks are available. */
  isBinary: boolean;
  /** Hunks found without any `diff`/`---` header before them (common in quoted review text). */
  headerless: boolean;
  /** Taken from quoted text of a reply (`> ` lines). */
  quoted: boolean;
  /** How many `>` levels were stripped (0 when not quoted). */
  quoteDepth: number;
  hunks: Hunk[];
}

/** `[RFC PATCH v2 09/12] khugepaged: ...` taken apart. */
export interface PatchSubject {
  raw: string;
  /** Started with `Re:` (or `Aw:`, `Sv:`, `Fwd:`). */
  isReply: boolean;
  /** Tags inside the brackets other than version and k/N, e.g. ['RFC', 'PATCH'] or ['PATCH', 'mm-unstable']. */
  tags: string[];
  isRfc: boolean;
  version?: number;
  index?: number;
  total?: number;
  /** The subject after the bracketed prefixes. */
  title: string;
}

export interface MailHeader {
  /** As written (case kept); look-ups are case-insensitive. */
  name: string;
  /** Unfolded, RFC 2047 encoded-words decoded. */
  value: string;
  /** 1-based line of the header's first line. */
  line: number;
}

/** How the body text was obtained; decides how exact the line map is. */
export type BodyEncoding = 'none' | '7bit' | '8bit' | 'binary' | 'quoted-printable' | 'base64' | 'mixed';

export interface PatchMessage {
  /** 0-based position of the message inside its file. */
  indexInFile: number;
  fileName: string;
  /** 1-based first line (the mbox `From ` line or the first header) and last line of the message. */
  startLine: number;
  endLine: number;
  headers: MailHeader[];
  subject?: string;
  subjectInfo?: PatchSubject;
  from?: string;
  date?: string;
  /** Without the angle brackets. */
  messageId?: string;
  inReplyTo?: string;
  /** 00/N of a series (or a `[PATCH 0/N]`): carries the series description, never a diff to apply. */
  isCoverLetter: boolean;
  /** A reply (`Re:` subject), whose diffs are normally quoted review context. */
  isReply: boolean;
  /** Some diff of this message was extracted from quoted text. */
  quoted: boolean;
  bodyEncoding: BodyEncoding;
  /**
   * Decoded body lines of the selected text parts, each with the original line it came from. Exact for
   * 7bit/8bit and quoted-printable (a soft-wrapped line maps to its first encoded line); for base64 a line maps
   * to the encoded line holding its first byte.
   */
  body: SourceLine[];
  files: FilePatch[];
  problems: PatchProblem[];
}

export interface PatchFile {
  fileName: string;
  /** `mbox`: `From ` separated messages; `mail`: one RFC 822 message; `diff`: no mail headers at all. */
  format: 'mbox' | 'mail' | 'diff';
  /** Number of lines in the original input. */
  lineCount: number;
  messages: PatchMessage[];
  /** Problems of the file itself plus those of all its messages, sorted by line. */
  problems: PatchProblem[];
}

/**
 * Where a line of an applied post-image came from. `base`: the pre-image (its 1-based line), with `patchLine`
 * set when a context line of the patch matched it; `patch`: a `+` line of the patch file.
 */
export type LineOrigin =
  | { origin: 'base'; baseLine: number; patchLine?: number }
  | { origin: 'patch'; patchLine: number };

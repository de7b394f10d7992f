// One patch file (an editor buffer or a file on disk) → messages → file diffs, with every line traced back to
// the file's own lines. The only entry point that sees raw input; it never throws.
import { splitLines, toBinaryInput } from './encoding';
import { parseDiff } from './diff';
import { headerValue, splitMessages, type RawMessage } from './mail';
import { extractQuotedDiffs } from './quote';
import { parseSubject } from './subject';
import type { FilePatch, PatchFile, PatchMessage, PatchProblem } from './types';

export interface ParsePatchOptions {
  /** Leading path components stripped from diff file names, as `patch -p`; default 1. */
  strip?: number;
}

export function parsePatchFile(input: string | Uint8Array, fileName: string, options: ParsePatchOptions = {}): PatchFile {
  try {
    return parse(input, fileName, options);
  } catch (error) {
    // Defensive only: the parser is written not to throw, and the robustness tests check that this never fires.
    return {
      fileName, format: 'diff', lineCount: 0, messages: [],
      problems: [{ severity: 'error', line: 1, message: `internal error while parsing the patch: ${String(error)}` }],
    };
  }
}

function parse(input: string | Uint8Array, fileName: string, options: ParsePatchOptions): PatchFile {
  const { binary, fromText } = toBinaryInput(input);
  const rawLines = binary === '' ? [] : splitLines(binary);
  const split = splitMessages(rawLines, fromText);
  const messages = split.messages.map((raw, k) => buildMessage(raw, k, fileName, options));
  const problems = messages.flatMap((m) => m.problems).sort((a, b) => a.line - b.line);
  return { fileName, format: split.format, lineCount: rawLines.length, messages, problems };
}

/** `<id@host>` → `id@host`; the first id when a header lists several. */
function messageIdOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = m ? m[1] : value.trim();
  return id === '' ? undefined : id;
}

function buildMessage(raw: RawMessage, indexInFile: number, fileName: string, options: ParsePatchOptions): PatchMessage {
  const problems: PatchProblem[] = [...raw.problems];
  const subject = headerValue(raw.headers, 'subject');
  const subjectInfo = subject === undefined ? undefined : parseSubject(subject);
  const files: FilePatch[] = [];
  for (const part of raw.parts) {
    files.push(...parseDiff(part.lines, problems, { strip: options.strip }));
    for (const view of extractQuotedDiffs(part)) {
      files.push(...parseDiff(view.lines, problems, { quoted: true, quoteDepth: view.depth, strip: options.strip }));
    }
  }
  files.sort((a, b) => a.headerLine - b.headerLine);
  const inReplyTo = messageIdOf(headerValue(raw.headers, 'in-reply-to'));
  // A reply normally says "Re:"; archived copies sometimes lost the subject, so a numberless mail answering
  // another one whose only diffs are quoted counts as a reply too.
  const onlyQuotedDiffs = files.length > 0 && files.every((f) => f.quoted);
  const isReply = (subjectInfo?.isReply ?? false) ||
    (subjectInfo?.index === undefined && inReplyTo !== undefined && onlyQuotedDiffs);
  return {
    indexInFile, fileName, startLine: raw.startLine, endLine: raw.endLine, headers: raw.headers,
    subject, subjectInfo,
    from: headerValue(raw.headers, 'from'),
    date: headerValue(raw.headers, 'date'),
    messageId: messageIdOf(headerValue(raw.headers, 'message-id')),
    inReplyTo,
    isCoverLetter: subjectInfo?.index === 0 && !isReply,
    isReply,
    quoted: files.some((f) => f.quoted),
    bodyEncoding: raw.bodyEncoding,
    body: raw.parts.flatMap((p) => p.lines),
    files,
    problems: problems.sort((a, b) => a.line - b.line),
  };
}

// Splits a patch file into mail messages and decodes their bodies to text lines that remember their original
// line. Handles: mbox (`From ` separator lines, as `git format-patch --stdout`, `b4 am` and public-inbox write;
// mboxrd `>From ` unescaping), a single RFC 822 mail, a bare format-patch file, and plain text with no headers
// (a diff). MIME: quoted-printable and base64 bodies, multipart bodies (text/plain and patch attachments are
// kept), charsets. Nothing here throws; problems are collected instead.
import {
  decodeBase64, decodeBytes, decodeHeaderValue, decodeQuotedPrintable, isKnownCharset,
  type DecodeReport, type DecodedLine,
} from './encoding';
import type { BodyEncoding, MailHeader, PatchProblem, SourceLine } from './types';

/** A contiguous run of decoded body lines with the MIME properties the quote extractor needs. */
export interface BodyPart {
  lines: SourceLine[];
  /** `format=flowed` (RFC 3676): quoted lines carry an extra stuffed space. */
  flowed: boolean;
}

export interface RawMessage {
  startLine: number;
  endLine: number;
  headers: MailHeader[];
  parts: BodyPart[];
  bodyEncoding: BodyEncoding;
  problems: PatchProblem[];
}

export interface SplitResult {
  format: 'mbox' | 'mail' | 'diff';
  messages: RawMessage[];
}

const MAX_MIME_DEPTH = 8;

/**
 * An mbox separator: `From <sender> <asctime date>`. Requiring a time of day keeps a commit message line such
 * as "From the beginning, ..." from splitting a message.
 */
function isMboxSeparator(line: string): boolean {
  return line.length < 1000 && line.startsWith('From ') && /^From \S+ .*\d{1,2}:\d{2}/.test(line);
}

/** git format-patch's own separator, with its fixed date: safe to split at even without an empty line before
 *  it (as in `cat 0001-*.patch 0002-*.patch` of files whose trailing empty line was trimmed). */
const gitFormatPatchSeparator = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/;

// RFC 5322 field name: printable ASCII except ':' (and no space), then ':'.
const headerStart = /^[!-9;-~]{1,76}:/;

/** rawLines: the input split into lines (binary strings); line i is input line i + 1. */
export function splitMessages(rawLines: string[], fromText: boolean): SplitResult {
  const firstText = rawLines.findIndex((l) => l.trim() !== '');
  if (firstText >= 0 && isMboxSeparator(rawLines[firstText])) {
    const messages: RawMessage[] = [];
    let start = firstText;
    for (let i = firstText + 1; i <= rawLines.length; i++) {
      const atSeparator = i < rawLines.length && ((rawLines[i - 1] === '' && isMboxSeparator(rawLines[i])) ||
        gitFormatPatchSeparator.test(rawLines[i]));
      if (i === rawLines.length || atSeparator) {
        // mboxrd escapes body lines starting with "From " as ">From " (and ">From " as ">>From ").
        const lines = rawLines.slice(start + 1, i).map((binary, k) => ({
          binary: /^>+From /.test(binary) ? binary.slice(1) : binary,
          line: start + 2 + k,
        }));
        messages.push(decodeMessage(lines, start + 1, i, true, fromText));
        start = i;
      }
    }
    return { format: 'mbox', messages };
  }
  const lines = rawLines.map((binary, k) => ({ binary, line: k + 1 }));
  const message = decodeMessage(lines, 1, Math.max(1, rawLines.length), false, fromText);
  return { format: message.headers.length > 0 ? 'mail' : 'diff', messages: [message] };
}

function decodeMessage(lines: DecodedLine[], startLine: number, endLine: number, inMbox: boolean,
  fromText: boolean): RawMessage {
  const problems: PatchProblem[] = [];
  const block = parseHeaderBlock(lines, inMbox, problems);
  const headers = block?.headers ?? [];
  const body = lines.slice(block?.bodyStart ?? 0);
  const ctx: EntityContext = { fromText, problems, encodings: new Set() };
  const parts = decodeEntity(headers, body, ctx, 0, body[0]?.line ?? endLine);
  const encodings = [...ctx.encodings];
  const bodyEncoding: BodyEncoding = encodings.length === 0 ? 'none' : encodings.length === 1 ? encodings[0] : 'mixed';
  return { startLine, endLine, headers, parts, bodyEncoding, problems };
}

/**
 * Reads `Name: value` lines with folded continuations up to the empty line. Without an mbox separator the
 * input may just as well be a plain diff, so a block that is not cleanly a header block means "no headers".
 */
function parseHeaderBlock(lines: DecodedLine[], strict: boolean, problems: PatchProblem[]):
  { headers: MailHeader[]; bodyStart: number } | undefined {
  if (lines.length === 0 || !headerStart.test(lines[0].binary)) {
    if (strict && lines.length > 0) {
      problems.push({ severity: 'warning', line: lines[0].line, message: 'mbox message does not start with mail headers' });
    }
    return undefined;
  }
  const raw: { name: string; value: string; line: number }[] = [];
  let bodyStart = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const { binary, line } = lines[i];
    // An empty (or whitespace-only, as most mailers accept) line ends the header block.
    if (binary.trim() === '') {
      bodyStart = i + 1;
      break;
    }
    if (/^[ \t]/.test(binary) && raw.length > 0) {
      raw[raw.length - 1].value += binary;
      continue;
    }
    const m = headerStart.exec(binary);
    if (!m) {
      if (!strict) return undefined;
      problems.push({ severity: 'warning', line, message: 'mail header block does not end with an empty line' });
      bodyStart = i;
      break;
    }
    raw.push({ name: m[0].slice(0, -1), value: binary.slice(m[0].length), line });
  }
  const headers = raw.map(({ name, value, line }) => ({ name, value: decodeHeaderValue(value).trim(), line }));
  return { headers, bodyStart };
}

export function headerValue(headers: MailHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

function header(headers: MailHeader[], name: string): MailHeader | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower);
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (value === undefined) return { type: 'text/plain', params };
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase() || 'text/plain';
  const re = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    let v = m[2].trim();
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(m[1].toLowerCase(), v);
  }
  return { type, params };
}

interface EntityContext {
  fromText: boolean;
  problems: PatchProblem[];
  encodings: Set<BodyEncoding>;
}

/** Part types whose text can hold a patch (git send-email attaches patches as text/x-patch). */
function isPatchText(ct: ContentType, headers: MailHeader[]): boolean {
  if (ct.type === 'text/plain' || ct.type === 'text/x-patch' || ct.type === 'text/x-diff' ||
    ct.type === 'text/x-csrc' || ct.type === 'text/x-c' || ct.type === 'application/x-patch') return true;
  const disposition = parseContentType(headerValue(headers, 'content-disposition'));
  const name = ct.params.get('name') ?? disposition.params.get('filename') ?? '';
  return /\.(patch|diff|mbox|mbx)$/i.test(name);
}

function decodeEntity(headers: MailHeader[], lines: DecodedLine[], ctx: EntityContext, depth: number,
  fallbackLine: number): BodyPart[] {
  const ctHeader = header(headers, 'content-type');
  const ct = parseContentType(ctHeader?.value);
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.get('boundary');
    if (boundary && depth < MAX_MIME_DEPTH) return decodeMultipart(ct, boundary, lines, ctx, depth);
    ctx.problems.push({
      severity: 'warning', line: ctHeader?.line ?? fallbackLine,
      message: boundary ? 'MIME parts nested too deeply; body read as plain text' : 'multipart body without a boundary; read as plain text',
    });
  } else if (!isPatchText(ct, headers)) {
    if (lines.length > 0) {
      ctx.problems.push({ severity: 'info', line: ctHeader?.line ?? fallbackLine, message: `MIME part of type ${ct.type} skipped` });
    }
    return [];
  }
  return [decodeLeaf(headers, ct, lines, ctx, fallbackLine)];
}

function decodeMultipart(ct: ContentType, boundary: string, lines: DecodedLine[], ctx: EntityContext,
  depth: number): BodyPart[] {
  const open = '--' + boundary;
  const close = open + '--';
  const children: DecodedLine[][] = [];
  let current: DecodedLine[] | undefined;
  let closed = false;
  for (const l of lines) {
    const t = l.binary.replace(/[ \t]+$/, '');
    if (t === close) {
      if (current) children.push(current);
      current = undefined;
      closed = true;
      break;
    }
    if (t === open) {
      if (current) children.push(current);
      current = [];
      continue;
    }
    current?.push(l);
  }
  if (current) children.push(current);
  const lastLine = lines.length > 0 ? lines[lines.length - 1].line : 1;
  if (!closed) {
    ctx.problems.push({ severity: 'warning', line: lastLine, message: `multipart body not terminated by "${close}"` });
  }
  const parts: BodyPart[][] = children.map((child) => {
    const problems: PatchProblem[] = [];
    const block = parseHeaderBlock(child, false, problems);
    const childHeaders = block?.headers ?? [];
    return decodeEntity(childHeaders, child.slice(block?.bodyStart ?? 0), ctx, depth + 1, child[0]?.line ?? lastLine);
  });
  if (ct.type === 'multipart/alternative') {
    // Alternatives say the same thing; the first plain-text one is the one a patch tool reads.
    return parts.find((p) => p.length > 0) ?? [];
  }
  return parts.flat();
}

function decodeLeaf(headers: MailHeader[], ct: ContentType, lines: DecodedLine[], ctx: EntityContext,
  fallbackLine: number): BodyPart {
  const cteHeader = header(headers, 'content-transfer-encoding');
  const cte = (cteHeader?.value ?? '').trim().toLowerCase();
  const charset = ct.params.get('charset');
  const report: DecodeReport = { notes: [] };
  let decoded: DecodedLine[];
  let identity = false;
  if (cte === 'quoted-printable') {
    decoded = decodeQuotedPrintable(lines, report);
    ctx.encodings.add('quoted-printable');
  } else if (cte === 'base64') {
    decoded = decodeBase64(lines, report);
    ctx.encodings.add('base64');
  } else {
    identity = true;
    decoded = lines;
    if (cte === '7bit' || cte === '8bit' || cte === 'binary') ctx.encodings.add(cte);
    else if (cte === '') ctx.encodings.add(headers.length > 0 ? '7bit' : 'none');
    else {
      ctx.encodings.add('8bit');
      ctx.problems.push({ severity: 'warning', line: cteHeader?.line ?? fallbackLine, message: `unknown Content-Transfer-Encoding "${cte}"; body read as is` });
    }
  }
  for (const note of report.notes) ctx.problems.push(note);
  if (charset !== undefined && !isKnownCharset(charset)) {
    ctx.problems.push({ severity: 'info', line: header(headers, 'content-type')?.line ?? fallbackLine, message: `unknown charset "${charset}"; decoded as UTF-8` });
  }
  // Text handed over by an editor is already decoded; re-decoding its 8bit body with the declared charset would
  // garble it. Encoded (qp/base64) bodies are bytes either way and take the declared charset.
  const effectiveCharset = ctx.fromText && identity ? 'utf-8' : charset;
  const out = decoded.map(({ binary, line }) => ({ text: decodeBytes(binary, effectiveCharset), line }));
  const flowed = (ct.params.get('format') ?? '').toLowerCase() === 'flowed';
  return { lines: out, flowed };
}

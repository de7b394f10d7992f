// Byte-level decoding for mail bodies and headers: charsets, quoted-printable, base64, RFC 2047 encoded-words.
//
// Mail is bytes, and a body's charset is only known after its headers are read, so the mail layer works on
// "binary strings" (one char per byte, char codes 0..255; what Buffer's 'latin1' encoding produces) and turns
// them into text here, per decoded line. Nothing in this file throws on bad input: invalid bytes become U+FFFD,
// unknown charsets fall back to UTF-8, and the caller is told so it can report a problem.
import { TextDecoder } from 'node:util';

/** Input as a binary string. `fromText` is true when the caller handed us already-decoded text (an editor
 *  buffer): its 8bit bodies are then taken as that text, whatever charset the headers claim. */
export interface BinaryInput {
  binary: string;
  fromText: boolean;
}

export function toBinaryInput(input: string | Uint8Array): BinaryInput {
  if (typeof input === 'string') {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    return { binary: Buffer.from(text, 'utf8').toString('latin1'), fromText: true };
  }
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { binary: bytes.toString('latin1', start), fromText: false };
}

/**
 * Splits on CRLF, LF and lone CR, like the editor and LSP do, so line numbers agree with what the user sees.
 * A final line terminator does not start another (empty) line.
 */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const decoders = new Map<string, TextDecoder | null>();

/** Canonical label for the few charsets handled without TextDecoder. */
function normalizeCharset(charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').trim().toLowerCase().replace(/^"|"$/g, '');
  if (cs === '' || cs === 'us-ascii' || cs === 'ascii' || cs === 'utf8' || cs === 'unknown-8bit') return 'utf-8';
  if (cs === 'iso-8859-1' || cs === 'iso8859-1' || cs === 'latin1' || cs === 'latin-1' || cs === 'l1') return 'latin1';
  return cs;
}

/** Whether `decodeBytes` knows the charset (otherwise it decodes as UTF-8). */
export function isKnownCharset(charset: string | undefined): boolean {
  const cs = normalizeCharset(charset);
  return cs === 'utf-8' || cs === 'latin1' || decoderFor(cs) !== null;
}

function decoderFor(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: false });
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

const nonAscii = /[\x80-\xff]/;

/** Bytes (binary string) to text. Invalid sequences become U+FFFD; never throws. */
export function decodeBytes(binary: string, charset: string | undefined): string {
  if (!nonAscii.test(binary)) return binary;
  const cs = normalizeCharset(charset);
  // ISO-8859-1 maps every byte to the code point of the same value, which is what the binary string already is
  // (TextDecoder's 'latin1' would be windows-1252, which differs in 0x80-0x9f).
  if (cs === 'latin1') return binary;
  const decoder = decoderFor(cs) ?? decoderFor('utf-8')!;
  return decoder.decode(Buffer.from(binary, 'latin1'));
}

const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;

/** A decoded body line (still bytes) and the 1-based input line it starts on. */
export interface DecodedLine {
  binary: string;
  line: number;
}

export interface DecodeReport {
  /** Human-readable notes about malformed encodings, with the input line they concern. */
  notes: { message: string; line: number; severity: 'warning' | 'info' }[];
}

/**
 * Quoted-printable (RFC 2045 §6.7). A soft line break (`=` at the end) joins the next encoded line; the joined
 * line maps to the encoded line where it starts, so the line map stays exact for the start of every line.
 */
export function decodeQuotedPrintable(lines: DecodedLine[], report: DecodeReport): DecodedLine[] {
  const out: DecodedLine[] = [];
  let pending = '';
  let pendingLine = -1;
  let badEscapeNoted = false;
  for (const { binary, line } of lines) {
    // Trailing whitespace is transport padding (RFC 2045): drop it before looking for a soft break.
    const raw = binary.replace(/[ \t]+$/, '');
    const soft = raw.endsWith('=');
    const body = soft ? raw.slice(0, -1) : raw;
    let decoded = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body.charCodeAt(i);
      if (ch === 61 /* = */) {
        const hi = i + 2 < body.length ? hexValue(body.charCodeAt(i + 1)) : -1;
        const lo = i + 2 < body.length ? hexValue(body.charCodeAt(i + 2)) : -1;
        if (hi >= 0 && lo >= 0) {
          decoded += String.fromCharCode(hi * 16 + lo);
          i += 2;
          continue;
        }
        if (!badEscapeNoted) {
          report.notes.push({ severity: 'info', line, message: 'quoted-printable: "=" not followed by two hex digits; kept as is' });
          badEscapeNoted = true;
        }
      }
      decoded += body[i];
    }
    if (pendingLine < 0) pendingLine = line;
    pending += decoded;
    if (!soft) {
      pushSplit(out, pending, pendingLine);
      pending = '';
      pendingLine = -1;
    }
  }
  if (pendingLine >= 0) pushSplit(out, pending, pendingLine);
  return out;
}

/** An encoded `=0A` inside one line yields several decoded lines, all mapped to that line. */
function pushSplit(out: DecodedLine[], binary: string, line: number): void {
  if (!/[\r\n]/.test(binary)) {
    out.push({ binary, line });
    return;
  }
  for (const part of splitLines(binary)) out.push({ binary: part, line });
}

const base64Alphabet = /^[A-Za-z0-9+/=]*$/;

/**
 * Base64. The decoded text is split into lines; each maps to the encoded line holding the first byte of that
 * decoded line (4 base64 characters encode 3 bytes), which is exact to within one encoded line.
 */
export function decodeBase64(lines: DecodedLine[], report: DecodeReport): DecodedLine[] {
  if (lines.length === 0) return [];
  let encoded = '';
  // charsBefore[i]: number of base64 characters on encoded lines before lines[i].
  const charsBefore: number[] = [];
  let invalidNoted = false;
  for (const { binary, line } of lines) {
    charsBefore.push(encoded.length);
    const stripped = binary.replace(/\s+/g, '');
    if (!invalidNoted && !base64Alphabet.test(stripped)) {
      report.notes.push({ severity: 'warning', line, message: 'base64: invalid characters in the encoded body were ignored' });
      invalidNoted = true;
    }
    encoded += stripped.replace(/[^A-Za-z0-9+/]/g, '');
  }
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const lineOfByte = (byteOffset: number): number => {
    const charIndex = Math.floor(byteOffset / 3) * 4;
    // Last encoded line whose first character is at or before charIndex (binary search).
    let lo = 0;
    let hi = charsBefore.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (charsBefore[mid] <= charIndex) lo = mid;
      else hi = mid - 1;
    }
    return lines[lo].line;
  };
  const out: DecodedLine[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(decoded); m; m = re.exec(decoded)) {
    out.push({ binary: decoded.slice(start, m.index), line: lineOfByte(start) });
    start = m.index + m[0].length;
  }
  if (start < decoded.length) out.push({ binary: decoded.slice(start), line: lineOfByte(start) });
  return out;
}

/**
 * RFC 2047 encoded-words (`=?UTF-8?Q?...?=`, `=?utf-8?B?...?=`) in a header value. Whitespace between two
 * adjacent encoded-words is dropped, as the RFC requires. Raw 8-bit header bytes are read as UTF-8 (RFC 6532).
 */
export function decodeHeaderValue(binary: string): string {
  const words = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;
  let out = '';
  let last = 0;
  let previousWasEncoded = false;
  for (let m = words.exec(binary); m; m = words.exec(binary)) {
    const between = binary.slice(last, m.index);
    if (!(previousWasEncoded && /^[ \t]*$/.test(between))) out += decodeBytes(between, 'utf-8');
    const charset = m[1].replace(/\*.*$/, ''); // RFC 2231 language suffix: =?utf-8*en?...
    const bytes = m[2].toUpperCase() === 'B'
      ? Buffer.from(m[3], 'base64').toString('latin1')
      : m[3].replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_s, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    out += decodeBytes(bytes, charset);
    last = m.index + m[0].length;
    previousWasEncoded = true;
  }
  out += decodeBytes(binary.slice(last), 'utf-8');
  return out;
}

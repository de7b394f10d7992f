// The layout of a function's code: what stays when blanks and comments are normalised. Two texts with the same
// layout are the same tokens on the same lines, so they parse, and are analysed, the same way up to columns.
// The facts memo (functions.ts) and the analysis cache (../analysis.ts, ../moves.ts) re-use what they know of
// a function whose layout alone changed: a blank typed before a ';', an indent, a comment edited.

/**
 * The function's code with its layout normalised: comments and runs of blanks read as one blank, which is
 * dropped next to a character that is always a token by itself (`(){}[];,`); line breaks are kept, so equal
 * layouts mean equal rows for every statement. Literals are copied as they are. Two texts with the same layout
 * are the same tokens on the same lines. Conservative: `a=b` and `a = b` differ (only a miss of the cache).
 */
export function codeLayout(text: string): string {
  return scanLayout(text);
}

/**
 * codeLayout, and the offset in `text` of each character of it that is not a blank it added: equal layouts
 * pair every token character of one text with the same character of the other.
 */
export function layoutOrigins(text: string): { layout: string; origins: number[] } {
  const origins: number[] = [];
  return { layout: scanLayout(text, origins), origins };
}

/**
 * One piece of C text at a time: a line break, a run of blanks, a block comment (perhaps unterminated), a line
 * comment, a string or character literal (perhaps unterminated: it stops before the line break), a run of
 * anything else, or a '/' that starts no comment.
 */
const PIECE = /(\n)|([ \t\r\f\v]+)|(\/\*[\s\S]*?(?:\*\/|$))|(\/\/[^\n]*)|("(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?|[^\n \t\r\f\v/"']+|\/)/y;

function scanLayout(text: string, origins?: number[]): string {
  const out: string[] = [];
  /** The last character written: '' at the start of a line. */
  let last = '';
  let pendingBlank = false;
  const lineBreak = (at: number) => {
    out.push('\n');
    pendingBlank = false;
    last = '';
    origins?.push(at);
  };
  /** Text copied as it is (a token run, a literal, an unterminated comment), a blank before it if one is due. */
  const copy = (piece: string, at: number) => {
    if (pendingBlank && !ALONE.has(last) && !ALONE.has(piece.charAt(0))) out.push(' ');
    pendingBlank = false;
    out.push(piece);
    last = piece.charAt(piece.length - 1);
    if (origins) for (let k = at; k < at + piece.length; k++) origins.push(k);
  };
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null && m[0].length > 0; m = PIECE.exec(text)) {
    const at = m.index;
    if (m[1] !== undefined) lineBreak(at);
    else if (m[2] !== undefined || m[4] !== undefined) pendingBlank = last !== '';
    // An unterminated block comment is no comment to tree-sitter, which reads the tokens after it: the
    // layout keeps it as it is, so that an edit in it is an edit of code.
    else if (m[3] !== undefined && !isClosedBlockComment(m[3])) copy(m[3], at);
    else if (m[3] !== undefined) {
      let breaks = 0;
      for (let j = m[3].indexOf('\n'); j !== -1; j = m[3].indexOf('\n', j + 1)) {
        lineBreak(at + j);
        breaks++;
      }
      if (breaks === 0) pendingBlank = last !== '';
    } else copy(m[5], at);
  }
  return out.join('');
}

/**
 * The comments of C text, in order (read with the same pieces as the layout), and whether each is closed: a
 * block comment by its `*\/`, a line comment unless a `\` at its end continues it onto the next line.
 */
export function* commentsIn(text: string): Generator<{ start: number; text: string; closed: boolean }> {
  const piece = new RegExp(PIECE); // its own lastIndex: scanLayout's stays as it is
  for (let m = piece.exec(text); m !== null && m[0].length > 0; m = piece.exec(text)) {
    if (m[3] !== undefined) yield { start: m.index, text: m[3], closed: isClosedBlockComment(m[3]) };
    else if (m[4] !== undefined) yield { start: m.index, text: m[4], closed: !m[4].endsWith('\\') };
  }
}

/** A block comment piece that ends with its own closing `*\/`, not with the one its opening shares. */
function isClosedBlockComment(piece: string): boolean {
  return piece.length >= 4 && piece.endsWith('*/');
}

/** Characters that are a C token by themselves: blanks next to them separate nothing. */
const ALONE = new Set(['(', ')', '{', '}', '[', ']', ';', ',']);

// Extracts diffs that a reply quotes (`> ` lines) so that a reviewer's mail can be checked against the code it
// discusses. One quote level is stripped per view; reviewers' own lines and elision markers (`[...]`, `...`,
// `<snip>`) between quoted lines become "elided before" marks, which the diff parser turns into hunk fragments
// instead of errors.
//
// format=flowed (RFC 3676, Thunderbird): a quoted line is `>` + space-stuffing + text, and a text line that
// starts with a space gets one more stuffed space, so a quoted context line reads `>   <tab>…` (three spaces).
// Soft line breaks of flowed text are NOT joined: diff lines must stay one per line, and joining would break
// the line map. A reviewer's wrapped quote of a long `+` line therefore shows up as a broken hunk.
import type { BodyPart } from './mail';
import type { SourceLine } from './types';

interface QuotedLine {
  depth: number;
  content: string;
  line: number;
}

/** `> > x`, `>> x`, `>x` → depth and the text after the quote marks and one separating space. */
function splitQuote(text: string, flowed: boolean): { depth: number; content: string } {
  let i = 0;
  let depth = 0;
  while (i < text.length && text[i] === '>') {
    depth++;
    i++;
    // "> > x": a space between quote marks belongs to the marks.
    if (text[i] === ' ' && text[i + 1] === '>') i++;
  }
  let content = text.slice(i);
  if (depth > 0) {
    if (content.startsWith(' ')) content = content.slice(1);
    if (flowed && content.startsWith(' ')) content = content.slice(1);
  }
  return { depth, content };
}

const elisionMarker = /^(?:\[\s*(?:\.{2,}|…|snip|\.\.\.\s*snip\s*\.\.\.)\s*\]|\.{3,}|…|<\s*snip\s*>|-+\s*snip\s*-+)\s*$/i;

/** A quoted hunk header: the sign that a quote level holds a diff worth parsing. */
const hunkHeader = /^@@ -\d/;

export interface QuotedDiffView {
  depth: number;
  lines: SourceLine[];
}

/** One view per quote depth that contains at least one hunk header, shallowest first. */
export function extractQuotedDiffs(part: BodyPart): QuotedDiffView[] {
  const quoted: QuotedLine[] = part.lines.map(({ text, line }) => ({ ...splitQuote(text, part.flowed), line }));
  const depths = [...new Set(quoted.filter((q) => q.depth > 0 && hunkHeader.test(q.content)).map((q) => q.depth))]
    .sort((a, b) => a - b);
  return depths.map((depth) => {
    const lines: SourceLine[] = [];
    let gap = false;
    for (const q of quoted) {
      if (q.depth !== depth || elisionMarker.test(q.content)) {
        gap = lines.length > 0;
        continue;
      }
      lines.push(gap ? { text: q.content, line: q.line, elidedBefore: true } : { text: q.content, line: q.line });
      gap = false;
    }
    return { depth, lines };
  });
}

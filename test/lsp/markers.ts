// Expected findings are marked in fixtures with a comment on their line, `/* expect: RULE */`, so a test
// computes the line instead of hard-coding a number that drifts when the fixture is edited.

export interface ExpectedFinding {
  rule: string;
  /** 0-based, like LSP and vscode positions. */
  line: number;
  /** 0-based column of the line's first non-blank character, where the marked statement starts. */
  character: number;
}

export function expectedFindings(text: string): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  text.split(/\r?\n/).forEach((lineText, line) => {
    for (const m of lineText.matchAll(/\/\* expect: ([A-Z-]+) \*\//g)) {
      out.push({ rule: m[1], line, character: lineText.search(/\S/) });
    }
  });
  return out;
}

/** 0-based line and character of the first occurrence of `needle`. */
export function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the fixture`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

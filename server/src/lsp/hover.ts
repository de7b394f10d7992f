// Hover: on a lock call, what the call does to which lock and what the checker concluded about it in the
// enclosing function; anywhere on a line with mm-review diagnostics, their rule, message and related places.
// Built only from the last check's diagnostics and function reports: the hover never runs its own analysis.
import { MarkupKind, type Diagnostic, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { FunctionReport } from '../core';
import { describeLockCall } from '../core';
import { offsetAt } from './positions';

export interface HoverInput {
  text: string;
  position: Position;
  diagnostics: Diagnostic[];
  functions: FunctionReport[];
}

export function hoverAt({ text, position, diagnostics, functions }: HoverInput): Hover | null {
  const call = callAt(text, position);
  const onLine = diagnostics.filter((d) => d.range.start.line <= position.line && position.line <= d.range.end.line);
  const sections: string[] = [];

  const effects = call ? describeLockCall(call.name, call.args) : [];
  if (call && effects.length > 0) {
    sections.push(`**${call.name}()** ${effects.join('; ')}.`);
    const lockPair = onLine.filter((d) => d.code === 'LOCK-PAIR');
    const fn = functions.find((f) => f.startLine <= position.line + 1 && position.line + 1 <= f.endLine);
    if (lockPair.length === 0 && fn) sections.push(verdictWithoutFinding(fn));
  }
  sections.push(...onLine.map(describeDiagnostic));
  if (sections.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    ...(call && effects.length > 0 ? { range: call.range } : {}),
  };
}

/** What the checker concluded for the enclosing function, when no LOCK-PAIR diagnostic sits on this line. */
function verdictWithoutFinding(fn: FunctionReport): string {
  if (!fn.complete) return `mm-review stopped analysing \`${fn.name}()\` at its state limit, so its locks were not checked.`;
  const elsewhere = fn.findings.filter((f) => f.rule === 'LOCK-PAIR').map((f) => f.line);
  if (elsewhere.length > 0) {
    return `\`${fn.name}()\` has LOCK-PAIR findings on line ${[...new Set(elsewhere)].join(', ')}.`;
  }
  return `No LOCK-PAIR finding in \`${fn.name}()\`: on all ${fn.statesVisited} states explored, every lock it takes is ` +
    'released on every path, or held on every return (handed to the caller).';
}

function describeDiagnostic(d: Diagnostic): string {
  const severity = ['', 'error', 'warning', 'info', 'hint'][d.severity ?? 3];
  const rule = d.code ? `**${d.code}** (${severity})` : `**mm-review** (${severity})`;
  const doc = d.codeDescription ? ` — [rule documentation](${d.codeDescription.href})` : '';
  const related = (d.relatedInformation ?? [])
    .map((r) => `- line ${r.location.range.start.line + 1}: ${r.message}`);
  return [`${rule}: ${d.message}${doc}`, ...related].join('\n');
}

interface CallAtPosition {
  name: string;
  args: string[];
  range: Range;
}

/** The identifier under the cursor when it is the callee of a call: `spin_lock` in `spin_lock(&l);`. */
function callAt(text: string, position: Position): CallAtPosition | undefined {
  const offset = offsetAt(text, position);
  let start = offset;
  let end = offset;
  while (start > 0 && isIdentChar(text.charCodeAt(start - 1))) start--;
  while (end < text.length && isIdentChar(text.charCodeAt(end))) end++;
  if (start === end) return undefined;
  const paren = /^\s*\(/.exec(text.slice(end, end + 80));
  if (!paren) return undefined;
  const lineStart = position.character - (offset - start);
  return {
    name: text.slice(start, end),
    args: splitArguments(text, end + paren[0].length),
    range: {
      start: { line: position.line, character: lineStart },
      end: { line: position.line, character: lineStart + (end - start) },
    },
  };
}

/** Top-level, comma-separated argument texts of the call whose '(' ends just before `from`. */
function splitArguments(text: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = from; i < text.length && i < from + 2000; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        args.push(current.trim());
        return args.filter((a) => a.length > 0);
      }
      depth--;
    }
    if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  return [];
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

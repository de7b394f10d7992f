// Hover: on a lock call, what the call does to which lock and what the checker concluded about it in the
// enclosing function; anywhere on a line with mm-review diagnostics, their rule, message and related places.
// Built only from the last check's diagnostics and function reports: the hover never runs its own analysis.
import { MarkupKind, type Diagnostic, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { CallSiteRecord, FunctionReport } from '../core';
import { describeLockCall, describeProtocolCall } from '../core';
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

  const fn = functions.find((f) => f.startLine <= position.line + 1 && position.line + 1 <= f.endLine);
  const effects = call ? describeLockCall(call.name, call.args) : [];
  const protocol = call ? describeProtocolCall(call.name) : undefined;
  if (call && protocol) sections.push(describeProtocolStep(call.name, protocol));
  if (call && effects.length > 0) {
    sections.push(`**${call.name}()** ${effects.join('; ')}.`);
    const lockPair = onLine.filter((d) => d.code === 'LOCK-PAIR');
    if (lockPair.length === 0 && fn) sections.push(verdictWithoutFinding(fn));
  }
  const site = call && fn?.callSites.find((c) => c.site.startRow === position.line && c.name === call.name);
  if (site) sections.push(describeStates(site));
  const summary = call && !protocol && effects.length === 0 ? functions.find((f) => f.name === call.name)?.summary : undefined;
  if (call && summary) sections.push(describeSummary(call.name, summary));
  if (!call && fn) {
    const word = wordAt(text, position);
    const uses = word ? lockUses(fn, word, text.split('\n')) : [];
    if (uses.length > 0) sections.push(`**${word}**: ${uses.join('; ')}.`);
  }
  sections.push(...onLine.map(describeDiagnostic));
  if (sections.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    ...(call && (effects.length > 0 || protocol) ? { range: call.range } : {}),
  };
}

function describeProtocolStep(name: string, d: NonNullable<ReturnType<typeof describeProtocolCall>>): string {
  const steps = d.steps.length > 0 ? ` — ${d.steps.join(', ')}` : '';
  const checks = d.requires.length > 0 ? `\n\nChecked here: ${d.requires.map((r) => `\`${r}\``).join(', ')}.` : '';
  return `**${name}()**: ${d.title}${steps}${d.sleeps ? ' (may sleep)' : ''}\n\n${d.doc}${checks}`;
}

/** The lock set and page-table state before and after the call, per distinct path state. */
function describeStates(site: CallSiteRecord): string {
  const list = (states: string[]) => (states.length === 1 ? states[0] : states.map((s, i) => `\n  - path ${i + 1}: ${s}`).join(''));
  const lines = [`Before: ${site.before.length ? list(site.before) : 'not reached'}`, `After: ${site.after.length ? list(site.after) : 'not reached'}`];
  if (site.before.length > 1) lines.push(`(paths disagree: ${site.before.length} different states reach this call)`);
  const broken = [...new Set(site.checks.filter((c) => !c.ok).map((c) => c.rule))];
  if (broken.length > 0) lines.push(`Breaks: ${broken.join(', ')}`);
  return lines.join('\n\n');
}

function describeSummary(name: string, summary: NonNullable<FunctionReport['summary']>): string {
  const effects = [...new Set(summary.outcomes.flatMap((o) => o.effects.map((e) => `${e.op} ${e.family}${e.identity !== e.family ? ` ${e.identity}` : ''}`)))];
  const requires = summary.requires.map((r) => `\`${r.id}\` (${r.via})`);
  const parts = [`**${name}()** (this file)`];
  if (effects.length > 0) parts.push(`on some paths it does: ${effects.join(', ')}`);
  if (requires.length > 0) parts.push(`its callers must provide: ${requires.join('; ')}`);
  return parts.join(' — ');
}

/** Where the lock named `word` is taken and released in the function. */
function lockUses(fn: FunctionReport, word: string, lines: string[]): string[] {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const asArgument = new RegExp(`[(,&]${escaped}[,)]`);
  const asResult = new RegExp(`\\b${escaped}\\s*=\\s*\\w+\\s*\\(`);
  const named = (c: CallSiteRecord) => asArgument.test(c.text) || asResult.test(lines[c.site.startRow] ?? '');
  return fn.callSites
    .filter((c) => named(c) && describeLockCall(c.name, []).length > 0)
    .map((c) => `${/unlock|release|_end$|unmap/.test(c.name) ? 'released' : 'taken'} at line ${c.site.startRow + 1} by \`${c.name}()\``);
}

function wordAt(text: string, position: Position): string | undefined {
  const offset = offsetAt(text, position);
  let start = offset;
  let end = offset;
  while (start > 0 && isIdentChar(text.charCodeAt(start - 1))) start--;
  while (end < text.length && isIdentChar(text.charCodeAt(end))) end++;
  return start < end ? text.slice(start, end) : undefined;
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

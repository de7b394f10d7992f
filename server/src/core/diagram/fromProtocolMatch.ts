// ProtocolMatch (the static checker's view of one function) → DiagramModel: one lane (the function), the
// protocol steps as bands in protocol order with the calls matched for each, missing steps as empty bands,
// lock bars from each step's `locksAfter`, the strip from its `stateAfter`, and a finding of the function
// highlighted on the call it is on.
import type { ProtocolMatch, ProtocolStepMatch } from '../model/protocolMatch';
import {
  lockBarsFromSnapshots, STRIP_KEYS, STRIP_LABELS, type DiagramBand, type DiagramHighlight, type DiagramModel,
  type DiagramStep, type SourceLocation, type StripKey,
} from './model';

/** A finding to show on the diagram (the core's Finding has these fields). */
export interface DiagramFinding {
  rule: string;
  message: string;
  line: number;
  severity?: 'error' | 'warning' | 'info';
}

export interface FromProtocolMatchOptions {
  title?: string;
  subtitle?: string;
  /** Where a matched call is shown and revealed; default: its line and column in `file`. */
  locate?: (at: { line: number; column: number }) => SourceLocation | undefined;
  file?: string;
  /** The function's findings: the first error (else warning) on a matched call is highlighted there; all others are listed as notes. */
  findings?: DiagramFinding[];
  notes?: string[];
}

const VARIANT_NAMES: Record<ProtocolMatch['variant'], string> = {
  mainline: 'mainline PMD collapse (PROTOCOL.md §4)',
  'proposed-mthp': 'proposed mTHP collapse, steps a–f (PROTOCOL.md §5)',
  'merged-mthp': 'merged mTHP collapse (7.x)',
};

/** How diagrams name a protocol variant: `mainline PMD collapse (PROTOCOL.md §4)`. */
export function variantName(variant: ProtocolMatch['variant']): string {
  return VARIANT_NAMES[variant];
}

export function fromProtocolMatch(match: ProtocolMatch, options: FromProtocolMatchOptions = {}): DiagramModel {
  const locate = options.locate ?? ((at: { line: number; column: number }) => ({ file: options.file, ...at }));
  const steps: DiagramStep[] = [];
  const bands: DiagramBand[] = [];
  const locks: Map<number, string[]>[] = [];
  /** The calls' own lines (findings use them; a location may have been moved into a patch). */
  const callLines: number[] = [];
  const strip = new Map<StripKey, string[]>(STRIP_KEYS.map((k) => [k, []]));

  for (const s of match.steps) {
    const calls = [...s.calls].sort((a, b) => a.line - b.line || a.column - b.column);
    const from = steps.length;
    const state = parseStateAfter(s.stateAfter);
    for (const call of calls) {
      const location = locate({ line: call.line, column: call.column });
      steps.push({
        index: steps.length, lane: 0, op: call.name, label: `${call.name}()`, band: s.step,
        ...(location ? { location } : {}),
        stateAfter: stateLines(s),
      });
      locks.push(new Map([[0, parseLocks(s.locksAfter)]]));
      callLines.push(call.line);
      for (const key of STRIP_KEYS) strip.get(key)!.push(state[key] ?? '');
    }
    const missing = s.missing || calls.length === 0;
    bands.push({ id: s.step, title: s.title, fromStep: missing ? -1 : from, toStep: missing ? -1 : steps.length - 1, missing });
  }

  const missing = match.steps.filter((s) => s.missing).map((s) => s.step);
  const highlight = highlightOf(callLines, options.findings ?? []);
  return {
    kind: 'mm-review-diagram', version: 1, mode: 'static',
    title: options.title ?? `Protocol steps of ${match.function}()`,
    subtitle: options.subtitle ?? `Checked against the ${VARIANT_NAMES[match.variant]}.`,
    verdict: missing.length
      ? { kind: 'incomplete-match', text: `Not found in this function: step${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` }
      : { kind: 'matched', text: `Every step of the protocol has a matching call (${steps.length} calls).` },
    lanes: [{ index: 0, label: match.function, short: match.function, role: 'collapse' }],
    steps, bands,
    lockBars: lockBarsFromSnapshots(locks),
    strip: STRIP_KEYS.map((key) => ({ key, label: STRIP_LABELS[key], values: strip.get(key)! })),
    ...(highlight ? { highlight } : {}),
    notes: [...(options.notes ?? []), ...findingNotes(options.findings ?? [], highlight)],
  };
}

/** `M:W, V, A:W` → ['M:W', 'V', 'A:W']; '∅' and 'none' → []. */
export function parseLocks(locksAfter: string | undefined): string[] {
  return (locksAfter ?? '').split(',').map((l) => l.trim()).filter((l) => l && l !== '∅' && !/^none\b/i.test(l));
}

/**
 * `stateAfter` is read as `;`-separated parts, each starting with the row it is about: `PMD none (table
 * hidden); PTE table detached; TLB flushed, GUP-fast synced; notifier open`. A part without a known prefix
 * goes to the PMD row rather than being lost.
 */
export function parseStateAfter(stateAfter: string | undefined): Partial<Record<StripKey, string>> {
  const out: Partial<Record<StripKey, string>> = {};
  const add = (key: StripKey, text: string) => { out[key] = out[key] ? `${out[key]}; ${text}` : text; };
  for (const part of (stateAfter ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(PMD|PTE table|PTE|table|TLB|notifier|MMU notifier)\b[:\s]*/i.exec(part);
    const prefix = m?.[1].toLowerCase();
    const text = m ? part.slice(m[0].length) || part : part;
    if (prefix === 'pmd') add('pmd', text);
    else if (prefix === 'tlb') add('tlb', text);
    else if (prefix === 'notifier' || prefix === 'mmu notifier') add('notifier', text);
    else if (prefix) add('pte', text);
    else add('pmd', part);
  }
  return out;
}

function stateLines(s: ProtocolStepMatch): string[] {
  return [
    `locks after step ${s.step}: ${s.locksAfter?.trim() || 'not known'}`,
    ...(s.stateAfter ? s.stateAfter.split(';').map((p) => p.trim()).filter(Boolean) : ['page-table state: not known']),
  ];
}

/** The first error (else warning) that is on one of the matched calls; findings elsewhere become notes. */
function highlightOf(lines: number[], findings: DiagramFinding[]): DiagramHighlight | undefined {
  const onCall = findings.filter((f) => lines.includes(f.line));
  const finding = onCall.find((f) => f.severity === 'error') ?? onCall.find((f) => f.severity !== 'info');
  return finding && { step: lines.indexOf(finding.line), rule: finding.rule, message: finding.message };
}

function findingNotes(findings: DiagramFinding[], highlight: DiagramHighlight | undefined): string[] {
  return findings
    .filter((f) => !(highlight && f.rule === highlight.rule && f.message === highlight.message))
    .map((f) => `${f.rule} at line ${f.line}: ${f.message}`);
}

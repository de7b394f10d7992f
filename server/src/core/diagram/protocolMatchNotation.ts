// WIRE-PROTOCOL-MATCH: the static diagram reads a ProtocolMatch from the checker (check/protocolMatch.ts,
// issue 5). Two things are filled in here until the match carries them itself:
//  - a function the checker does not consider collapse-like still gets a diagram (every step, most missing),
//    because the user asked for the function at the cursor;
//  - `locksAfter` / `stateAfter` in PROTOCOL.md notation (`M:W, V, A:W`; `PMD none (table hidden); PTE table
//    detached; TLB flushed; notifier open`), rewritten from the checker's internal snapshot
//    (`locks: mmap_lock:W (caller), …; pmd=hidden, …`, check/protocolTracker.ts describeState) when that is
//    what the match holds.
// Once the match always exists and speaks the notation, `diagramMatch` is `matchProtocol` and this file goes.
import type { FunctionReport } from '../analysis';
import { matchProtocol } from '../check/protocolMatch';
import { VARIANT_STEPS } from '../model/protocol';
import type { ProtocolMatch, ProtocolStepMatch, ProtocolVariant } from '../model/protocolMatch';

export function diagramMatch(fn: FunctionReport, variant: ProtocolVariant): ProtocolMatch {
  const match = matchProtocol(fn, variant) ?? everyStep(fn, variant);
  return { ...match, steps: match.steps.map(inNotation) };
}

function everyStep(fn: FunctionReport, variant: ProtocolVariant): ProtocolMatch {
  const steps = VARIANT_STEPS[variant].map(({ step, title, calls }): ProtocolStepMatch => {
    const matched = fn.callSites.filter((s) => calls.includes(s.name));
    return {
      step, title, missing: matched.length === 0,
      calls: matched.map((s) => ({ name: s.name, line: s.site.startRow + 1, column: s.site.startColumn + 1 })),
      ...(matched[0]?.after[0] ? { stateAfter: matched[0].after[0] } : {}),
    };
  });
  return { function: fn.name, variant, line: fn.startLine, steps };
}

function inNotation(step: ProtocolStepMatch): ProtocolStepMatch {
  const snapshot = step.stateAfter;
  if (!snapshot?.startsWith('locks:')) return step;
  return { ...step, locksAfter: step.locksAfter ?? protocolLocks(snapshot), stateAfter: protocolState(snapshot) };
}

/** The checker's snapshot `locks: a, b; fact=value, …` (check/protocolTracker.ts describeState) taken apart. */
function snapshotParts(snapshot: string): { locks: string[]; facts: Map<string, string> } {
  const [lockPart = '', factPart = ''] = snapshot.replace(/^locks:\s*/, '').split(/;\s*/);
  const locks = lockPart === 'none taken here' ? [] : lockPart.split(/,\s*/).map((l) => l.replace(/\s*\(caller\)$/, '')).filter(Boolean);
  const facts = new Map(factPart.split(/,\s*/).filter((f) => f.includes('=')).map((f) => f.split('=') as [string, string]));
  return { locks, facts };
}

/** `mmap_lock:W, vma:W, vma->anon_vma:W, pmd_ptl` → `M:W, V, A:W, L` (names it does not know stay as they are). */
export function protocolLocks(snapshot: string): string {
  const out: string[] = [];
  for (const lock of snapshotParts(snapshot).locks) {
    const mode = /:([RW])$/.exec(lock)?.[1];
    const name = lock.replace(/:[RW]$/, '');
    if (name === 'range') continue; // the notifier bracket: shown in the strip's notifier row
    if (/mmap_lock/.test(name)) out.push(`M:${mode ?? 'W'}`);
    else if (name === 'vma') out.push('V');
    else if (/anon_vma/.test(name)) out.push(`A:${mode ?? 'W'}`);
    else if (/i_mmap/.test(name)) out.push(`I:${mode ?? 'W'}`);
    else if (/pmd_ptl|pml/.test(name)) out.push('L');
    else if (/pte_ptl/.test(name)) out.push('P');
    else if (/PTE map/.test(name)) out.push('RCU');
    else out.push(lock);
  }
  return out.join(', ') || '∅';
}

/** The facts as the strip rows: `PMD none (table hidden); PTE table detached, mapped; TLB flushed; notifier open`. */
export function protocolState(snapshot: string): string {
  const { locks, facts } = snapshotParts(snapshot);
  const pmd = facts.get('pmd');
  const parts: string[] = [];
  const pmdWords: Record<string, string> = {
    attached: 'table', hidden: 'none (table hidden)', removed: 'none (table removed)', huge: 'huge',
  };
  if (pmd) parts.push(`PMD ${pmdWords[pmd] ?? pmd}`);
  const table = [
    pmd === 'hidden' ? 'detached' : pmd === 'huge' && facts.get('deposited') === 'yes' ? 'deposited' : pmd === 'attached' ? 'attached' : undefined,
    locks.some((l) => /PTE map/.test(l)) && 'mapped',
    facts.get('ptes') === 'cleared' && 'PTEs cleared',
    facts.get('copied') === 'yes' && 'copied',
  ].filter(Boolean);
  if (table.length) parts.push(`PTE table ${table.join(', ')}`);
  const tlb = [
    facts.get('flushed') === 'yes' ? 'flushed' : facts.get('flushed') === 'no' ? 'not flushed' : undefined,
    facts.get('synced') === 'yes' ? 'GUP-fast synced' : facts.get('synced') === 'no' ? 'GUP-fast not synced' : undefined,
  ].filter(Boolean);
  if (tlb.length) parts.push(`TLB ${tlb.join(', ')}`);
  parts.push(`notifier ${locks.includes('range') ? 'open' : 'closed'}`);
  return parts.join('; ');
}

// Hand-built inputs for the diagram tests: a simulator result with a known five-step trace, a ProtocolMatch
// of the shape the checker fills (issue 5), and the strings a hostile patch can put into a diagram.
import type { DiagramModel } from '../../server/src/core/diagram';
import type { ProtocolMatch } from '../../server/src/core/model/protocolMatch';
import type { SimulationResult, StateSummary, TraceStep } from '../../server/src/core/sim';

const COLLAPSE = 'collapse_huge_page';

function state(collapseLocks: string[], gupLocks: string[], pmd: string, table: string): StateSummary {
  const locks: Record<string, string[]> = {};
  if (collapseLocks.length) locks[COLLAPSE] = collapseLocks;
  if (gupLocks.length) locks['gup-fast'] = gupLocks;
  return { locks, pmd, tables: [table], tlb: {}, folios: ['A ref=1 map=1', 'B ref=1 map=1'] };
}

function step(thread: 0 | 1, op: string, line: number | undefined, after: StateSummary, args: string[] = []): TraceStep {
  return {
    thread: thread === 0 ? COLLAPSE : 'gup-fast', threadIndex: thread, op, args, node: line ?? 0, alternative: 0,
    ...(line ? { loc: { line, column: 2 } } : {}), next: 1, stateAfter: after,
  };
}

/**
 * GUP-fast reads the PMD, the collapse thread takes its locks, hides the table and isolates the folios, then
 * GUP-fast's lockless PTE read breaks GUP-FAST-SYNC (the shape of the missing tlb_remove_table_sync_one race).
 */
export function handTrace(): { result: SimulationResult; trace: TraceStep[] } {
  const attached = 'T0 attached [A, B]';
  const hidden = `T0 detached(hidden by ${COLLAPSE}) [A, B]`;
  const trace: TraceStep[] = [
    step(1, 'pmdp_get_lockless', undefined, state([], ['IRQ-off'], 'table(T0)', attached), ['pmdp']),
    step(0, 'mmap_write_lock', 10, state(['M:W'], ['IRQ-off'], 'table(T0)', attached), ['mm']),
    step(0, 'mmu_notifier_invalidate_range_start', 11, state(['M:W', 'notifier range'], ['IRQ-off'], 'table(T0)', attached), ['&range']),
    step(0, 'pmdp_collapse_flush', 12, state(['M:W', 'notifier range'], ['IRQ-off'], 'none', hidden), ['vma', 'address', 'pmd']),
    step(0, 'mmu_notifier_invalidate_range_end', 13, state(['M:W'], ['IRQ-off'], 'none', hidden), ['&range']),
    { ...step(1, 'ptep_get_lockless', undefined, state(['M:W'], ['IRQ-off', 'RCU(pte mapped)'], 'none', hidden), ['ptep']), next: undefined },
  ];
  const result: SimulationResult = {
    verdict: 'violation', statesExplored: 42, seconds: 0.01,
    violations: [{ rule: 'GUP-FAST-SYNC', actor: 'gup-fast', message: `gup-fast: ptep_get_lockless: reads a PTE of a table ${COLLAPSE} hid`, trace }],
  };
  return { result, trace };
}

/** Steps a–f of the proposed protocol, as the checker would match them in a function; step e is missing. */
export function handMatch(): ProtocolMatch {
  return {
    function: 'collapse_mthp', variant: 'proposed-mthp', line: 5,
    steps: [
      { step: 'a', title: 'take all locks', missing: false, locksAfter: 'M:W, V, A:W',
        calls: [{ name: 'anon_vma_lock_write', line: 12, column: 2 }, { name: 'mmap_write_lock', line: 8, column: 2 }],
        stateAfter: 'PMD table; notifier closed' },
      { step: 'b', title: 'isolate the PTE table', missing: false, locksAfter: 'M:W, V, A:W',
        calls: [{ name: 'pmdp_collapse_flush', line: 16, column: 9 }],
        stateAfter: 'PMD none (table hidden); PTE table detached; TLB flushed, GUP-fast synced; notifier open' },
      { step: 'c', title: 're-verify + isolate folios', missing: false, locksAfter: 'M:W, V, A:W, P, RCU',
        calls: [{ name: '__collapse_huge_page_isolate', line: 22, column: 11 }], stateAfter: 'PTE table detached, mapped' },
      { step: 'd', title: 'allocate, copy, replace', missing: false, locksAfter: 'M:W, V, A:W, RCU',
        calls: [{ name: 'set_ptes', line: 30, column: 2 }], stateAfter: 'PTE table detached, mapped, copied' },
      { step: 'e', title: 'release old folios', missing: true, calls: [] },
      { step: 'f', title: 're-map the table', missing: false, locksAfter: '∅',
        calls: [{ name: 'pmd_populate', line: 40, column: 2 }], stateAfter: 'PMD table; PTE table attached' },
    ],
  };
}

/** Payloads that run script if any diagram string reaches the DOM as markup. Each sets window.__pwned. */
export const PAYLOADS = [
  '<img src=x onerror="window.__pwned=\'img\';alert(1)">',
  '</script><script>window.__pwned=\'script\'</script>',
  '"><svg onload="window.__pwned=\'svg\'">',
  '\'><iframe srcdoc="<script>parent.__pwned=\'iframe\'</script>"></iframe>',
  '<a href="javascript:window.__pwned=\'href\'">x</a>',
  '`${window.__pwned=\'template\'}`',
];

/** A diagram whose every string field carries a payload (as a hostile patch's names, subject and files would). */
export function hostileModel(): DiagramModel {
  const p = (i: number) => PAYLOADS[i % PAYLOADS.length];
  return {
    kind: 'mm-review-diagram', version: 1, mode: 'simulation',
    title: `collapse ${p(0)}`, subtitle: `mm/${p(2)}.c after "[PATCH] ${p(1)}"`,
    verdict: { kind: 'violation', text: `broken ${p(3)}` },
    lanes: [
      { index: 0, label: `fn_${p(0)}`, short: `c${p(1)}`, role: 'collapse' },
      { index: 1, label: `actor${p(2)}`, short: `a${p(4)}`, role: 'actor', summary: p(5) },
    ],
    steps: [0, 1, 2].map((i) => ({
      index: i, lane: i % 2, op: `op${p(i)}`, label: `call(${p(i + 1)})`, band: `b${p(i + 2)}`,
      location: { file: `file:///tmp/${encodeURIComponent(p(i))}/x.c`, line: i + 1, column: 1 },
      stateAfter: [p(i + 3), p(i + 4)],
    })),
    bands: [{ id: p(0), title: p(1), fromStep: 0, toStep: 2, missing: false }, { id: 'e', title: p(2), fromStep: -1, toStep: -1, missing: true }],
    lockBars: [{ lane: 0, lock: `M:W${p(3)}`, fromStep: 0, toStep: 2 }, { lane: 1, lock: p(4), fromStep: 1, toStep: 1 }],
    strip: (['pmd', 'pte', 'tlb', 'notifier'] as const).map((key, k) => ({ key, label: p(k), values: [p(k + 1), p(k + 2), p(k + 3)] })),
    highlight: { step: 2, rule: `RULE${p(5)}`, message: p(0) },
    notes: PAYLOADS,
  };
}

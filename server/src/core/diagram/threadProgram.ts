// The collapse thread program a simulation of "the function at the cursor" runs.
//
// WIRE-THREAD-EXTRACTION: this whole file stands in for the extraction of a ThreadProgram from the function's
// CFG (issue 6). Until then, a function named collapse_huge_page is simulated with the simulator's hand-built
// reference program (mainline 6.12, or the 7.2 mTHP version when the file uses the mTHP helpers), minus the
// exclusion and sync calls the function does not make (so deleting vma_start_write() from your copy shows the
// fault race); any other function gets a message. Replace `simulationInputFor` with "extract the program,
// locations are the program's own" and delete the alignment below.
import type { FunctionReport } from '../analysis';
import type { ProtocolVariant } from '../model/protocolMatch';
import { collapseV72, mainlineCollapse, withoutOps, type ThreadProgram, type TraceStep } from '../sim';

export interface SimulationInput {
  program: ThreadProgram;
  /** Where a collapse-thread step's call is in the analysed document (1-based), if the function has it. */
  locate: (step: TraceStep) => { line: number; column: number } | undefined;
  /** What the diagram should say about the program (it is not the user's code, yet). */
  notes: string[];
}

/**
 * The reference program's calls that keep walkers out or wait for them: when the function does not call one,
 * the simulated program does not either. Other differences are not carried over.
 */
const EXCLUSION_CALLS = [
  'vma_start_write', 'anon_vma_lock_write', 'anon_vma_unlock_write', 'mmu_notifier_invalidate_range_start',
  'mmu_notifier_invalidate_range_end', 'tlb_remove_table_sync_one',
];

export function simulationInputFor(fn: FunctionReport, variant: ProtocolVariant): SimulationInput | { message: string } {
  if (fn.name !== 'collapse_huge_page') {
    return {
      message: `Simulation needs the thread program of ${fn.name}(), and extracting programs from C functions is not ` +
        'available yet: for now only collapse_huge_page() can be simulated (with the hand-built reference program).',
    };
  }
  const reference = variant === 'merged-mthp' ? collapseV72() : mainlineCollapse();
  const called = new Set(fn.callSites.map((s) => s.name));
  const dropped = EXCLUSION_CALLS.filter((op) => !called.has(op) && reference.nodes.some((n) => n.op === op));
  const program = withoutOps(reference, dropped, fn.name);
  const where = alignCalls(program, fn);
  return {
    program,
    locate: (step) => where.get(step.node),
    notes: [
      `Simulated program: the hand-built reference of ${variant === 'merged-mthp' ? 'Linux 7.2' : 'mainline 6.12'} ` +
        'collapse_huge_page() (extraction from your code is not available yet); each step is shown at the call of the same name in this function.',
      ...(dropped.length ? [`Left out of the reference because this function does not call them: ${dropped.join(', ')}.`] : []),
    ],
  };
}

/**
 * Reference node id → the user's call of the same name, by a longest-common-subsequence alignment of the two
 * call sequences in source order (robust to calls added or missing on either side); an op the alignment left
 * out goes to the next call of that name after the previous aligned one.
 */
function alignCalls(program: ThreadProgram, fn: FunctionReport): Map<number, { line: number; column: number }> {
  const ref = program.nodes.filter((n) => n.op && n.loc).sort((a, b) => a.loc!.line - b.loc!.line || a.loc!.column - b.loc!.column);
  const sites = [...fn.callSites].sort((a, b) => a.site.startRow - b.site.startRow || a.site.startColumn - b.site.startColumn)
    .map((s) => ({ name: s.name, line: s.site.startRow + 1, column: s.site.startColumn + 1 }));
  const n = ref.length;
  const m = sites.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = ref[i].op === sites[j].name ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = new Map<number, { line: number; column: number }>();
  const unaligned: { index: number; after: number }[] = [];
  for (let i = 0, j = 0; i < n;) {
    if (j < m && ref[i].op === sites[j].name) {
      out.set(ref[i].id, { line: sites[j].line, column: sites[j].column });
      i++;
      j++;
    } else if (j < m && lcs[i][j + 1] >= lcs[i + 1][j]) {
      j++;
    } else {
      unaligned.push({ index: i, after: j });
      i++;
    }
  }
  for (const { index, after } of unaligned) {
    const site = sites.slice(after).find((s) => s.name === ref[index].op) ?? sites.find((s) => s.name === ref[index].op);
    if (site) out.set(ref[index].id, { line: site.line, column: site.column });
  }
  return out;
}

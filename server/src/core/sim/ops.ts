// The API table of the simulator: kernel call → its effect on the model, as data (PROTOCOL.md §3). Each row lists
// alternatives (more than one = the model cannot predict the result, e.g. a machine-check during the copy); each
// alternative is a list of primitives from effects.ts, run atomically once every primitive's guard allows it.
//
// Lock identities come from the op's role, not from pointer analysis:
//   pmd_lock → pml;  pte_offset_map_lock → ptl;  spin_lock / spin_lock_nested / spin_trylock / spin_unlock take
//   the lock from the argument text: text containing 'pml' or 'pmd' (pmd_ptl, pml) → pml, anything else → ptl.
// PMD sources: the PMD argument of pte_offset_map* is the first argument whose text contains 'pmd'; a leading
//   '&' (`&_pmd`, `&pmd` in GUP-fast) means the thread's saved copy of the PMD value (the one pmdp_collapse_flush
//   returned, or the one pmdp_get_lockless read); otherwise the live PMD entry.
// Folio ops outside the composite khugepaged helpers (folio_lock, folio_isolate_lru, …) act on the thread's
// target folio: the folio at the actors' PTE (scenario.actorPte).
// Calls not in the table are no-ops.

import type { Outcome } from './program';
import { LockObject, Prim } from './effects';

export interface OpAlternative {
  prims: Prim[];
  /** Outcome reported by this alternative; when absent the primitives set it (or the op has none). */
  outcome?: Outcome;
  /** Only explored when the scenario lets copies fail (copy_mc machine check). */
  onlyIfCopyMayFail?: true;
}

export interface OpSpec {
  /** What the op does in the model, for hover texts and the docs. */
  summary: string;
  /** May sleep: calling it in atomic context (spinlock, pte map, IRQ-off) is NO-SLEEP-IN-ATOMIC. */
  sleeps?: boolean;
  /** Resolves the alternatives from the argument texts (most rows ignore the arguments). */
  alternatives(args: string[]): OpAlternative[];
}

const one = (...prims: Prim[]) => (): OpAlternative[] => [{ prims }];

export function spinlockFromArgs(args: string[]): LockObject {
  return /pml|pmd/i.test(args[0] ?? '') ? 'pml' : 'ptl';
}

export function pmdSourceFromArgs(args: string[]): 'live' | 'saved' {
  const pmdArg = args.find((a) => /pmd/i.test(a));
  return pmdArg?.trim().startsWith('&') ? 'saved' : 'live';
}

const noop = (summary: string): OpSpec => ({ summary, alternatives: () => [{ prims: [] }] });
const succeeds = (summary: string, sleeps = false): OpSpec =>
  ({ summary, sleeps, alternatives: () => [{ prims: [], outcome: 'succeeded' }] });

export const OPS: Record<string, OpSpec> = {
  // --- mmap_lock and the per-VMA lock (§3.1)
  mmap_read_lock: { summary: 'acquire M:R', sleeps: true, alternatives: one({ k: 'lock', lock: 'mmap', mode: 'R' }) },
  mmap_read_trylock: { summary: 'try M:R', alternatives: one({ k: 'trylock', lock: 'mmap', mode: 'R' }) },
  mmap_read_unlock: { summary: 'release M:R', alternatives: one({ k: 'unlock', lock: 'mmap', mode: 'R' }) },
  mmap_write_lock: { summary: 'acquire M:W', sleeps: true, alternatives: one({ k: 'lock', lock: 'mmap', mode: 'W' }) },
  mmap_write_unlock: {
    summary: 'release M:W and every VMA write lock (vma_end_write_all)',
    alternatives: one({ k: 'noTableHiddenByMe', rule: 'BACKOFF-RESTORES-PMD' }, { k: 'unlock', lock: 'mmap', mode: 'W' },
      { k: 'vmaEndWriteAll' }),
  },
  mmap_write_downgrade: {
    summary: 'M:W → M:R without a gap; ends every VMA write lock',
    alternatives: one({ k: 'noTableHiddenByMe', rule: 'DOWNGRADE-DROPS-VMA-LOCKS' }, { k: 'mmapDowngrade' }),
  },
  vma_start_write: {
    summary: 'write-lock the VMA (needs M:W; waits for per-VMA readers)', sleeps: true,
    alternatives: one({ k: 'vmaStartWrite' }),
  },
  lock_vma_under_rcu: { summary: 'try Vr; fails if the VMA is write-locked', alternatives: one({ k: 'vmaTryRead' }) },
  vma_start_read: { summary: 'try Vr; fails if the VMA is write-locked', alternatives: one({ k: 'vmaTryRead' }) },
  vma_end_read: { summary: 'release Vr', alternatives: one({ k: 'vmaEndRead' }) },

  // --- rmap locks
  anon_vma_lock_write: { summary: 'acquire A:W', sleeps: true, alternatives: one({ k: 'lock', lock: 'anon', mode: 'W' }) },
  anon_vma_unlock_write: { summary: 'release A:W', alternatives: one({ k: 'unlock', lock: 'anon', mode: 'W' }) },
  anon_vma_lock_read: { summary: 'acquire A:R', sleeps: true, alternatives: one({ k: 'lock', lock: 'anon', mode: 'R' }) },
  folio_lock_anon_vma_read: {
    summary: 'acquire A:R for an rmap walk', sleeps: true, alternatives: one({ k: 'lock', lock: 'anon', mode: 'R' }),
  },
  anon_vma_unlock_read: { summary: 'release A:R', alternatives: one({ k: 'unlock', lock: 'anon', mode: 'R' }) },
  i_mmap_lock_write: { summary: 'acquire I:W', sleeps: true, alternatives: one({ k: 'lock', lock: 'immap', mode: 'W' }) },
  i_mmap_unlock_write: { summary: 'release I:W', alternatives: one({ k: 'unlock', lock: 'immap', mode: 'W' }) },
  i_mmap_lock_read: { summary: 'acquire I:R', sleeps: true, alternatives: one({ k: 'lock', lock: 'immap', mode: 'R' }) },
  i_mmap_unlock_read: { summary: 'release I:R', alternatives: one({ k: 'unlock', lock: 'immap', mode: 'R' }) },

  // --- spinlocks
  pmd_lock: { summary: 'acquire the pml', alternatives: one({ k: 'lock', lock: 'pml', mode: 'W' }) },
  spin_lock: {
    summary: 'acquire the pml or ptl named by the argument',
    alternatives: (args) => [{ prims: [{ k: 'lock', lock: spinlockFromArgs(args), mode: 'W' }] }],
  },
  spin_lock_nested: {
    summary: 'acquire the pml or ptl named by the argument (lockdep nesting)',
    alternatives: (args) => [{ prims: [{ k: 'lock', lock: spinlockFromArgs(args), mode: 'W' }] }],
  },
  spin_trylock: {
    summary: 'try the pml or ptl named by the argument',
    alternatives: (args) => [{ prims: [{ k: 'trylock', lock: spinlockFromArgs(args), mode: 'W' }] }],
  },
  spin_unlock: {
    summary: 'release the pml or ptl named by the argument',
    alternatives: (args) => [{ prims: [{ k: 'unlock', lock: spinlockFromArgs(args), mode: 'W' }] }],
  },

  // --- IRQs (GUP-fast) and MMU notifiers
  local_irq_save: { summary: 'interrupts off (delays IPIs)', alternatives: one({ k: 'irqOff' }) },
  local_irq_disable: { summary: 'interrupts off (delays IPIs)', alternatives: one({ k: 'irqOff' }) },
  local_irq_restore: { summary: 'interrupts on', alternatives: one({ k: 'irqOn' }) },
  local_irq_enable: { summary: 'interrupts on', alternatives: one({ k: 'irqOn' }) },
  mmu_notifier_invalidate_range_start: {
    summary: 'open the invalidation range (secondary MMUs drop their entries)', sleeps: true,
    alternatives: one({ k: 'notifierStart' }),
  },
  mmu_notifier_invalidate_range_end: { summary: 'close the invalidation range', alternatives: one({ k: 'notifierEnd' }) },

  // --- khugepaged revalidation (§3.6)
  hugepage_vma_revalidate: { summary: 'fails if the VMA is gone (munmap, mremap)', alternatives: one({ k: 'revalidateVma' }) },
  find_pmd_or_thp_or_none: { summary: 'fails unless the PMD points to a table', alternatives: one({ k: 'checkPmdIsTable' }) },
  check_pmd_still_valid: { summary: 'fails unless the PMD still points to a table', alternatives: one({ k: 'checkPmdIsTable' }) },
  alloc_charge_folio: succeeds('the new folio exists from the start (allocated at C2); always succeeds', true),
  __collapse_huge_page_swapin: succeeds('no swap PTEs to bring in at collapse time in this model', true),

  // --- page tables (§3.2)
  pmdp_collapse_flush: {
    summary: 'PMD table → none (table hidden, value kept as the saved PMD) + flush every TLB for the range',
    alternatives: one({ k: 'collapseFlush' }),
  },
  flush_tlb_range: { summary: 'flush every TLB for the range', alternatives: one({ k: 'flushTlb' }) },
  tlb_remove_table_sync_one: {
    summary: 'IPI all CPUs and wait: every IRQ-off (GUP-fast) section in flight has ended',
    alternatives: one({ k: 'waitForIrqOffSections' }),
  },
  pte_offset_map_lock: {
    summary: 'map the table the PMD argument points to and take its ptl (rechecks the live PMD); fails on none/huge',
    alternatives: (args) => [{ prims: [{ k: 'mapTable', source: pmdSourceFromArgs(args), lock: true }] }],
  },
  pte_offset_map: {
    summary: 'map the table (RCU), no lock; fails on none/huge',
    alternatives: (args) => [{ prims: [{ k: 'mapTable', source: pmdSourceFromArgs(args), lock: false }] }],
  },
  pte_offset_map_nolock: {
    summary: 'map the table (RCU), no lock; fails on none/huge',
    alternatives: (args) => [{ prims: [{ k: 'mapTable', source: pmdSourceFromArgs(args), lock: false }] }],
  },
  pte_offset_map_ro_nolock: {
    summary: 'map the table (RCU), no lock; fails on none/huge',
    alternatives: (args) => [{ prims: [{ k: 'mapTable', source: pmdSourceFromArgs(args), lock: false }] }],
  },
  pte_offset_map_rw_nolock: {
    summary: 'map the table (RCU), no lock; fails on none/huge',
    alternatives: (args) => [{ prims: [{ k: 'mapTable', source: pmdSourceFromArgs(args), lock: false }] }],
  },
  pte_unmap: { summary: 'unmap the table (leave RCU)', alternatives: one({ k: 'unmapTable', unlock: false }) },
  pte_unmap_unlock: { summary: 'release the ptl and unmap the table', alternatives: one({ k: 'unmapTable', unlock: true }) },
  pmd_populate: {
    summary: 'PMD none → table (the saved table, or a fresh one); BUG if the PMD is not none',
    alternatives: one({ k: 'populatePmd' }),
  },
  set_pmd_at: { summary: 'PMD none → huge(new folio)', alternatives: one({ k: 'setPmdHuge' }) },
  map_anon_folio_pmd_nopf: { summary: 'rmap + LRU + set_pmd_at of the new folio', alternatives: one({ k: 'setPmdHuge' }) },
  pgtable_trans_huge_deposit: { summary: 'saved table → deposited under the huge PMD', alternatives: one({ k: 'deposit' }) },
  set_ptes: { summary: 'PTEs of the collapse range → the new folio', alternatives: one({ k: 'setPtes' }) },
  map_anon_folio_pte_nopf: {
    summary: 'ref, rmap, LRU and set_ptes of the new folio over the collapse range', alternatives: one({ k: 'setPtes' }),
  },
  ptep_clear: { summary: 'PTEs of the collapse range → none (rmap dropped), no flush', alternatives: one({ k: 'clearPtes' }) },
  ptep_get_and_clear: {
    summary: 'PTEs of the collapse range → none (rmap dropped), no flush', alternatives: one({ k: 'clearPtes' }),
  },
  ptep_clear_flush: {
    summary: 'PTEs of the collapse range → none (rmap dropped), then a TLB flush',
    alternatives: one({ k: 'clearPtes' }, { k: 'flushTlb' }),
  },

  // --- khugepaged folio work (§3.4–3.6)
  __collapse_huge_page_isolate: {
    summary: 'trylock + refcount check + LRU-isolate every folio of the range; fails (and releases) otherwise',
    alternatives: one({ k: 'isolateFolios' }),
  },
  __collapse_huge_page_copy: {
    summary: 'copy; on success clear the old PTEs and free the old folios; on a machine check restore the PMD',
    alternatives: () => [
      { prims: [{ k: 'copySucceeded' }], outcome: 'succeeded' },
      { prims: [{ k: 'copyFailed' }], outcome: 'failed', onlyIfCopyMayFail: true },
    ],
  },
  copy_mc_user_highpage: {
    summary: 'copy the range into the new folio (may hit a machine check)',
    alternatives: () => [
      { prims: [{ k: 'markCopied' }], outcome: 'succeeded' },
      { prims: [], outcome: 'failed', onlyIfCopyMayFail: true },
    ],
  },
  __folio_mark_uptodate: { summary: 'new folio uptodate (write barrier before mapping)', alternatives: one({ k: 'markUptodate' }) },
  folio_put: { summary: 'drop a reference on the new folio', alternatives: one({ k: 'putOwnFolio' }) },
  release_pte_pages: {
    summary: 'backoff: unlock and put back every folio this thread isolated', alternatives: one({ k: 'releaseIsolated' }),
  },
  release_pte_folio: {
    summary: 'backoff: unlock and put back every folio this thread isolated', alternatives: one({ k: 'releaseIsolated' }),
  },
  folio_isolate_lru: { summary: 'isolate the target folio (+ref); fails if already isolated', alternatives: one({ k: 'folioIsolate' }) },
  folio_putback_lru: { summary: 'un-isolate the target folio (−ref)', alternatives: one({ k: 'folioPutback' }) },
  folio_trylock: { summary: 'try to lock the target folio', alternatives: one({ k: 'folioTrylock' }) },
  folio_lock: { summary: 'lock the target folio (sleeps)', sleeps: true, alternatives: one({ k: 'folioLock' }) },
  folio_unlock: { summary: 'unlock the target folio', alternatives: one({ k: 'folioUnlock' }) },

  // --- actor steps (actors.ts); names are the kernel functions they stand for
  pmdp_get_lockless: {
    summary: 'read the PMD without a lock into the saved PMD; a walker holding mmap/VMA/rmap locks must not see a hidden pmd_none',
    alternatives: one({ k: 'readPmd' }),
  },
  ptep_get_lockless: { summary: 'read the actor PTE from the mapped table (GUP-fast)', alternatives: one({ k: 'readPte' }) },
  try_grab_folio_fast: { summary: 'speculative reference on the folio read (fails if freed)', alternatives: one({ k: 'grabRef' }) },
  gup_fast_recheck: {
    summary: 'GUP-fast recheck: PMD and PTE unchanged since they were read (gup_fast_pte_range)',
    alternatives: one({ k: 'gupRecheck' }),
  },
  gup_put_folio: { summary: 'drop the GUP reference', alternatives: one({ k: 'putRef' }) },
  gup_pin_write: { summary: 'the GUP caller writes through its reference (O_DIRECT, DMA)', alternatives: one({ k: 'pinWrite' }) },
  follow_page_pte: { summary: 'GUP slow: reference on the present PTE under the ptl', alternatives: one({ k: 'followPte' }) },
  handle_pte_fault: { summary: 'fault under the ptl: install a new folio or write the present one', alternatives: one({ k: 'faultPte' }) },
  __pte_alloc: { summary: 'if the PMD read was none: pmd_install a fresh table under the pml', alternatives: one({ k: 'pteAlloc' }) },
  zap_huge_pmd: { summary: 'if the PMD read was huge: clear it under the pml and free the deposited table', alternatives: one({ k: 'zapHugePmd' }) },
  zap_pte_range: { summary: 'clear every PTE of the mapped table, flush, free the folios', alternatives: one({ k: 'zapPtes' }) },
  try_get_and_clear_pmd: {
    summary: 'PT reclaim fast path: trylock the pml, clear the PMD of an empty table, free it through RCU',
    alternatives: one({ k: 'tryClearPmd' }),
  },
  unmap_vmas: { summary: 'munmap: zap everything mapped at the PMD', alternatives: one({ k: 'unmapVmas' }) },
  free_pgtables: { summary: 'munmap: PMD → none, the table is freed through RCU (no locks)', alternatives: one({ k: 'freePgtables' }) },
  vma_mark_detached: { summary: 'the VMA no longer covers the address (revalidation fails)', alternatives: one({ k: 'vmaGone' }) },
  move_normal_pmd: { summary: 'mremap: the PMD entry moves to the new address', alternatives: one({ k: 'movePmd' }) },
  try_to_unmap_one: { summary: 'rmap: the PTE of the target folio becomes a swap entry', alternatives: one({ k: 'tryToUnmapOne' }) },
  cpu_store: { summary: 'user store: TLB hit, or hardware walk + TLB fill; a miss is a page fault', alternatives: one({ k: 'cpuStore' }) },
  retract_page_tables: {
    summary: 'file THP retract: skips every VMA with an anon_vma, so never this one',
    alternatives: one(),
  },

  // --- calls with no effect on the model state (listed so that they are not mistaken for unknown ones)
  pmd_lockptr: noop('lock lookup only'),
  pte_lockptr: noop('lock lookup only'),
  mmu_notifier_range_init: noop('prepares a descriptor'),
  pmdp_get_lockless_sync: noop('only does work on 32-bit PAE'),
  pmd_pgtable: noop('pointer arithmetic'),
  mk_huge_pmd: noop('builds a value'),
  folio_mk_pmd: noop('builds a value'),
  maybe_pmd_mkwrite: noop('builds a value'),
  pmd_mkdirty: noop('builds a value'),
  folio_add_new_anon_rmap: noop('accounted in set_pmd_at / set_ptes'),
  folio_add_lru_vma: noop('accounted in set_pmd_at / set_ptes'),
  folio_ref_add: noop('accounted in set_ptes'),
  deferred_split_folio: noop('no split in the model'),
  update_mmu_cache_pmd: noop('architecture hook'),
  update_mmu_cache_range: noop('architecture hook'),
  clear_user_highpage: noop('zero-fill of the new folio'),
  folio_remove_rmap_pte: noop('accounted in ptep_clear'),
  mm_dec_nr_ptes: noop('page-table accounting'),
};

export function opSpec(op: string | undefined): OpSpec | undefined {
  return op === undefined ? undefined : OPS[op];
}

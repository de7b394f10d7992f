// What the mutation evaluation expects: for each kernel call it mutates, the rules that name the defect a
// mutation of that call makes. This table is the evaluation's own reading of the protocol (the rules of
// docs/rules/), written independently of the checker's tables so that the score is not the checker grading
// itself. A call that is not here is not mutated.

/** Locks whose loss shows as an unpaired release or a leak; protocol rules that need the lock. */
const MMAP = ['LOCK-PAIR', 'VMA-WRITE-NEEDS-MMAP-WRITE', 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', 'REVALIDATE-AFTER-RELOCK', 'LOCK-ORDER'];
const RMAP = ['LOCK-PAIR', 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', 'HIDDEN-TABLE-RMAP-EXCLUSION', 'LOCK-ORDER'];
const PAGE_TABLE_LOCK = ['LOCK-PAIR', 'PMD-WRITE-NEEDS-PML', 'PTE-WRITE-NEEDS-PTL-OR-ISOLATION', 'PTL-PML-ALIAS'];
const FOLIO = ['LOCK-PAIR', 'REFCOUNT-CHECK-AFTER-UNREACHABLE', 'COPY-AFTER-UNREACHABLE', 'HIDDEN-TABLE-RMAP-EXCLUSION', 'TRYLOCK-FOLIO-UNDER-PTL'];
const NOTIFIER = ['MMU-NOTIFIER-BRACKET', 'LOCK-PAIR'];
const REVALIDATE = ['REVALIDATE-AFTER-RELOCK', 'EXIT-CHECK'];
const UNREACHABLE = ['TLB-FLUSH-BEFORE-ISOLATED-USE', 'GUP-FAST-SYNC', 'REFCOUNT-CHECK-AFTER-UNREACHABLE', 'COPY-AFTER-UNREACHABLE',
  'PTE-WRITE-NEEDS-PTL-OR-ISOLATION', 'HIDDEN-TABLE-RMAP-EXCLUSION'];

export const DEFECT_RULES: Record<string, readonly string[]> = {
  mmap_read_lock: MMAP, mmap_read_unlock: MMAP, mmap_write_lock: MMAP, mmap_write_unlock: MMAP,
  mmap_read_trylock: MMAP, mmap_write_trylock: MMAP, mmap_write_downgrade: ['DOWNGRADE-DROPS-VMA-LOCKS', 'LOCK-PAIR'],
  vma_start_write: ['PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS'],
  anon_vma_lock_write: RMAP, anon_vma_unlock_write: RMAP, anon_vma_trylock_write: RMAP,
  i_mmap_lock_write: RMAP, i_mmap_unlock_write: RMAP, i_mmap_lock_read: RMAP, i_mmap_unlock_read: RMAP, i_mmap_trylock_read: RMAP,
  pmd_lock: PAGE_TABLE_LOCK, spin_lock: PAGE_TABLE_LOCK, spin_unlock: PAGE_TABLE_LOCK, spin_lock_nested: PAGE_TABLE_LOCK,
  pte_offset_map_lock: PAGE_TABLE_LOCK, pte_unmap_unlock: PAGE_TABLE_LOCK,
  pte_offset_map: ['LOCK-PAIR'], pte_offset_map_nolock: ['LOCK-PAIR', 'PTE-WRITE-NEEDS-PTL-OR-ISOLATION'],
  pte_offset_map_ro_nolock: ['LOCK-PAIR', 'PTE-WRITE-NEEDS-PTL-OR-ISOLATION'],
  pte_offset_map_rw_nolock: ['LOCK-PAIR', 'PTE-WRITE-NEEDS-PTL-OR-ISOLATION'], pte_unmap: ['LOCK-PAIR'],
  folio_lock: FOLIO, folio_unlock: FOLIO, folio_trylock: FOLIO, lock_page: FOLIO, unlock_page: FOLIO, trylock_page: FOLIO,
  xas_lock_irq: ['LOCK-PAIR'], xas_unlock_irq: ['LOCK-PAIR'],
  rcu_read_lock: ['LOCK-PAIR'], rcu_read_unlock: ['LOCK-PAIR'],
  mmu_notifier_invalidate_range_start: NOTIFIER, mmu_notifier_invalidate_range_end: NOTIFIER,
  pmdp_collapse_flush: UNREACHABLE, pmdp_huge_clear_flush: UNREACHABLE, pmdp_get_and_clear: UNREACHABLE,
  tlb_remove_table_sync_one: ['GUP-FAST-SYNC', 'REFCOUNT-CHECK-AFTER-UNREACHABLE', 'COPY-AFTER-UNREACHABLE'],
  flush_tlb_range: ['TLB-FLUSH-BEFORE-ISOLATED-USE'], flush_tlb_mm: ['TLB-FLUSH-BEFORE-ISOLATED-USE'],
  pmd_populate: ['BACKOFF-RESTORES-PMD'], set_pmd_at: ['BACKOFF-RESTORES-PMD'],
  pgtable_trans_huge_deposit: ['DEPOSIT-WITH-HUGE-PMD'],
  __folio_mark_uptodate: ['UPTODATE-BEFORE-MAP'], __SetPageUptodate: ['UPTODATE-BEFORE-MAP'],
  hugepage_vma_revalidate: REVALIDATE, collapse_vma_revalidate: REVALIDATE, check_pmd_still_valid: REVALIDATE,
  find_pmd_or_thp_or_none: REVALIDATE,
  hpage_collapse_test_exit: ['EXIT-CHECK'], hpage_collapse_test_exit_or_disable: ['EXIT-CHECK'],
  collapse_test_exit: ['EXIT-CHECK'], collapse_test_exit_or_disable: ['EXIT-CHECK'],
};

/** Swapping two adjacent steps: what either names, and the order rules. */
export function swapRules(a: string, b: string): string[] {
  return [...new Set([...DEFECT_RULES[a], ...DEFECT_RULES[b], 'LOCK-ORDER', 'NO-SLEEP-IN-ATOMIC', 'PTES-BEFORE-PMD',
    'TLB-FLUSH-BEFORE-ISOLATED-USE', 'UPTODATE-BEFORE-MAP', 'BACKOFF-RESTORES-PMD'])];
}

/** A blocking lock where a trylock was: a deadlock against the lock order or a sleep in atomic context. */
export const TRYLOCK_TO_LOCK_RULES = ['LOCK-ORDER', 'NO-SLEEP-IN-ATOMIC', 'TRYLOCK-FOLIO-UNDER-PTL'];

/**
 * A page-table lock taken without comparing it with the one held: one lock where split page-table locks are
 * off (a self-deadlock); released without the comparison: released twice.
 */
export const LOCK_COMPARE_RULES = { acquire: ['PTL-PML-ALIAS'], release: ['LOCK-PAIR', 'PTL-PML-ALIAS'] } as const;

/** The blocking counterpart of a trylock. */
export const BLOCKING_OF: Record<string, string> = {
  mmap_read_trylock: 'mmap_read_lock', mmap_write_trylock: 'mmap_write_lock', folio_trylock: 'folio_lock',
  trylock_page: 'lock_page', spin_trylock: 'spin_lock', anon_vma_trylock_write: 'anon_vma_lock_write',
  i_mmap_trylock_read: 'i_mmap_lock_read', i_mmap_trylock_write: 'i_mmap_lock_write',
};

/**
 * Calls that release a lock without sleeping: swapping two of them cannot deadlock or sleep under a spinlock,
 * and no rule orders two releases. (mmu_notifier_invalidate_range_end() is not one: it may sleep,
 * include/linux/mmu_notifier.h.)
 */
export const RELEASES = new Set(['mmap_read_unlock', 'mmap_write_unlock', 'anon_vma_unlock_write', 'i_mmap_unlock_write',
  'i_mmap_unlock_read', 'spin_unlock', 'pte_unmap_unlock', 'pte_unmap', 'folio_unlock', 'unlock_page', 'xas_unlock_irq',
  'rcu_read_unlock']);

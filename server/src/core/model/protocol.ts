// The collapse protocol as declared data (../shared/PROTOCOL.md §3–§5, §7): for each kernel call, the protocol
// step it belongs to, what it does to the page-table state the checker follows, what it requires (named
// requirements, each checked by one predicate in check/requirements.ts and reported under one rule ID), and
// a paragraph for the hover. The lock effects of the same calls are in api.ts. Adding a kernel API is one row
// here (and one in api.ts if it takes or drops a lock) and one fixture.

/** Page-table facts a path knows (absent = unknown, e.g. at function entry). */
export type PtFact =
  /** The collapsed range's PMD: 'attached', 'hidden' (cleared by us, table kept), 'removed' (table retracted for good), 'huge'. */
  | 'pmd'
  /** 'live' after mapping the PTE table through the live PMD; 'copy' through a saved PMD value (&_pmd). */
  | 'mapped'
  /** 'cleared' after this path cleared PTEs of an attached table. */
  | 'ptes'
  /** After the last clear: 'yes' the TLB was flushed, 'no' not yet. */
  | 'flushed'
  /** After the last clear: 'yes' in-flight GUP-fast walks are known finished (tlb_remove_table_sync_one). */
  | 'synced'
  /** 'yes' after the old pages were copied to the new folio. */
  | 'copied'
  /** 'yes' __folio_mark_uptodate() after the copy; 'early' before it (the barrier orders nothing). */
  | 'uptodate'
  /** 'held' after vma_start_write(); 'dropped' after mmap_write_downgrade() (per-VMA faults run again). */
  | 'vmaExcl'
  /**
   * 'yes' after this path dropped the mmap_lock: the VMA must be looked up again; 'no' after a lookup under
   * the mmap_lock. One fact per object, since revalidating the VMA says nothing of the PMD (mremap may have
   * moved the table while the lock was dropped).
   */
  | 'staleVma'
  /** As staleVma, for the PMD: looked up again by check_pmd_still_valid() or find_pmd_or_thp_or_none(). */
  | 'stalePmd'
  /**
   * 'no' after this path took the mmap_lock of an mm that may exit (trylock); 'yes' after an mm-exit test (or a
   * revalidation, which has one); 'dropped' while this path has the mmap_lock dropped, and 'no'/'regained'
   * once it retook it, for an mm known/not known to be one that may exit (mayExit).
   */
  | 'exitChecked'
  /** 'yes' after this path entered the mm by mmap_*_trylock(): khugepaged's foreign mm, which may exit under it. */
  | 'mayExit'
  /** 'yes' after pgtable_trans_huge_deposit(). */
  | 'deposited'
  /**
   * The name of a PMD value of the function's own (`_pmd`) that this path pointed at a PTE table: the table is
   * reachable through nothing else until the path installs it (mm/huge_memory.c __split_huge_pmd_locked()
   * fills a withdrawn table through `pmd_populate(mm, &_pmd, pgtable)`).
   */
  | 'privateTable'
  /** 'yes'/'no': the path decided the collapse covers the whole PMD (is_pmd_order(order), order == HPAGE_PMD_ORDER). */
  | 'wholePmd'
  /**
   * 'yes' after this path took a folio off the LRU to replace it (mm/khugepaged.c __collapse_huge_page_isolate()):
   * what it copies next is a folio it means to unmap for good, not the read-only source of a COW copy.
   */
  | 'isolated';

/**
 * Facts that tell what kind of code this is rather than the state the caller gets: an outcome whose paths
 * disagree keeps them if any path has them. A successful __collapse_huge_page_isolate() isolated folios,
 * though a path the analysis cannot correlate with its counters (`writable`) reaches SCAN_SUCCEED without;
 * __collapse_huge_page_copy() copied pages, though its loop may run zero times for the analysis.
 */
export const EVIDENCE_PT_FACTS: ReadonlySet<PtFact> = new Set<PtFact>(['isolated', 'copied']);

export interface PtSet {
  fact: PtFact;
  value: string;
}

/** Requirements a call may have; check/requirements.ts decides each and names the rule it belongs to. */
export type RequirementId =
  | 'mmap-write' | 'not-atomic' | 'no-reclaim-under-rmap' | 'folio-trylock-only' | 'pml-held' | 'clear-needs-pml'
  | 'clear-needs-mmap-write' | 'clear-needs-vma-lock' | 'clear-needs-rmap-lock'
  | 'pte-lock-or-isolated' | 'populate-table' | 'unreachable' | 'notifier-open' | 'vma-revalidated' | 'pmd-revalidated' | 'revalidated' | 'exit-checked' | 'exit-rechecked'
  | 'walkers-excluded' | 'pmd-present-at-downgrade' | 'uptodate-after-copy' | 'pmd-attached' | 'rmap-covers-hidden'
  | 'deposited';

/** The kinds of "isolated use" TLB-FLUSH-BEFORE-ISOLATED-USE and GUP-FAST-SYNC guard. */
export type IsolatedUse = 'refcount' | 'copy' | 'pte-reuse' | 'table-free';

export interface ProtocolSteps {
  /** Step of the mainline collapse (§4.2): 'C15'. */
  mainline?: string;
  /** Step of the proposed mTHP protocol (§5.1): 'a'..'f'. */
  proposed?: string;
}

export interface ProtocolRow {
  name: string;
  /** What the call does, in a few words (hover title, code lens). */
  title: string;
  steps?: ProtocolSteps;
  /** May block (PROTOCOL.md §2.2): not allowed in atomic context. */
  sleeps?: boolean;
  /** Allocates memory with direct reclaim unless its GFP argument says otherwise. */
  allocates?: boolean;
  use?: IsolatedUse;
  /**
   * The argument that names the PMD slot the call changes. Given as `&x`, it names a PMD value on the caller's
   * stack, not a page table: the call changes no page table and needs none of its locks.
   */
  pmdArg?: number;
  requires?: RequirementId[];
  sets?: PtSet[];
  /** One paragraph for the hover. */
  doc: string;
}

const set = (fact: PtFact, value: string): PtSet => ({ fact, value });
/** PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS, lock by lock. */
const CLEAR_NEEDS: RequirementId[] = ['clear-needs-pml', 'clear-needs-mmap-write', 'clear-needs-vma-lock', 'clear-needs-rmap-lock'];
const CLEARED_UNFLUSHED = [set('ptes', 'cleared'), set('flushed', 'no'), set('synced', 'no')];

export const PROTOCOL_API: ProtocolRow[] = [
  // Step a: take every lock under which a page-table walk could start on this PMD.
  { name: 'mmap_write_lock', title: 'take the mmap_lock for write', steps: { mainline: 'C8', proposed: 'a' }, sleeps: true,
    doc: 'Excludes page faults under the mmap_lock, GUP-slow, madvise/mprotect/mremap/munmap/fork on this mm. It does not exclude per-VMA-lock faults unless each VMA is also write-locked with vma_start_write().' },
  { name: 'mmap_read_lock', title: 'take the mmap_lock for read', steps: { mainline: 'C3' }, sleeps: true,
    doc: 'Readers can run concurrently (faults, GUP, madvise); enough to look at page tables, not to hide them.' },
  { name: 'hugepage_vma_revalidate', title: 'look the VMA up again and recheck it', steps: { mainline: 'C4/C9', proposed: 'a' },
    sets: [set('staleVma', 'no'), set('exitChecked', 'yes')],
    doc: 'After any gap in the mmap_lock: find the VMA again, check that the whole PMD-aligned range lies in it, the order is allowed, anon_vma is set and the mm is not exiting. The old vma pointer must not be used.' },
  { name: 'collapse_vma_revalidate', title: 'look the VMA up again and recheck it', steps: { mainline: 'C4/C9', proposed: 'a' },
    sets: [set('staleVma', 'no'), set('exitChecked', 'yes')], doc: 'The mTHP-era name of hugepage_vma_revalidate().' },
  { name: 'check_pmd_still_valid', title: 'check the PMD is still the same table', steps: { mainline: 'C10', proposed: 'a' },
    sets: [set('stalePmd', 'no')], doc: 'After the mmap_lock was retaken: the PMD slot must be the same one and still point to a PTE table.' },
  { name: 'find_pmd_or_thp_or_none', title: 'find the PMD and classify it', steps: { mainline: 'C5' }, requires: ['exit-checked'],
    sets: [set('stalePmd', 'no')], doc: 'Walks pgd/p4d/pud to the PMD and reads it locklessly: a table, none, or a huge PMD. Advisory until the locks are held.' },
  { name: 'mm_find_pmd', title: 'find the PMD', requires: ['exit-checked'], sets: [set('stalePmd', 'no')],
    doc: 'Walks the upper levels to the PMD slot; needs them stable (mmap or rmap lock) and the mm not exiting.' },
  { name: 'find_vma', title: 'look the VMA up', sets: [set('staleVma', 'no')], doc: 'Looks up the VMA covering an address under the mmap_lock.' },
  { name: 'vma_lookup', title: 'look the VMA up', sets: [set('staleVma', 'no')], doc: 'Looks up the VMA covering an address under the mmap_lock.' },
  { name: 'vma_start_write', title: 'write-lock the VMA', steps: { mainline: 'C11', proposed: 'a' }, sleeps: true,
    requires: ['mmap-write', 'vma-revalidated'], sets: [set('vmaExcl', 'held')],
    doc: 'Excludes page faults under the per-VMA lock (they fall back to the mmap_lock and block). Needs the mmap_lock for write; ends only with mmap_write_unlock() or mmap_write_downgrade().' },
  { name: 'anon_vma_lock_write', title: 'write-lock the anon_vma', steps: { mainline: 'C12', proposed: 'a' }, sleeps: true,
    requires: ['vma-revalidated'], doc: 'Excludes every anonymous rmap walk (try_to_unmap, migration, folio_referenced), which would otherwise find the hidden table as pmd_none and miss its PTEs.' },
  { name: 'hpage_collapse_test_exit', title: 'test whether the mm is exiting', sets: [set('exitChecked', 'yes')],
    doc: 'mm_users == 0: exit_mmap() is tearing the page tables down without locks; do not walk them.' },
  { name: 'hpage_collapse_test_exit_or_disable', title: 'test whether the mm is exiting or THP is disabled', sets: [set('exitChecked', 'yes')],
    doc: 'mm_users == 0 or THP disabled for the mm.' },
  { name: 'collapse_test_exit', title: 'test whether the mm is exiting', sets: [set('exitChecked', 'yes')], doc: 'mm_users == 0.' },
  { name: 'collapse_test_exit_or_disable', title: 'test whether the mm is exiting or THP is disabled', sets: [set('exitChecked', 'yes')],
    doc: 'mm_users == 0 or THP disabled for the mm.' },

  // Step b: isolate the PTE table.
  { name: 'mmu_notifier_invalidate_range_start', title: 'open the MMU-notifier range', steps: { mainline: 'C13', proposed: 'b' }, sleeps: true,
    doc: 'Secondary MMUs (KVM, IOMMU SVA) drop their mappings of the range; they hold no page references, so this must come before any entry they mirror is cleared. May sleep: not under a spinlock.' },
  { name: 'pmd_lock', title: 'take the PMD lock', steps: { mainline: 'C14', proposed: 'b' }, requires: ['pmd-revalidated'],
    doc: 'Returns the PMD table lock it took (pml). Protects PMD entries and the deposit list.' },
  { name: 'pmdp_collapse_flush', title: 'clear the PMD and flush the TLB', steps: { mainline: 'C15', proposed: 'b' },
    requires: [...CLEAR_NEEDS, 'notifier-open', 'revalidated', 'exit-checked'],
    sets: [set('pmd', 'hidden'), set('flushed', 'yes'), set('synced', 'no')],
    doc: 'PMD table → none, returning the old value (the table is now hidden, kept only in the returned copy), and flushes the TLB for the whole 2 MiB. GUP-fast walks that read the old PMD may still be running: tlb_remove_table_sync_one() waits for them.' },
  { name: 'pmdp_huge_get_and_clear', title: 'clear the PMD (no flush)', requires: [...CLEAR_NEEDS, 'notifier-open'],
    sets: [set('pmd', 'hidden'), set('flushed', 'no'), set('synced', 'no')], doc: 'Clears a PMD without flushing the TLB.' },
  { name: 'pmd_clear', title: 'clear the PMD (no flush)', requires: [...CLEAR_NEEDS, 'notifier-open'],
    sets: [set('pmd', 'hidden'), set('flushed', 'no'), set('synced', 'no')], doc: 'Clears a PMD without flushing the TLB.' },
  // might_sleep() for a blockable range (include/linux/mmu_notifier.h): not under a spinlock either.
  { name: 'mmu_notifier_invalidate_range_end', title: 'close the MMU-notifier range', steps: { mainline: 'C17', proposed: 'b' }, sleeps: true,
    doc: 'Closes the invalidation window opened by mmu_notifier_invalidate_range_start(); after the clear and the flush. May sleep (a blockable range): not under a spinlock.' },
  { name: 'tlb_remove_table_sync_one', title: 'wait for in-flight GUP-fast walks', steps: { mainline: 'C18', proposed: 'b' },
    sets: [set('synced', 'yes')],
    doc: 'An IPI to every CPU and a wait: GUP-fast runs with interrupts off, so when every CPU has taken the IPI no walk that read the old PMD is still running. Needed before the refcount check and before the hidden table is modified or freed (Jann Horn, 2ba99c5e0881).' },
  { name: 'pmdp_get_lockless_sync', title: 'wait for lockless PMD readers (32-bit PAE)', sets: [set('synced', 'yes')],
    doc: 'tlb_remove_table_sync_one() on configurations with split-word PMD reads, else nothing.' },
  { name: 'flush_tlb_range', title: 'flush the TLB for the range', sets: [set('flushed', 'yes')], doc: 'Invalidates the range on every CPU of the mm.' },
  { name: 'flush_tlb_mm', title: 'flush the whole TLB of the mm', sets: [set('flushed', 'yes')], doc: 'Invalidates every translation of the mm on every CPU.' },
  { name: 'flush_tlb_page', title: 'flush one TLB entry', sets: [set('flushed', 'yes')], doc: 'Invalidates one page of the mm on every CPU.' },

  // Step c: re-verify and isolate the folios, PTEs untouched.
  { name: 'pte_offset_map_lock', title: 'map and lock the PTE table', steps: { mainline: 'C19', proposed: 'c' },
    doc: 'Maps the PTE table (an RCU section) and takes its PTE lock, rechecking the PMD. Through a saved PMD value (&_pmd) it maps the hidden table; through the live PMD the PTEs are still reachable by the MMU and GUP-fast.' },
  { name: '__collapse_huge_page_isolate', title: 'lock, check and isolate the mapped folios', steps: { mainline: 'C20', proposed: 'c' },
    doc: 'For each PTE: limits on none/swap/shared, folio_trylock(), is_refcount_suitable(), folio_isolate_lru(). The refcount check counts only once no new reference can appear: the mappings unreachable (PMD cleared, TLB flushed) and GUP-fast synced.' },
  { name: 'is_refcount_suitable', title: 'check for unexpected folio references', steps: { mainline: 'C20', proposed: 'c' }, use: 'refcount',
    doc: 'refcount == mapcount (+ swap cache): no GUP pin or other reference. Decisive only with the folio locked and its mappings unreachable; during the scan it is an advisory pre-check.' },
  { name: 'folio_isolate_lru', title: 'isolate the folio from the LRU', steps: { mainline: 'C20', proposed: 'c' }, sets: [set('isolated', 'yes')],
    doc: 'Takes the folio off the LRU (and a reference) so reclaim, migration and compaction leave it alone. Legal under the PTE lock.' },
  // 6.1's name (mm/vmscan.c), returning 0 on success.
  { name: 'isolate_lru_page', title: 'isolate the page from the LRU', steps: { mainline: 'C20', proposed: 'c' }, sets: [set('isolated', 'yes')],
    doc: 'Takes the page off the LRU (and a reference) so reclaim, migration and compaction leave it alone; 0 on success.' },
  { name: 'folio_lock', title: 'lock the folio (may sleep)', sleeps: true, requires: ['folio-trylock-only'],
    doc: 'Sleeps until PG_locked is free. The folio lock sits above the anon_vma and page-table locks: under them only folio_trylock() is allowed.' },
  { name: 'lock_page', title: 'lock the page (may sleep)', sleeps: true, requires: ['folio-trylock-only'],
    doc: 'Sleeps until PG_locked is free; under the page-table or anon_vma lock use trylock_page().' },
  { name: '__folio_lock', title: 'lock the folio (may sleep)', sleeps: true, requires: ['folio-trylock-only'], doc: 'As folio_lock().' },

  // Step d: allocate, copy, replace.
  { name: 'alloc_charge_folio', title: 'allocate and charge the new folio', steps: { mainline: 'C2', proposed: 'd' }, sleeps: true, allocates: true,
    doc: 'May run direct reclaim and compaction for a long time: mainline calls it with no lock held at all. Reclaim walks rmap under anon_vma read locks, so allocating under the anon_vma write lock can deadlock (D-1).' },
  { name: 'folio_alloc', title: 'allocate a folio', sleeps: true, allocates: true, doc: 'May reclaim unless the GFP mask forbids it.' },
  { name: '__folio_alloc', title: 'allocate a folio', sleeps: true, allocates: true, doc: 'May reclaim unless the GFP mask forbids it.' },
  { name: 'vma_alloc_folio', title: 'allocate a folio', sleeps: true, allocates: true, doc: 'May reclaim unless the GFP mask forbids it.' },
  { name: 'alloc_pages', title: 'allocate pages', sleeps: true, allocates: true, doc: 'May reclaim unless the GFP mask forbids it.' },
  { name: 'mem_cgroup_charge', title: 'charge the folio to the memory cgroup', sleeps: true, allocates: true, doc: 'May reclaim to make room in the cgroup.' },
  { name: '__collapse_huge_page_copy', title: 'copy the old pages into the new folio', steps: { mainline: 'C24', proposed: 'd' },
    doc: 'Copies (or zeroes) every page, then clears the old PTEs and releases the old folios; on a machine check it restores the PMD first. The source pages must be unreachable by writers.' },
  { name: 'copy_mc_user_highpage', title: 'copy one page (machine-check safe)', steps: { mainline: 'C24', proposed: 'd' }, use: 'copy',
    requires: ['walkers-excluded'], sets: [set('copied', 'yes')],
    doc: 'Copies one page; returns > 0 on a hardware memory error. The source must be unreachable: a CPU with a stale TLB entry or a GUP-fast reference could still write to it after the copy, and the write would be lost.' },
  { name: 'copy_user_highpage', title: 'copy one page', steps: { proposed: 'd' }, use: 'copy', requires: ['walkers-excluded'], sets: [set('copied', 'yes')],
    doc: 'Copies one page; the source must be unreachable by writers.' },
  // The pte_none() slots of __collapse_huge_page_copy(): the new folio's page is zeroed instead of copied, and
  // that fills the folio as much as a copy does (so a later __folio_mark_uptodate() is after the "copy").
  { name: 'clear_user_highpage', title: 'zero one page of the new folio', steps: { mainline: 'C24', proposed: 'd' }, sets: [set('copied', 'yes')],
    doc: 'Zeroes a page of the new folio where the old PTE was none; counts as filling the folio, like a copy.' },
  { name: 'clear_highpage', title: 'zero one page of the new folio', sets: [set('copied', 'yes')],
    doc: 'Zeroes a page of the new folio; counts as filling the folio, like a copy.' },
  { name: 'ptep_clear', title: 'clear a PTE (no flush)', steps: { mainline: 'C24', proposed: 'd' },
    requires: ['pte-lock-or-isolated', 'notifier-open'], sets: CLEARED_UNFLUSHED,
    doc: 'PTE → none without a TLB flush: CPUs may keep using the old translation until a flush.' },
  { name: 'ptep_get_and_clear', title: 'clear a PTE and return it (no flush)', steps: { proposed: 'd' },
    requires: ['pte-lock-or-isolated', 'notifier-open'], sets: CLEARED_UNFLUSHED,
    doc: 'Atomically PTE → none (capturing a dirty/young bit set meanwhile); the TLB still needs a flush.' },
  { name: 'ptep_clear_flush', title: 'clear a PTE and flush its TLB entry', requires: ['pte-lock-or-isolated', 'notifier-open'],
    sets: [set('ptes', 'cleared'), set('flushed', 'yes'), set('synced', 'no')], doc: 'Get-and-clear plus flush_tlb_page().' },
  { name: 'set_ptes', title: 'install PTEs for the new folio', steps: { proposed: 'd' }, use: 'pte-reuse',
    requires: ['pte-lock-or-isolated', 'uptodate-after-copy', 'walkers-excluded'],
    doc: 'Maps nr consecutive pages. Under the PTE lock of an attached table, or in a hidden table once TLB flush and GUP-fast sync are done; the folio must be uptodate first.' },
  { name: 'set_pte_at', title: 'install a PTE', steps: { proposed: 'd' }, use: 'pte-reuse', requires: ['pte-lock-or-isolated'],
    doc: 'Maps one page; same rules as set_ptes().' },
  { name: 'map_anon_folio_pte_nopf', title: 'map the new mTHP folio by PTEs', steps: { proposed: 'd/f' }, use: 'pte-reuse',
    requires: ['pte-lock-or-isolated', 'uptodate-after-copy', 'pmd-attached'],
    doc: 'Reference, rmap, LRU, set_ptes() and update_mmu_cache_range(): needs the PTE lock of an attached table (the mTHP series re-populates the PMD first, for MIPS).' },
  { name: '__folio_mark_uptodate', title: 'mark the new folio uptodate (write barrier)', steps: { mainline: 'C26', proposed: 'd' },
    sets: [set('uptodate', 'yes')],
    doc: 'Sets PG_uptodate with a write barrier, so the copied data is visible before the mapping that follows. Must come after the copy and before the new folio is mapped.' },

  { name: '__SetPageUptodate', title: 'mark the new page uptodate (write barrier)', steps: { mainline: 'C26' }, sets: [set('uptodate', 'yes')],
    doc: 'The page-based name of __folio_mark_uptodate() (before 6.2).' },
  { name: 'folio_mark_uptodate', title: 'mark the new folio uptodate', sets: [set('uptodate', 'yes')], doc: 'As __folio_mark_uptodate(), atomically.' },
  { name: 'mm_dec_nr_ptes', title: 'account a removed PTE table', sets: [set('pmd', 'removed')],
    doc: 'The table is being removed for good (retracted): the PMD stays none and the range faults in again.' },

  // Step e / f: release, re-map.
  { name: 'pmd_populate', title: 'point the PMD at the PTE table', steps: { mainline: 'C22', proposed: 'f' }, pmdArg: 1, requires: ['pml-held'],
    sets: [set('pmd', 'attached')],
    doc: 'PMD none → table: the only correct way to (re)attach a PTE table; restores the hidden table on backoff or re-maps it after an mTHP collapse. PTE writes made while hidden must come before it.' },
  { name: 'set_pmd_at', title: 'install the huge PMD', steps: { mainline: 'C28' }, requires: ['pml-held', 'populate-table', 'uptodate-after-copy', 'deposited'],
    sets: [set('pmd', 'huge')], doc: 'PMD → huge mapping of the new folio. For a table use pmd_populate(), never set_pmd_at().' },
  { name: 'map_anon_folio_pmd_nopf', title: 'map the new folio by the PMD', steps: { mainline: 'C28' }, requires: ['pml-held', 'uptodate-after-copy', 'deposited'],
    sets: [set('pmd', 'huge')], doc: 'Builds the huge PMD, adds rmap and LRU, set_pmd_at(), update_mmu_cache_pmd(); the caller deposits the old table.' },
  { name: 'pgtable_trans_huge_deposit', title: 'deposit the old PTE table', steps: { mainline: 'C28' }, requires: ['pml-held'],
    sets: [set('deposited', 'yes')], doc: 'Keeps the old table under the huge PMD, so a later split needs no allocation.' },
  { name: 'update_mmu_cache_range', title: 'architecture hook for the new PTEs', steps: { proposed: 'f' }, requires: ['pmd-attached'],
    doc: 'Some architectures (MIPS) load the new entries by walking the live table: the PMD must be back and the PTE lock held.' },
  { name: 'anon_vma_unlock_write', title: 'release the anon_vma write lock', steps: { mainline: 'C23', proposed: 'f' }, requires: ['rmap-covers-hidden'],
    doc: 'Lets rmap walks run again. While the table is hidden every folio it maps must be locked and isolated (true for a PMD collapse, where all of them were); for an mTHP collapse the neighbours are not, so the lock must be held until the PMD is re-populated.' },
  { name: 'mmap_write_downgrade', title: 'downgrade the mmap_lock to read', requires: ['pmd-present-at-downgrade'], sets: [set('vmaExcl', 'dropped')],
    doc: 'Write → read without a gap, and every VMA write lock ends: per-VMA-lock faults, PT reclaim and per-VMA madvise can run again on the range.' },
  { name: 'mmap_write_unlock', title: 'release the mmap_lock', steps: { mainline: 'out_up_write', proposed: 'f' }, requires: ['pmd-present-at-downgrade'],
    doc: 'Ends the mmap write lock and every VMA write lock of the mm.' },
  { name: 'pte_free_defer', title: 'free the PTE table after an RCU grace period', use: 'table-free', sets: [set('pmd', 'removed')],
    doc: 'Lockless walkers (GUP-fast, pte_offset_map readers) may still look at the table until the grace period ends.' },
  { name: 'pte_free', title: 'free the PTE table', use: 'table-free', sets: [set('pmd', 'removed')], doc: 'Frees the table at once: every walker must be gone.' },
  { name: 'cond_resched', title: 'maybe reschedule', sleeps: true, doc: 'May sleep.' },
  { name: 'do_swap_page', title: 'swap the page in', sleeps: true, steps: { mainline: 'C6' },
    doc: 'Reads the page in from swap (may sleep); unmaps vmf->pte first, and returns VM_FAULT_RETRY with the mmap_lock dropped.' },
  { name: '__collapse_huge_page_swapin', title: 'swap in the range', steps: { mainline: 'C6' },
    doc: 'do_swap_page() for each swap PTE; on failure returns with the mmap_lock released.' },
];

/** Earlier names of the same kernel call: each reads its current row. */
const EARLIER_NAMES: Record<string, string> = {
  // The first postings of the per-VMA lock series (2023) called vma_start_write() vma_write_lock().
  vma_write_lock: 'vma_start_write',
};

const BY_NAME = new Map(PROTOCOL_API.map((r) => [r.name, r]));
for (const [old, now] of Object.entries(EARLIER_NAMES)) BY_NAME.set(old, BY_NAME.get(now)!);

export function protocolRow(name: string): ProtocolRow | undefined {
  return BY_NAME.get(name);
}

/** The steps a collapse-like function is expected to show, per protocol variant (code lens, diagram). */
export const VARIANT_STEPS: Record<'mainline' | 'proposed-mthp' | 'merged-mthp', { step: string; title: string; calls: string[] }[]> = {
  mainline: [
    { step: 'C2', title: 'allocate with no lock held', calls: ['alloc_charge_folio'] },
    { step: 'C8', title: 'mmap_lock for write', calls: ['mmap_write_lock'] },
    { step: 'C9', title: 'revalidate the VMA', calls: ['hugepage_vma_revalidate', 'collapse_vma_revalidate'] },
    { step: 'C11', title: 'write-lock the VMA', calls: ['vma_start_write'] },
    { step: 'C12', title: 'anon_vma write lock', calls: ['anon_vma_lock_write'] },
    { step: 'C13', title: 'MMU notifier start', calls: ['mmu_notifier_invalidate_range_start'] },
    { step: 'C15', title: 'clear the PMD + flush', calls: ['pmdp_collapse_flush'] },
    { step: 'C18', title: 'GUP-fast sync', calls: ['tlb_remove_table_sync_one'] },
    { step: 'C20', title: 'isolate the folios', calls: ['__collapse_huge_page_isolate'] },
    { step: 'C24', title: 'copy', calls: ['__collapse_huge_page_copy'] },
    { step: 'C26', title: 'mark uptodate', calls: ['__folio_mark_uptodate'] },
    { step: 'C28', title: 'install the huge PMD', calls: ['set_pmd_at', 'map_anon_folio_pmd_nopf'] },
  ],
  'proposed-mthp': [
    { step: 'a', title: 'take all locks', calls: ['mmap_write_lock', 'vma_start_write', 'anon_vma_lock_write'] },
    { step: 'b', title: 'isolate the PTE table', calls: ['pmdp_collapse_flush', 'tlb_remove_table_sync_one'] },
    { step: 'c', title: 're-verify + isolate folios', calls: ['__collapse_huge_page_isolate', 'is_refcount_suitable'] },
    { step: 'd', title: 'allocate, copy, replace', calls: ['__collapse_huge_page_copy', 'copy_mc_user_highpage', 'set_ptes', 'map_anon_folio_pte_nopf'] },
    { step: 'e', title: 'release old folios', calls: ['release_pte_folio', 'folio_putback_lru', 'folio_unlock'] },
    { step: 'f', title: 're-map the table', calls: ['pmd_populate'] },
  ],
  'merged-mthp': [
    { step: 'a', title: 'take all locks', calls: ['mmap_write_lock', 'vma_start_write', 'anon_vma_lock_write'] },
    { step: 'b', title: 'isolate the PTE table', calls: ['pmdp_collapse_flush', 'tlb_remove_table_sync_one'] },
    { step: 'c', title: 're-verify + isolate folios', calls: ['__collapse_huge_page_isolate'] },
    { step: 'd', title: 'copy', calls: ['__collapse_huge_page_copy'] },
    { step: 'f', title: 're-map (mTHP) or install the huge PMD', calls: ['pmd_populate', 'map_anon_folio_pte_nopf', 'map_anon_folio_pmd_nopf', 'set_pmd_at'] },
  ],
};

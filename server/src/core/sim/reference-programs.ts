// Hand-written collapse thread programs: mainline `collapse_huge_page` as of v6.12 (PROTOCOL.md §4.2, C3..C29
// with every failure branch), the v7.2 function with mTHP orders, and deliberately broken variants. They are the simulator's
// own reference inputs (tests, the Promela cross-check, a "compare with mainline" run); programs extracted from a
// user's C code have the same shape.
//
// Locations: mainline nodes carry the line numbers of mm/khugepaged.c in Linux 6.12.117 (the corpus copy), so a
// trace over the reference reads like the real function.

import {
  call, callAt, check, end, goTo, ifFailed, label, program, Step, ThreadProgram, when, withoutOps,
} from './program';

const L612 = (line: number, op: string, ...args: string[]): Step => callAt(line, op, ...args);

/** mm/khugepaged.c collapse_huge_page, Linux 6.12: C3 (mmap_read_lock after the allocation) to C29 + exits. */
export function mainlineCollapse(): ThreadProgram {
  return program('collapse_huge_page', [
    L612(1122, 'mmap_read_lock', 'mm'),
    check(L612(1123, 'hugepage_vma_revalidate', 'mm', 'address', 'true', '&vma', 'cc'),
      L612(1125, 'mmap_read_unlock', 'mm'), goTo('out_nolock')),
    check(L612(1129, 'find_pmd_or_thp_or_none', 'mm', 'address', '&pmd'),
      L612(1131, 'mmap_read_unlock', 'mm'), goTo('out_nolock')),
    // if (unmapped): swap-in; on failure it returns with the mmap lock already dropped.
    check(L612(1141, '__collapse_huge_page_swapin', 'mm', 'vma', 'address', 'pmd', 'referenced'), goTo('out_nolock')),
    L612(1147, 'mmap_read_unlock', 'mm'),
    L612(1156, 'mmap_write_lock', 'mm'),
    check(L612(1157, 'hugepage_vma_revalidate', 'mm', 'address', 'true', '&vma', 'cc'), goTo('out_up_write')),
    check(L612(1161, 'check_pmd_still_valid', 'mm', 'address', 'pmd'), goTo('out_up_write')),
    L612(1165, 'vma_start_write', 'vma'),
    L612(1166, 'anon_vma_lock_write', 'vma->anon_vma'),
    L612(1170, 'mmu_notifier_invalidate_range_start', '&range'),
    L612(1172, 'pmd_lock', 'mm', 'pmd'),
    L612(1181, 'pmdp_collapse_flush', 'vma', 'address', 'pmd'),
    L612(1182, 'spin_unlock', 'pmd_ptl'),
    L612(1183, 'mmu_notifier_invalidate_range_end', '&range'),
    L612(1184, 'tlb_remove_table_sync_one'),
    L612(1186, 'pte_offset_map_lock', 'mm', '&_pmd', 'address', '&pte_ptl'),
    when('pte-mapped',
      L612(1188, '__collapse_huge_page_isolate', 'vma', 'address', 'pte', 'cc', '&compound_pagelist'),
      L612(1190, 'spin_unlock', 'pte_ptl')),
    // C22: the isolate failed (or there was no table): put the same table back before dropping A:W.
    ifFailed(
      when('pte-mapped', L612(1197, 'pte_unmap', 'pte')),
      L612(1198, 'spin_lock', 'pmd_ptl'),
      L612(1205, 'pmd_populate', 'mm', 'pmd', 'pmd_pgtable(_pmd)'),
      L612(1206, 'spin_unlock', 'pmd_ptl'),
      L612(1207, 'anon_vma_unlock_write', 'vma->anon_vma'),
      goTo('out_up_write')),
    L612(1215, 'anon_vma_unlock_write', 'vma->anon_vma'),
    L612(1217, '__collapse_huge_page_copy', 'pte', 'folio', 'pmd', '_pmd', 'vma', 'address', 'pte_ptl', '&compound_pagelist'),
    L612(1220, 'pte_unmap', 'pte'),
    ifFailed(goTo('out_up_write')),
    L612(1229, '__folio_mark_uptodate', 'folio'),
    L612(1235, 'spin_lock', 'pmd_ptl'),
    L612(1239, 'pgtable_trans_huge_deposit', 'mm', 'pmd', 'pgtable'),
    L612(1240, 'set_pmd_at', 'mm', 'address', 'pmd', '_pmd'),
    L612(1243, 'spin_unlock', 'pmd_ptl'),
    // folio = NULL: the new folio is now mapped, so the `if (folio)` below skips the put.
    label('out_up_write'),
    L612(1249, 'mmap_write_unlock', 'mm'),
    label('out_nolock'),
    when('new-folio-not-mapped', L612(1252, 'folio_put', 'folio')),
  ]);
}

/** Mainline without the GUP-fast IPI sync (the code before Jann Horn's 2ba99c5e0881). */
export function withoutTlbSync(): ThreadProgram {
  return withoutOps(mainlineCollapse(), ['tlb_remove_table_sync_one'], 'collapse_huge_page without tlb_remove_table_sync_one');
}

/** Mainline without the VMA write lock (the code before per-VMA-lock faults were excluded, Suren 2023). */
export function withoutVmaStartWrite(): ThreadProgram {
  return withoutOps(mainlineCollapse(), ['vma_start_write'], 'collapse_huge_page without vma_start_write');
}

/** Mainline without the anon_vma write lock (both the lock and its unlocks). */
export function withoutAnonVmaLock(): ThreadProgram {
  return withoutOps(mainlineCollapse(), ['anon_vma_lock_write', 'anon_vma_unlock_write'],
    'collapse_huge_page without anon_vma_lock_write');
}

/**
 * Like Dev Jain's RFC v1 09/12 vma_collapse_anon_folio (Dec 2024) for an mTHP: the mmap lock is downgraded to
 * read (which drops the VMA write lock), the PMD stays attached, and under the ptl of the live table the folios
 * are isolated, copied, then the old PTEs are cleared with no TLB flush and no GUP-fast sync before the refcount
 * check or the copy. Unlike the real patch, the error paths here release what they took (the patch's `goto
 * out_up_read` leaks the ptl, the anon_vma lock and the notifier range — a LOCK-PAIR finding for the CFG checker,
 * left out so that the races are what the simulator shows).
 */
export function devJainRfcV1Like(): ThreadProgram {
  return program('vma_collapse_anon_folio (RFC v1-like)', [
    'mmap_read_lock',
    check(call('hugepage_vma_revalidate', 'mm', 'address', 'true', '&vma', 'cc'), 'mmap_read_unlock', goTo('out_nolock')),
    check(call('find_pmd_or_thp_or_none', 'mm', 'address', '&pmd'), 'mmap_read_unlock', goTo('out_nolock')),
    'mmap_read_unlock',
    'mmap_write_lock',
    check(call('hugepage_vma_revalidate', 'mm', 'address', 'true', '&vma', 'cc'), goTo('out_up_write')),
    check(call('check_pmd_still_valid', 'mm', 'address', 'pmd'), goTo('out_up_write')),
    call('vma_start_write', 'vma'),
    call('mmap_write_downgrade', 'mm'),
    call('anon_vma_lock_write', 'vma->anon_vma'),
    call('mmu_notifier_invalidate_range_start', '&range'),
    check(call('pte_offset_map_lock', 'mm', 'pmd', 'address', '&pte_ptl'),
      call('anon_vma_unlock_write', 'vma->anon_vma'), call('mmu_notifier_invalidate_range_end', '&range'),
      goTo('out_up_read')),
    check(call('__collapse_huge_page_isolate', 'vma', 'address', 'pte', 'cc', '&compound_pagelist', 'order'),
      call('pte_unmap_unlock', 'pte', 'pte_ptl'), call('anon_vma_unlock_write', 'vma->anon_vma'),
      call('mmu_notifier_invalidate_range_end', '&range'), goTo('out_up_read')),
    call('anon_vma_unlock_write', 'vma->anon_vma'),
    call('__folio_mark_uptodate', 'folio'),
    check(call('__collapse_huge_page_copy', 'pte', 'folio', 'pmd', '*pmd', 'vma', 'address', 'pte_ptl', '&compound_pagelist', 'order'),
      call('pte_unmap_unlock', 'pte', 'pte_ptl'), call('mmu_notifier_invalidate_range_end', '&range'),
      goTo('out_up_read')),
    call('folio_ref_add', 'folio', 'nr_pages - 1'),
    call('folio_add_new_anon_rmap', 'folio', 'vma', 'address', 'RMAP_EXCLUSIVE'),
    call('set_ptes', 'mm', 'address', 'pte', 'entry', 'nr_pages'),
    call('update_mmu_cache_range', 'NULL', 'vma', 'address', 'pte', 'nr_pages'),
    call('pte_unmap_unlock', 'pte', 'pte_ptl'),
    call('mmu_notifier_invalidate_range_end', '&range'),
    'mmap_read_unlock',
    end,
    label('out_up_write'),
    'mmap_write_unlock',
    goTo('out_nolock'),
    label('out_up_read'),
    'mmap_read_unlock',
    label('out_nolock'),
    call('folio_put', 'folio'),
  ]);
}

export interface V72Options {
  /** Drop A:W right after the isolate for every order, as for a PMD collapse (Nico Pache's v5, Hugh Dickins'
   * review: the neighbour folios of an mTHP range are not locked or isolated, so rmap walks must stay excluded). */
  earlyAnonVmaUnlock?: boolean;
}

/**
 * mm/khugepaged.c collapse_huge_page of Linux 7.2 (merged mTHP collapse). The scenario decides the order: with
 * `collapsePtes` = `ptes` it is a PMD collapse (deposit + huge PMD), with fewer an mTHP collapse: the whole PMD
 * is still cleared and flushed, A:W is kept until the table is back, and under the pml + nested ptl the table
 * is re-populated before the new folio's PTEs are set (map_anon_folio_pte_nopf).
 */
export function collapseV72(options: V72Options = {}): ThreadProgram {
  const name = options.earlyAnonVmaUnlock ? 'collapse_huge_page (7.2, A:W dropped early)' : 'collapse_huge_page (7.2)';
  const unlockAfterIsolate = call('anon_vma_unlock_write', 'vma->anon_vma');
  return program(name, [
    'mmap_read_lock',
    check(call('hugepage_vma_revalidate', 'mm', 'pmd_addr', 'true', '&vma', 'cc', 'order'), 'mmap_read_unlock', goTo('out_nolock')),
    check(call('find_pmd_or_thp_or_none', 'mm', 'pmd_addr', '&pmd'), 'mmap_read_unlock', goTo('out_nolock')),
    'mmap_read_unlock',
    'mmap_write_lock',
    check(call('hugepage_vma_revalidate', 'mm', 'pmd_addr', 'true', '&vma', 'cc', 'order'), goTo('out_up_write')),
    call('vma_start_write', 'vma'),
    check(call('check_pmd_still_valid', 'mm', 'pmd_addr', 'pmd'), goTo('out_up_write')),
    call('anon_vma_lock_write', 'vma->anon_vma'),
    call('mmu_notifier_invalidate_range_start', '&range'),
    call('pmd_lock', 'mm', 'pmd'),
    call('pmdp_collapse_flush', 'vma', 'pmd_addr', 'pmd'),
    call('spin_unlock', 'pmd_ptl'),
    call('mmu_notifier_invalidate_range_end', '&range'),
    'tlb_remove_table_sync_one',
    call('pte_offset_map_lock', 'mm', '&_pmd', 'start_addr', '&pte_ptl'),
    when('pte-mapped',
      call('__collapse_huge_page_isolate', 'vma', 'start_addr', 'pte', 'cc', 'order', '&compound_pagelist'),
      call('spin_unlock', 'pte_ptl')),
    ifFailed(call('spin_lock', 'pmd_ptl'), call('pmd_populate', 'mm', 'pmd', 'pmd_pgtable(_pmd)'),
      call('spin_unlock', 'pmd_ptl'), goTo('out_up_write')),
    options.earlyAnonVmaUnlock ? unlockAfterIsolate : when('pmd-order', unlockAfterIsolate),
    check(call('__collapse_huge_page_copy', 'pte', 'folio', 'pmd', '_pmd', 'vma', 'start_addr', 'pte_ptl', 'order', '&compound_pagelist'),
      goTo('out_up_write')),
    call('__folio_mark_uptodate', 'folio'),
    call('spin_lock', 'pmd_ptl'),
    when('pmd-order',
      call('pgtable_trans_huge_deposit', 'mm', 'pmd', 'pgtable'),
      call('map_anon_folio_pmd_nopf', 'folio', 'pmd', 'vma', 'pmd_addr')),
    when('not-pmd-order',
      call('spin_lock_nested', 'pte_ptl', 'SINGLE_DEPTH_NESTING'),
      call('pmd_populate', 'mm', 'pmd', 'pmd_pgtable(_pmd)'),
      call('map_anon_folio_pte_nopf', 'folio', 'pte', 'vma', 'start_addr', 'false'),
      call('spin_unlock', 'pte_ptl')),
    call('spin_unlock', 'pmd_ptl'),
    label('out_up_write'),
    when('anon-vma-write-locked', call('anon_vma_unlock_write', 'vma->anon_vma')),
    when('pte-mapped', call('pte_unmap', 'pte')),
    'mmap_write_unlock',
    label('out_nolock'),
    when('new-folio-not-mapped', call('folio_put', 'folio')),
  ]);
}

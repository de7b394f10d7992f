// SPDX-License-Identifier: GPL-2.0
/*
 * Diagram test fixture, written for mm-review after collapse_huge_page() in mm/khugepaged.c (Linux 6.12),
 * entered without locks: allocate, take the locks and revalidate, clear and flush the PMD, isolate and copy
 * the folios, install the huge PMD. It leaves out tlb_remove_table_sync_one() after the clear (Jann Horn's
 * 2ba99c5e0881 added it), so the static diagram shows step C18 missing and a simulation against gup-fast
 * shows the GUP-FAST-SYNC race.
 */
static int collapse_huge_page(struct mm_struct *mm, unsigned long address, struct collapse_control *cc)
{
	LIST_HEAD(compound_pagelist);
	pmd_t *pmd, _pmd;
	pte_t *pte;
	pgtable_t pgtable;
	struct folio *folio;
	spinlock_t *pmd_ptl, *pte_ptl;
	struct vm_area_struct *vma;
	struct mmu_notifier_range range;
	int result;

	result = alloc_charge_folio(&folio, mm, cc);
	if (result != SCAN_SUCCEED)
		goto out_nolock;

	mmap_write_lock(mm);
	result = hugepage_vma_revalidate(mm, address, true, &vma, cc);
	if (result != SCAN_SUCCEED)
		goto out_up_write;
	result = find_pmd_or_thp_or_none(mm, address, &pmd);
	if (result != SCAN_SUCCEED)
		goto out_up_write;

	vma_start_write(vma);
	anon_vma_lock_write(vma->anon_vma);
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, address, address + HPAGE_PMD_SIZE);
	mmu_notifier_invalidate_range_start(&range);

	pmd_ptl = pmd_lock(mm, pmd);
	_pmd = pmdp_collapse_flush(vma, address, pmd);
	spin_unlock(pmd_ptl);
	mmu_notifier_invalidate_range_end(&range);
	/* tlb_remove_table_sync_one() belongs here: GUP-fast may still walk the table. */

	pte = pte_offset_map_lock(mm, &_pmd, address, &pte_ptl);
	if (pte) {
		result = __collapse_huge_page_isolate(vma, address, pte, cc, &compound_pagelist);
		spin_unlock(pte_ptl);
	} else {
		result = SCAN_PMD_NULL;
	}
	if (result != SCAN_SUCCEED) {
		if (pte)
			pte_unmap(pte);
		spin_lock(pmd_ptl);
		pmd_populate(mm, pmd, pmd_pgtable(_pmd));
		spin_unlock(pmd_ptl);
		anon_vma_unlock_write(vma->anon_vma);
		goto out_up_write;
	}
	anon_vma_unlock_write(vma->anon_vma);

	result = __collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl, &compound_pagelist);
	pte_unmap(pte);
	if (result != SCAN_SUCCEED)
		goto out_up_write;

	__folio_mark_uptodate(folio);
	pgtable = pmd_pgtable(_pmd);
	_pmd = mk_huge_pmd(&folio->page, vma->vm_page_prot);

	spin_lock(pmd_ptl);
	folio_add_new_anon_rmap(folio, vma, address, RMAP_EXCLUSIVE);
	folio_add_lru_vma(folio, vma);
	pgtable_trans_huge_deposit(mm, pmd, pgtable);
	set_pmd_at(mm, address, pmd, _pmd);
	update_mmu_cache_pmd(vma, address, pmd);
	spin_unlock(pmd_ptl);
	folio = NULL;
	result = SCAN_SUCCEED;
out_up_write:
	mmap_write_unlock(mm);
out_nolock:
	if (folio)
		folio_put(folio);
	return result;
}

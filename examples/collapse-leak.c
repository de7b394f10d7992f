// SPDX-License-Identifier: GPL-2.0
/*
 * An example for mm-review, written for it (not kernel code): an mTHP collapse in the style of
 * mm/khugepaged.c with two lock bugs on its error paths. `npm run example` checks it.
 */

static int collapse_mthp_range(struct mm_struct *mm, unsigned long addr, int order,
			       struct collapse_control *cc)
{
	struct mmu_notifier_range range;
	struct vm_area_struct *vma;
	struct folio *folio;
	spinlock_t *pmd_ptl, *pte_ptl;
	pmd_t *pmd, _pmd;
	pte_t *pte;
	int result;

	result = alloc_charge_folio(&folio, mm, cc, order);
	if (result != SCAN_SUCCEED)
		goto out_nolock;

	mmap_write_lock(mm);
	result = hugepage_vma_revalidate(mm, addr, true, &vma, cc, order);
	if (result != SCAN_SUCCEED)
		goto out_up_write;
	vma_start_write(vma);
	result = check_pmd_still_valid(mm, addr, pmd);
	if (result != SCAN_SUCCEED)
		goto out_up_write;

	anon_vma_lock_write(vma->anon_vma);
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, addr, addr + (PAGE_SIZE << order));
	mmu_notifier_invalidate_range_start(&range);

	pmd_ptl = pmd_lock(mm, pmd);
	_pmd = pmdp_collapse_flush(vma, addr, pmd);
	spin_unlock(pmd_ptl);
	mmu_notifier_invalidate_range_end(&range);
	tlb_remove_table_sync_one();

	pte = pte_offset_map_lock(mm, &_pmd, addr, &pte_ptl);
	if (!pte) {
		result = SCAN_PMD_NULL;
		goto out_up_write;	/* bug: the anon_vma write lock is still held */
	}
	result = isolate_range(vma, addr, pte, cc, order);
	if (result != SCAN_SUCCEED)
		goto out_up_write;	/* bug: the PTE lock and map are still held too */
	spin_unlock(pte_ptl);

	result = copy_range(pte, folio, vma, addr, order);
	pte_unmap(pte);

	spin_lock(pmd_ptl);
	pmd_populate(mm, pmd, pmd_pgtable(_pmd));
	spin_unlock(pmd_ptl);
	anon_vma_unlock_write(vma->anon_vma);
	folio = NULL;
out_up_write:
	mmap_write_unlock(mm);
out_nolock:
	if (folio)
		folio_put(folio);
	return result;
}

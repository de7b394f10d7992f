// The concurrent actors of PROTOCOL.md §6, as thread programs over the same op table as the collapse thread.
// Each is the shortest sequence that keeps the real locking of the kernel path it stands for; the comment above
// each names the kernel functions. Actors work on one address: PTE `actorPte` of the PMD range (their "target").

import { call, check, end, goTo, label, program, Step, ThreadProgram } from './program';

export const ACTOR_NAMES = [
  'fault-vma-lock', 'fault-mmap-lock', 'gup-fast', 'gup-slow', 'rmap-walk', 'zap', 'munmap', 'mremap', 'pt-reclaim',
  'collapse2', 'file-retract', 'cpu-access',
] as const;

export type ActorName = (typeof ACTOR_NAMES)[number];

export interface ActorSpec {
  /** One line for the CLI/UI. */
  summary: string;
  /** The program; `collapse2` has none: it runs a second copy of the collapse program under test. */
  program?: ThreadProgram;
  /** The CPU starts with a TLB entry for the target PTE (it touched the page just before). */
  tlbLoaded?: boolean;
}

/**
 * The page-fault body shared by both fault paths: __handle_mm_fault reads the PMD without a lock; a none PMD gets
 * a table (__pte_alloc → pmd_install); handle_pte_fault then works under the ptl taken by pte_offset_map_lock,
 * which rechecks that the PMD still points to the table. A huge PMD is handled without the PTE path (not modelled
 * beyond the read: the fault just returns).
 */
function faultBody(done: string): Step[] {
  return [
    call('pmdp_get_lockless', 'vmf->pmd'),
    '__pte_alloc',
    check(call('pte_offset_map_lock', 'vma->vm_mm', 'vmf->pmd', 'vmf->address', '&vmf->ptl'), goTo(done)),
    'handle_pte_fault',
    call('pte_unmap_unlock', 'vmf->pte', 'vmf->ptl'),
  ];
}

export const ACTORS: Record<ActorName, ActorSpec> = {
  // arch fault handler (do_user_addr_fault) → lock_vma_under_rcu → handle_mm_fault. vma_start_read fails while the
  // VMA is write-locked; the fault then retries under mmap_read_lock (lock_mm_and_find_vma), which waits for M:W.
  'fault-vma-lock': {
    summary: 'page fault under the per-VMA lock (falls back to mmap_read_lock when the VMA is write-locked)',
    program: program('fault-vma-lock', [
      check('lock_vma_under_rcu',
        'mmap_read_lock', ...faultBody('mmap_done'), label('mmap_done'), 'mmap_read_unlock', end),
      ...faultBody('vma_done'),
      label('vma_done'),
      'vma_end_read',
    ]),
  },
  // do_user_addr_fault → lock_mm_and_find_vma (mmap_read_lock) → handle_mm_fault.
  'fault-mmap-lock': {
    summary: 'page fault under mmap_read_lock',
    program: program('fault-mmap-lock', ['mmap_read_lock', ...faultBody('done'), label('done'), 'mmap_read_unlock']),
  },
  // mm/gup.c gup_fast → gup_fast_pgd_range → gup_fast_pmd_range (pmdp_get_lockless) → gup_fast_pte_range:
  // pte_offset_map on its own copy of the PMD, ptep_get_lockless, try_grab_folio_fast, then the recheck of the PMD
  // (Yang Shi, 70cbc3cc78a9) and of the PTE; the whole walk runs with IRQs off. The caller then writes through the
  // reference (O_DIRECT, DMA) and drops it.
  'gup-fast': {
    summary: 'lockless GUP-fast walk with IRQs off, reference taken then PMD/PTE rechecked; then a write through it',
    program: program('gup-fast', [
      'local_irq_save',
      check(call('pmdp_get_lockless', 'pmdp'), goTo('irq_on')),
      call('pte_offset_map', '&pmd', 'addr'),
      check(call('ptep_get_lockless', 'ptep'), goTo('unmap')),
      check('try_grab_folio_fast', goTo('unmap')),
      check('gup_fast_recheck', 'gup_put_folio', goTo('unmap')),
      call('pte_unmap', 'ptep'),
      'local_irq_restore',
      'gup_pin_write',
      'gup_put_folio',
      end,
      label('unmap'), call('pte_unmap', 'ptep'),
      label('irq_on'), 'local_irq_restore',
    ]),
  },
  // mm/gup.c __get_user_pages (under mmap_read_lock) → follow_page_mask → follow_page_pte (pte_offset_map_lock).
  'gup-slow': {
    summary: 'GUP slow path: mmap_read_lock, reference under the ptl; then a write through it',
    program: program('gup-slow', [
      'mmap_read_lock',
      check(call('pte_offset_map_lock', 'mm', 'pmd', 'address', '&ptl'), goTo('unlock')),
      check('follow_page_pte', call('pte_unmap_unlock', 'ptep', 'ptl'), goTo('unlock')),
      call('pte_unmap_unlock', 'ptep', 'ptl'),
      'mmap_read_unlock',
      'gup_pin_write',
      'gup_put_folio',
      end,
      label('unlock'), 'mmap_read_unlock',
    ]),
  },
  // Reclaim: shrink_folio_list works on LRU-isolated folios, folio_trylock, then try_to_unmap → rmap_walk_anon
  // (folio_lock_anon_vma_read) → try_to_unmap_one → page_vma_mapped_walk (lockless PMD read, then the ptl with a
  // pmd_same recheck — modelled as pte_offset_map_lock).
  'rmap-walk': {
    summary: 'reclaim unmapping the target folio through the anon rmap (A:R, folio locked and isolated)',
    program: program('rmap-walk', [
      check('folio_isolate_lru', end),
      check('folio_trylock', 'folio_putback_lru', end),
      'folio_lock_anon_vma_read',
      check(call('pmdp_get_lockless', 'pvmw->pmd'), goTo('not_mapped')),
      check(call('pte_offset_map_lock', 'mm', 'pvmw->pmd', 'pvmw->address', '&pvmw->ptl'), goTo('not_mapped')),
      'try_to_unmap_one',
      call('pte_unmap_unlock', 'pvmw->pte', 'pvmw->ptl'),
      label('not_mapped'),
      'anon_vma_unlock_read',
      'folio_unlock',
      'folio_putback_lru',
    ]),
  },
  // madvise(MADV_DONTNEED) → zap_page_range_single → unmap_page_range → zap_pmd_range (lockless PMD read: none →
  // skip, huge → zap_huge_pmd) → zap_pte_range under the ptl, TLB flush before the pages are freed (mmu_gather).
  zap: {
    summary: 'MADV_DONTNEED of the range under mmap_read_lock',
    program: program('zap', [
      'mmap_read_lock',
      call('pmdp_get_lockless', 'pmd'),
      'zap_huge_pmd',
      check(call('pte_offset_map_lock', 'mm', 'pmd', 'addr', '&ptl'), goTo('unlock')),
      'zap_pte_range',
      call('pte_unmap_unlock', 'start_pte', 'ptl'),
      label('unlock'),
      'mmap_read_unlock',
    ]),
  },
  // do_vmi_align_munmap: vms_gather_munmap_vmas (vma_start_write, detach) → vms_complete_munmap_vmas →
  // unmap_region (unmap_vmas, free_pgtables), all under mmap_write_lock.
  munmap: {
    summary: 'munmap of the range: VMA detached, everything zapped, the table freed',
    program: program('munmap', [
      'mmap_write_lock', call('vma_start_write', 'vma'), 'vma_mark_detached', 'unmap_vmas', 'free_pgtables',
      'mmap_write_unlock',
    ]),
  },
  // mm/mremap.c move_vma → move_page_tables → take_rmap_locks (A:W) → move_normal_pmd (old and new pml; only the
  // old one is in the model) → the old range is unmapped (the VMA no longer covers our address).
  mremap: {
    summary: 'mremap moving the whole PTE table to another PMD',
    program: program('mremap', [
      'mmap_write_lock', call('vma_start_write', 'vma'), 'anon_vma_lock_write', call('pmd_lock', 'mm', 'old_pmd'),
      'move_normal_pmd', call('spin_unlock', 'old_pml'), 'anon_vma_unlock_write', 'vma_mark_detached',
      'mmap_write_unlock',
    ]),
  },
  // mm/pt_reclaim.c (6.14+): MADV_DONTNEED zaps every PTE under the ptl, then try_get_and_clear_pmd trylocks the
  // pml (inverted order, hence a trylock) and clears the PMD of the now-empty table, which is freed through RCU.
  'pt-reclaim': {
    summary: 'MADV_DONTNEED with page-table reclaim: empty table removed under ptl + trylocked pml',
    program: program('pt-reclaim', [
      'mmap_read_lock',
      check(call('pmdp_get_lockless', 'pmd'), goTo('unlock')),
      check(call('pte_offset_map_lock', 'mm', 'pmd', 'addr', '&ptl'), goTo('unlock')),
      'zap_pte_range',
      'try_get_and_clear_pmd',
      call('pte_unmap_unlock', 'start_pte', 'ptl'),
      label('unlock'),
      'mmap_read_unlock',
    ]),
  },
  // A second khugepaged pass or MADV_COLLAPSE on the same range: the same collapse code (§6 actor 14).
  collapse2: {
    summary: 'a second collapse of the same range running the same program',
  },
  // retract_page_tables (file/shmem collapse): under i_mmap_lock_read, every VMA that has an anon_vma is skipped
  // (checked again under the ptl), so an anonymous collapse target is never touched (§6 actor 15).
  'file-retract': {
    summary: 'file THP retract_page_tables walking the file mapping under I:R (skips anonymous VMAs)',
    program: program('file-retract', ['i_mmap_lock_read', 'retract_page_tables', 'i_mmap_unlock_read']),
  },
  // The hardware MMU (§6 actor 17): user stores through a cached translation or a hardware walk of the live
  // tables. The CPU starts with a TLB entry for the target page. A miss on a none PMD/PTE is a page fault (the
  // fault actors cover that path).
  'cpu-access': {
    summary: 'user stores through the TLB or a hardware page walk (no locks)',
    program: program('cpu-access', ['cpu_store', 'cpu_store']),
    tlbLoaded: true,
  },
};

export function isActorName(name: string): name is ActorName {
  return (ACTOR_NAMES as readonly string[]).includes(name);
}

// The rules the checker reports, with their default severity. IDs are ../shared/PROTOCOL.md §7's, verbatim;
// each has a page docs/rules/<ID>.md.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Severity } from './findings';

export interface RuleInfo {
  summary: string;
  severity: Severity;
}

export const RULES: Record<string, RuleInfo> = {
  'LOCK-PAIR': {
    summary: 'Every lock taken is released on every path, in the same mode; no double acquire, no release without hold.',
    severity: 'error',
  },
  'LOCK-ORDER': { summary: 'Locks are taken in the order of mm/rmap.c; against it only with a trylock that backs off.', severity: 'error' },
  'NO-SLEEP-IN-ATOMIC': { summary: 'Nothing that can sleep under a spinlock, in the RCU section of a PTE map, or with IRQs off.', severity: 'error' },
  'NO-RECLAIM-ALLOC-UNDER-RMAP-LOCK': { summary: 'No allocation with direct reclaim while holding the anon_vma or i_mmap lock.', severity: 'warning' },
  'TRYLOCK-FOLIO-UNDER-PTL': { summary: 'Under the PTE/PMD lock or the anon_vma write lock, folios are locked only with folio_trylock().', severity: 'error' },
  'VMA-WRITE-NEEDS-MMAP-WRITE': { summary: 'vma_start_write() only while holding the mmap_lock for write.', severity: 'error' },
  'DOWNGRADE-DROPS-VMA-LOCKS': { summary: 'mmap_write_downgrade() ends the VMA write locks: no cleared PMD, no collapse work after it.', severity: 'error' },
  'PMD-WRITE-NEEDS-PML': { summary: 'Every write to a PMD entry happens under its PMD lock.', severity: 'error' },
  'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS': { summary: 'Hiding a PTE table needs the mmap write lock, the VMA write lock and the rmap lock (or the file-retract alternative).', severity: 'error' },
  'PTE-WRITE-NEEDS-PTL-OR-ISOLATION': { summary: 'A PTE write needs the PTE lock of an attached table, or the table hidden, flushed and GUP-fast synced.', severity: 'error' },
  'PTL-PML-ALIAS': { summary: 'With the PMD lock held, take a PTE lock of the same mm only after checking it is another lock (split page-table locks may be off).', severity: 'error' },
  'POPULATE-NOT-SET-PMD-AT': { summary: 'Point a PMD at a table only with pmd_populate(); set_pmd_at() is for huge entries.', severity: 'error' },
  'TLB-FLUSH-BEFORE-ISOLATED-USE': { summary: 'After clearing the PMD or PTEs, flush the TLB before any refcount check, copy or reuse.', severity: 'error' },
  'GUP-FAST-SYNC': { summary: 'Between hiding a table and the refcount check or its reuse, in-flight GUP-fast walks must have finished.', severity: 'error' },
  'REFCOUNT-CHECK-AFTER-UNREACHABLE': { summary: 'The decisive refcount check runs with the folio locked, after the TLB flush and the GUP-fast sync.', severity: 'error' },
  'COPY-AFTER-UNREACHABLE': { summary: 'Copy the old pages only when no writer can reach them.', severity: 'error' },
  'MMU-NOTIFIER-BRACKET': { summary: 'Every change of an entry secondary MMUs may mirror lies inside mmu_notifier_invalidate_range_start/end.', severity: 'error' },
  'REVALIDATE-AFTER-RELOCK': { summary: 'After any gap in the mmap_lock, look the VMA and the PMD up again before using them.', severity: 'error' },
  'BACKOFF-RESTORES-PMD': { summary: 'Every exit after hiding a table re-installs it with pmd_populate() (or installs the huge PMD).', severity: 'error' },
  'HIDDEN-TABLE-RMAP-EXCLUSION': { summary: 'While a table is hidden, folios it still maps are shielded from rmap walkers (anon_vma write lock held).', severity: 'error' },
  'UPTODATE-BEFORE-MAP': { summary: '__folio_mark_uptodate() after the copy and before the new folio is mapped.', severity: 'error' },
  'PTES-BEFORE-PMD': { summary: 'PTE writes in a hidden table come before pmd_populate(); update_mmu_cache_range() after it.', severity: 'error' },
  'EXIT-CHECK': { summary: 'Do not walk the page tables of an exiting mm.', severity: 'error' },
  'DEPOSIT-WITH-HUGE-PMD': { summary: 'Installing a PMD-mapped THP deposits a PTE table under the same PMD lock.', severity: 'warning' },
  'MM-COUNTERS': { summary: 'Reference and map counts stay balanced: no refcount underflow, no mapped folio freed (found by the simulator).', severity: 'warning' },
  'PATCH-INPUT': {
    summary: 'A patch or mail that cannot be used as given: a malformed hunk, a hunk that does not apply, a file missing from the base.',
    severity: 'error',
  },
  'ANALYSIS-LIMIT': {
    summary: 'The analysis of a function or document stopped at a configured limit; its rules were not checked.',
    severity: 'info',
  },
};

/** Absolute path of a rule's documentation page, wherever the package is installed (repo, dist/, .vsix). */
export function ruleDocPath(rule: string): string {
  for (let dir = __dirname; ; dir = join(dir, '..')) {
    const candidate = join(dir, 'docs', 'rules', `${rule}.md`);
    if (existsSync(candidate) || join(dir, '..') === dir) return candidate;
  }
}

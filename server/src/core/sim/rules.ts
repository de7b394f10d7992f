// The rule IDs of PROTOCOL.md §7 that the simulator can report, and the decisions that pick one rule for an
// observed bad event. The events themselves are detected in the op effects (effects.ts); this file only says which
// rule is broken, so the mapping from "what went wrong" to "which protocol step was missing" sits in one place.

import { Lock, RMAP_LOCKS } from './state';

/** The §7 rule IDs the simulator can report (a subset of the core's table in ../rules.ts, plus MM-COUNTERS). */
export const SIM_RULES = [
  'LOCK-PAIR',
  'LOCK-ORDER',
  'VMA-WRITE-NEEDS-MMAP-WRITE',
  'DOWNGRADE-DROPS-VMA-LOCKS',
  'NO-SLEEP-IN-ATOMIC',
  'PMD-WRITE-NEEDS-PML',
  'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS',
  'PTE-WRITE-NEEDS-PTL-OR-ISOLATION',
  'DEPOSIT-WITH-HUGE-PMD',
  'TLB-FLUSH-BEFORE-ISOLATED-USE',
  'GUP-FAST-SYNC',
  'REFCOUNT-CHECK-AFTER-UNREACHABLE',
  'COPY-AFTER-UNREACHABLE',
  'REVALIDATE-AFTER-RELOCK',
  'BACKOFF-RESTORES-PMD',
  'HIDDEN-TABLE-RMAP-EXCLUSION',
  'UPTODATE-BEFORE-MAP',
  'MM-COUNTERS',
] as const;

export type RuleId = (typeof SIM_RULES)[number];

/**
 * A walker that started under one of the locks khugepaged was supposed to exclude it with ran into the hidden
 * table (or the pmd_none in its place). Rmap walkers (anon_vma / i_mmap held) break the rmap rule; everything
 * else (faults, zap, GUP-slow under mmap or VMA locks) breaks the all-walker-locks rule.
 */
export function hiddenTableRule(walkerHeld: number): RuleId {
  return walkerHeld & RMAP_LOCKS ? 'HIDDEN-TABLE-RMAP-EXCLUSION' : 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS';
}

/** How a write reached a folio whose contents a collapse had already copied (the write is lost). */
export type WritePath =
  /** A CPU store through a TLB entry; `stillMapped` = the live page table still maps the folio there. */
  | { kind: 'tlb'; stillMapped: boolean }
  /** A write through a GUP reference; `late` = taken after the collapse's refcount check. */
  | { kind: 'pin'; late: boolean; checkedWhileUnreachable: boolean }
  /** A store by a fault handler under the ptl of the live table. */
  | { kind: 'fault' };

export function lostWriteRule(path: WritePath): RuleId {
  switch (path.kind) {
    case 'tlb':
      // Still mapped: the copy ran while the source was reachable (RFC v1 copied before clearing the PTEs).
      // Not mapped any more: the PTE was cleared but this CPU's TLB was never flushed.
      return path.stillMapped ? 'COPY-AFTER-UNREACHABLE' : 'TLB-FLUSH-BEFORE-ISOLATED-USE';
    case 'pin':
      // A reference taken after the refcount check: if the table was already hidden, the only way in was a
      // GUP-fast walk that started before the PMD clear and was not waited for; otherwise the check simply ran
      // while the folio was still reachable.
      return path.late && path.checkedWhileUnreachable ? 'GUP-FAST-SYNC' : 'REFCOUNT-CHECK-AFTER-UNREACHABLE';
    case 'fault':
      return 'COPY-AFTER-UNREACHABLE';
  }
}

export type TableUser = 'lockless' | 'locked' | 'collapse';

/**
 * A table was used after it was freed or reused (deposited). Lockless GUP-fast walks are only safe if the
 * collapse waited for them (tlb_remove_table_sync_one) before reusing the table; a walker holding the ptl got
 * there because an exclusion lock was missing; a collapse that reuses a stale table skipped revalidation.
 */
export function staleTableRule(user: TableUser, walkerHeld: number): RuleId {
  if (user === 'lockless') return 'GUP-FAST-SYNC';
  if (user === 'collapse') return 'REVALIDATE-AFTER-RELOCK';
  return hiddenTableRule(walkerHeld);
}

export function heldWalkerLocks(held: number): boolean {
  return (held & (Lock.MmapRead | Lock.MmapWrite | Lock.VmaRead | RMAP_LOCKS)) !== 0;
}

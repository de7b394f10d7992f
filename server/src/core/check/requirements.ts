// The requirements of the protocol rows (model/protocol.ts), each decided by one predicate over a path's
// state and reported under the rule IDs of ../shared/PROTOCOL.md §7. A predicate answers ok, broken (with a
// message that names the state that breaks it and where that state was set), or unknown: the function
// does not know (typically the state comes from its caller), and the requirement becomes part of its
// summary, checked again at every call site.
import type { Span } from '../cfg/types';
import { FAMILIES, type LockFamily } from '../model/api';
import { mayDirectReclaim } from '../model/gfp';
import { lockClassOf, type LockClassId } from '../model/lockOrder';
import type { IsolatedUse, PtFact, RequirementId } from '../model/protocol';
import { assumedFeature, type KernelFacts, type KernelFeatureName } from '../model/kernels';
import type { ProtocolVariant } from '../model/protocolMatch';
import type { LockRecord, PtRecord, State } from './state';

export interface Broken {
  rule: string;
  message: string;
  related: { site: Span; message: string }[];
  /** The finding holds only under this assumption about the kernel (model/kernels.ts): a warning, not an error. */
  assumes?: string;
}

/** `passOn`: the requirement the callers are to decide instead (what this path knows narrows it). */
export type Verdict = { kind: 'ok' } | { kind: 'unknown'; passOn?: RequirementKey } | { kind: 'broken'; problems: Broken[] };

export interface RequirementContext {
  state: State;
  /**
   * Locks the call releases before it could sleep: do_swap_page() unmaps the PTE first; a callee annotated
   * __releases(&khugepaged_mm_lock) drops the caller's spinlock before its cond_resched().
   */
  releasedByCall: ReadonlySet<string>;
  /** What the kernel has of the version-dependent features: per-VMA locks, RCU PTE maps (model/kernels.ts). */
  kernel: KernelFacts;
  variant: ProtocolVariant;
  /** For 'unreachable': what is being done; for refcount checks, whether the folio is locked (decisive). */
  use?: IsolatedUse;
  decisive?: boolean;
  /** For 'no-reclaim-under-rmap': the call's GFP argument text, if any. */
  gfp?: string;
}

const OK: Verdict = { kind: 'ok' };
const UNKNOWN: Verdict = { kind: 'unknown' };
const broken = (...problems: Broken[]): Verdict => ({ kind: 'broken', problems });

export type RequirementKey = RequirementId | `unreachable:${IsolatedUse}`;

export function checkRequirement(id: RequirementKey, ctx: RequirementContext): Verdict {
  if (id.startsWith('unreachable:')) return unreachable(ctx, id.slice('unreachable:'.length) as IsolatedUse);
  switch (id as RequirementId) {
    case 'mmap-write': return mmapWrite(ctx);
    case 'not-atomic': return notAtomic(ctx);
    case 'no-reclaim-under-rmap': return noReclaimUnderRmap(ctx);
    case 'folio-trylock-only': return folioTrylockOnly(ctx);
    case 'pml-held': return pmlHeld(ctx);
    case 'clear-needs-pml': return clearNeedsPml(ctx);
    case 'clear-needs-mmap-write': return clearNeeds(ctx, 'mmap');
    case 'clear-needs-vma-lock': return clearNeeds(ctx, 'vma');
    case 'clear-needs-rmap-lock': return clearNeeds(ctx, 'rmap');
    case 'pte-lock-or-isolated': return pteLockOrIsolated(ctx);
    case 'notifier-open': return notifierOpen(ctx);
    case 'revalidated': return revalidated(ctx, ['staleVma', 'stalePmd']);
    case 'vma-revalidated': return revalidated(ctx, ['staleVma']);
    case 'pmd-revalidated': return revalidated(ctx, ['stalePmd']);
    case 'exit-checked': return exitChecked(ctx);
    case 'exit-rechecked': return exitRechecked(ctx);
    case 'walkers-excluded': return walkersExcluded(ctx);
    case 'pmd-present-at-downgrade': return pmdPresentAtDowngrade(ctx);
    case 'uptodate-after-copy': return uptodateAfterCopy(ctx);
    case 'pmd-attached': return pmdAttached(ctx);
    case 'rmap-covers-hidden': return rmapCoversHidden(ctx);
    case 'deposited': return depositedBeforeInstall(ctx);
    case 'populate-table': return OK; // decided at the call from its argument (see ProtocolTracker)
    case 'unreachable': return UNKNOWN;
  }
}

// ---- helpers ------------------------------------------------------------------------------------------

const line = (s: Span) => s.startRow + 1;
const pt = (ctx: RequirementContext, f: PtFact): PtRecord | undefined => ctx.state.pt.get(f);
const locks = (ctx: RequirementContext) => [...ctx.state.locks.values()];
const held = (l: LockRecord) => (FAMILIES[l.family].counting ? l.count > 0 : l.status === 'held');
const classOf = (l: LockRecord): LockClassId | undefined => lockClassOf(l.family, l.role, l.name);
const describe = (l: LockRecord) => (FAMILIES[l.family].singleton ? FAMILIES[l.family].label : `${l.role ?? FAMILIES[l.family].label} '${l.name}'`);
const takenAt = (l: LockRecord) => `${describe(l)} (${l.fromCaller ? `the caller's, per ${l.siteText} at` : 'taken at'} line ${line(l.site)})`;
const heldOf = (ctx: RequirementContext, pred: (l: LockRecord) => boolean) => locks(ctx).filter((l) => held(l) && pred(l));
const familyRecord = (ctx: RequirementContext, family: LockFamily) => locks(ctx).find((l) => l.family === family);
/** The caller's lock as the caller holds it: not released and taken again here. */
const callersHold = (l: LockRecord) => l.fromCaller && !l.retaken;
/** Held by the caller in a mode no one said (`mmap_assert_locked(mm)`): read or write, the callers decide. */
const inEitherMode = (l: LockRecord) => l.status === 'held' && l.mode === undefined && callersHold(l);

const ATOMIC_FAMILIES = new Set<LockFamily>(['spin', 'rwlock', 'xas', 'rcu', 'pte_map', 'irq']);

function mmapWrite(ctx: RequirementContext): Verdict {
  const m = familyRecord(ctx, 'mmap');
  if (!m || inEitherMode(m)) return UNKNOWN;
  if (m.status === 'held' && m.mode === 'write') return OK;
  const why = m.status === 'held' ? `the mmap_lock is held for read (${m.siteText}, line ${line(m.site)})`
    : `the mmap_lock was released at line ${line(m.site)} (${m.siteText})`;
  return broken({ rule: 'VMA-WRITE-NEEDS-MMAP-WRITE', message: `vma_start_write() needs the mmap_lock for write, but ${why}`, related: [{ site: m.site, message: 'the mmap_lock state comes from here' }] });
}

function notAtomic(ctx: RequirementContext): Verdict {
  // A PTE map is atomic only in kernels that map in an RCU section (6.5+; before, only with CONFIG_HIGHPTE).
  const atomicFamily = (f: LockFamily) => ATOMIC_FAMILIES.has(f) && (f !== 'pte_map' || ctx.kernel.pteMapRcu !== 'no');
  const atomic = heldOf(ctx, (l) => atomicFamily(l.family) && !ctx.releasedByCall.has(l.key));
  if (atomic.length === 0) return UNKNOWN; // the caller may hold one: checked again at its call sites
  // Prefer a lock that is atomic in every kernel: then the finding rests on no assumption.
  const l = atomic.find((a) => a.family !== 'pte_map') ?? atomic[0];
  return broken({ rule: 'NO-SLEEP-IN-ATOMIC', message: `may sleep while ${takenAt(l)} is held`, related: atomic.map((a) => ({ site: a.site, message: `${describe(a)} taken here` })),
    assumes: l.family === 'pte_map' && ctx.kernel.pteMapRcu === 'unknown' ? assumedFeature('pteMapRcu') : undefined });
}

function noReclaimUnderRmap(ctx: RequirementContext): Verdict {
  if (!mayDirectReclaim(ctx.gfp)) return OK;
  const rmap = heldOf(ctx, (l) => l.family === 'anon_vma' || l.family === 'i_mmap');
  if (rmap.length === 0) return UNKNOWN;
  const [l] = rmap;
  return broken({ rule: 'NO-RECLAIM-ALLOC-UNDER-RMAP-LOCK',
    message: `allocates with direct reclaim while ${takenAt(l)} is held: reclaim's rmap walk can block on that same lock; allocate before taking it, or use a GFP mask without reclaim`,
    related: [{ site: l.site, message: `${describe(l)} taken here` }] });
}

function folioTrylockOnly(ctx: RequirementContext): Verdict {
  const inner = heldOf(ctx, (l) => {
    const c = classOf(l);
    return c === 'pml' || c === 'ptl' || (l.family === 'anon_vma' && l.mode === 'write') || (l.family === 'i_mmap' && l.mode === 'write');
  });
  if (inner.length === 0) return UNKNOWN;
  const [l] = inner;
  return broken({ rule: 'TRYLOCK-FOLIO-UNDER-PTL',
    message: `a blocking folio lock under ${takenAt(l)}: the folio lock is ordered above it, so only folio_trylock() (with a backoff when it fails) is allowed here`,
    related: [{ site: l.site, message: `${describe(l)} taken here` }] });
}

function pmlHeld(ctx: RequirementContext): Verdict {
  const pmls = locks(ctx).filter((l) => classOf(l) === 'pml');
  if (pmls.some(held)) return OK;
  const released = pmls.find((l) => l.status === 'released' && !l.fromCaller);
  if (!released) return UNKNOWN;
  return broken({ rule: 'PMD-WRITE-NEEDS-PML', message: `writes the PMD without its PMD lock: ${describe(released)} was released at line ${line(released.site)}`,
    related: [{ site: released.site, message: 'PMD lock released here' }] });
}

/**
 * A PMD that points to a table may be cleared without its PMD lock when every other walk that could reach
 * the table is excluded: "The mmap lock together with this VMA's rmap locks covers all paths towards the
 * page table entries we're messing with here" (6.1 mm/khugepaged.c collapse_and_free_pmd(); PMD locks
 * order changes of leaf entries and the install of new tables).
 */
function clearNeedsPml(ctx: RequirementContext): Verdict {
  // Where per-VMA locks are not known to exist, a missing VMA write lock is clear-needs-vma-lock's to report
  // (a warning that names the assumption), not a reason to ask for the PMD lock as well.
  const vmaExcluded = ctx.kernel.perVmaLocks !== 'yes' || clearNeeds(ctx, 'vma').kind === 'ok';
  const excluded = vmaExcluded && (['mmap', 'rmap'] as const).every((part) => clearNeeds(ctx, part).kind === 'ok');
  return excluded ? OK : pmlHeld(ctx);
}

/**
 * PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS, one lock at a time, so that a helper taking the rmap lock itself and
 * relying on its caller for the mmap_lock is checked part here, part at its call sites. The file-collapse
 * alternative (retract_page_tables(): the table emptied and rechecked under its PTE lock nested in the pml)
 * satisfies all three.
 */
function clearNeeds(ctx: RequirementContext, part: 'mmap' | 'vma' | 'rmap'): Verdict {
  if (ptlHeld(ctx)) return OK;
  const rule = 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS';
  if (part === 'mmap') {
    const m = familyRecord(ctx, 'mmap');
    if (!m || inEitherMode(m)) return UNKNOWN;
    if (m.status === 'held' && m.mode === 'write') return OK;
    const why = m.status === 'held' ? `only the mmap_lock for read (since line ${line(m.site)}): faults and GUP under the read lock can walk it`
      : `the mmap_lock, released at line ${line(m.site)}`;
    return broken({ rule, message: `clears a PMD that points to a table holding ${why}`, related: [{ site: m.site, message: 'mmap_lock state set here' }] });
  }
  if (part === 'vma') {
    if (ctx.kernel.perVmaLocks === 'no' || locks(ctx).some((l) => l.family === 'vma' && l.status === 'held')) return OK;
    const m = familyRecord(ctx, 'mmap');
    if (!m || callersHold(m)) return UNKNOWN; // the caller's mmap_lock: its VMA locks too
    return broken({ rule, message: 'clears a PMD that points to a table without vma_start_write() on this path: page faults under the per-VMA lock can still start a walk of it',
      related: [{ site: m.site, message: 'mmap_lock taken here' }],
      assumes: ctx.kernel.perVmaLocks === 'unknown' ? assumedFeature('perVmaLocks') : undefined });
  }
  if (heldOf(ctx, (l) => (l.family === 'anon_vma' && l.mode === 'write') || l.family === 'i_mmap').length > 0) return OK;
  const rmap = locks(ctx).find((l) => (l.family === 'anon_vma' || l.family === 'i_mmap') && l.status === 'released' && !l.fromCaller);
  if (!rmap) return UNKNOWN;
  return broken({ rule, message: `clears a PMD that points to a table after releasing the rmap lock at line ${line(rmap.site)}: rmap walks find pmd_none and miss its PTEs`,
    related: [{ site: rmap.site, message: 'rmap lock released here' }] });
}

/** A PTE lock held, directly or as the PMD lock when the path knows `ptl == pml` (split PTE locks off). */
function ptlHeld(ctx: RequirementContext): boolean {
  if (heldOf(ctx, (l) => classOf(l) === 'ptl').length > 0) return true;
  for (const [k, v] of ctx.state.facts) {
    if (v.truth !== true || !k.startsWith('?')) continue;
    const [a, b] = k.slice(1).split('==');
    const isPtl = (n: string) => locks(ctx).some((l) => l.name === n && classOf(l) === 'ptl') || /^(ptl|pte_ptl)$/.test(n);
    const heldName = (n: string) => heldOf(ctx, (l) => l.name === n).length > 0;
    if ((isPtl(a) && heldName(b)) || (isPtl(b) && heldName(a))) return true;
  }
  return false;
}

function pteLockOrIsolated(ctx: RequirementContext): Verdict {
  if (ptlHeld(ctx)) return OK;
  if (pt(ctx, 'pmd')?.value === 'hidden' && pt(ctx, 'flushed')?.value === 'yes' && pt(ctx, 'synced')?.value === 'yes') return OK;
  const mapped = pt(ctx, 'mapped');
  const ptl = locks(ctx).find((l) => classOf(l) === 'ptl');
  if (!mapped && !ptl) return UNKNOWN;
  const why = ptl ? `its PTE lock '${ptl.name}' was released at line ${line(ptl.site)}` : `the table was mapped at line ${line(mapped!.site)} (${mapped!.text}) without taking its PTE lock`;
  const site = ptl?.site ?? mapped!.site;
  return broken({ rule: 'PTE-WRITE-NEEDS-PTL-OR-ISOLATION', message: `writes a PTE without the PTE lock of an attached table and without the table being isolated: ${why}`,
    related: [{ site, message: ptl ? 'PTE lock released here' : 'mapped here' }] });
}

function notifierOpen(ctx: RequirementContext): Verdict {
  const ranges = locks(ctx).filter((l) => l.family === 'mmu_notifier');
  if (ranges.some(held)) return OK;
  // PTEs of a table hidden by this path are not mirrored by secondary MMUs any more.
  if (pt(ctx, 'pmd')?.value === 'hidden') return OK;
  const closed = ranges.find((l) => l.status === 'released' && !l.fromCaller);
  if (!closed) return UNKNOWN;
  return broken({ rule: 'MMU-NOTIFIER-BRACKET', message: `changes an entry secondary MMUs may mirror outside mmu_notifier_invalidate_range_start/end: the range was closed at line ${line(closed.site)}`,
    related: [{ site: closed.site, message: 'range closed here' }] });
}

/** The VMA and/or the PMD used with the mmap_lock held again after a gap, not looked up since (one finding). */
function revalidated(ctx: RequirementContext, facts: ('staleVma' | 'stalePmd')[]): Verdict {
  const m = familyRecord(ctx, 'mmap');
  const stale = facts.filter((f) => pt(ctx, f)?.value === 'yes');
  if (stale.length === 0 || !m || m.status !== 'held') return OK;
  const dropped = pt(ctx, stale[0])!;
  const what = stale.map((f) => (f === 'staleVma' ? 'the VMA' : 'the PMD')).join(' and ');
  const how = stale.map((f) => (f === 'staleVma' ? 'hugepage_vma_revalidate()' : 'check_pmd_still_valid()')).join(', ');
  return broken({ rule: 'REVALIDATE-AFTER-RELOCK',
    message: `uses ${what} after the mmap_lock was dropped at line ${line(dropped.site)} (${dropped.text}) and retaken at line ${line(m.site)} without looking ${stale.length > 1 ? 'them' : 'it'} up again under it (${how})`,
    related: [{ site: dropped.site, message: 'mmap_lock dropped here' }, { site: m.site, message: 'retaken here' }] });
}

function exitChecked(ctx: RequirementContext): Verdict {
  const e = pt(ctx, 'exitChecked');
  if (!e || e.value === 'dropped') return UNKNOWN;
  if (e.value === 'regained') return { kind: 'unknown', passOn: 'exit-rechecked' };
  if (e.value === 'yes') return OK;
  return broken({ rule: 'EXIT-CHECK', message: `walks page tables after taking the mmap_lock at line ${line(e.site)} without testing whether the mm is exiting (hpage_collapse_test_exit()): exit_mmap() frees tables without locks`,
    related: [{ site: e.site, message: 'mmap_lock taken here' }] });
}

/**
 * A callee dropped and retook the mmap_lock, then walked the page tables without an exit test: wrong for an
 * mm that may exit, which is one this path entered by trylock (khugepaged's); madvise_collapse() works on the
 * caller's own mm, which cannot exit under it, and knows nothing of it, so the requirement goes on up.
 */
function exitRechecked(ctx: RequirementContext): Verdict {
  const foreign = pt(ctx, 'mayExit');
  if (!foreign) return { kind: 'unknown', passOn: 'exit-rechecked' };
  return broken({ rule: 'EXIT-CHECK', message: `walks page tables after dropping and retaking the mmap_lock, without testing again whether this mm is exiting (entered by ${foreign.text} at line ${line(foreign.site)}, holding no mm_users): exit_mmap() may have started in the gap`,
    related: [{ site: foreign.site, message: 'an mm that may exit' }] });
}

/**
 * DOWNGRADE-DROPS-VMA-LOCKS: the collapse works on the range only while page faults are excluded. After
 * mmap_write_downgrade() they are not; nor when the path holds the mmap_lock only for read and no VMA write
 * lock, which is where Dev Jain's RFC v1 09/12 ends up ("downgrade the mmap lock from write to read mode").
 */
function walkersExcluded(ctx: RequirementContext): Verdict {
  const v = pt(ctx, 'vmaExcl');
  if (!v) {
    const m = familyRecord(ctx, 'mmap');
    if (!m || m.status !== 'held' || inEitherMode(m) || ctx.kernel.perVmaLocks !== 'yes') return UNKNOWN;
    // The mmap_lock for write, taken here: faults under the mmap_lock are excluded, and a missing VMA write
    // lock is PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS's to report, once, at the clear.
    if (m.mode === 'write') return callersHold(m) ? UNKNOWN : OK;
    return broken({ rule: 'DOWNGRADE-DROPS-VMA-LOCKS',
      message: `works on the collapse range holding only the mmap_lock for read (${m.siteText}, line ${line(m.site)}) and no VMA write lock: page faults under the mmap read lock or the per-VMA lock can run on it`,
      related: [{ site: m.site, message: 'mmap_lock taken for read here' }] });
  }
  if (v.value !== 'dropped') return OK;
  return broken({ rule: 'DOWNGRADE-DROPS-VMA-LOCKS',
    message: `works on the collapse range after mmap_write_downgrade() at line ${line(v.site)} ended the VMA write lock: per-VMA-lock page faults, PT reclaim and per-VMA madvise can run on it again`,
    related: [{ site: v.site, message: 'VMA write locks end here' }] });
}

function pmdPresentAtDowngrade(ctx: RequirementContext): Verdict {
  const p = pt(ctx, 'pmd');
  if (p?.value !== 'hidden') return OK;
  return broken({ rule: 'DOWNGRADE-DROPS-VMA-LOCKS', message: `ends the VMA write lock while the PMD is still cleared (since line ${line(p.site)}, ${p.text}): a per-VMA-lock fault can install a table in the hole`,
    related: [{ site: p.site, message: 'PMD cleared here' }] });
}

function uptodateAfterCopy(ctx: RequirementContext): Verdict {
  const copied = pt(ctx, 'copied');
  if (copied?.value !== 'yes') return OK;
  const u = pt(ctx, 'uptodate');
  if (u?.value === 'yes') return OK;
  const message = u?.value === 'early'
    ? `maps the new folio, marked uptodate at line ${line(u.site)} before the copy at line ${line(copied.site)}: the write barrier orders nothing`
    : `maps the new folio without __folio_mark_uptodate() after the copy at line ${line(copied.site)}: other CPUs may see the mapping before the data`;
  return broken({ rule: 'UPTODATE-BEFORE-MAP', message, related: [{ site: copied.site, message: 'copied here' }, ...(u ? [{ site: u.site, message: 'marked uptodate here' }] : [])] });
}

function pmdAttached(ctx: RequirementContext): Verdict {
  const p = pt(ctx, 'pmd');
  if (p?.value !== 'hidden') return OK;
  return broken({ rule: 'PTES-BEFORE-PMD', message: `runs while the PMD is still cleared (since line ${line(p.site)}): re-populate the PMD first (update_mmu_cache_range() walks the live table on MIPS)`,
    related: [{ site: p.site, message: 'PMD cleared here' }] });
}

function rmapCoversHidden(ctx: RequirementContext): Verdict {
  const p = pt(ctx, 'pmd');
  if (p?.value !== 'hidden' || ctx.variant === 'mainline' || pt(ctx, 'wholePmd')?.value === 'yes') return OK;
  return broken({ rule: 'HIDDEN-TABLE-RMAP-EXCLUSION',
    message: `releases the anon_vma lock while the PMD is cleared (since line ${line(p.site)}) and the collapse may not cover the whole PMD: rmap walkers of the neighbouring folios find pmd_none and miss their PTEs; keep the lock until the PMD is re-populated`,
    related: [{ site: p.site, message: 'PMD cleared here' }] });
}

function depositedBeforeInstall(ctx: RequirementContext): Verdict {
  const p = pt(ctx, 'pmd');
  if (p?.value !== 'hidden' || pt(ctx, 'deposited')?.value === 'yes') return OK;
  return broken({ rule: 'DEPOSIT-WITH-HUGE-PMD', message: `installs a huge PMD without depositing the old PTE table (pgtable_trans_huge_deposit()): a later split would need to allocate one, and the nr_ptes count drifts`,
    related: [{ site: p.site, message: 'table hidden here' }] });
}

/** TLB-FLUSH-BEFORE-ISOLATED-USE, GUP-FAST-SYNC, REFCOUNT-CHECK-AFTER-UNREACHABLE, COPY-AFTER-UNREACHABLE. */
function unreachable(ctx: RequirementContext, use: IsolatedUse): Verdict {
  if (use === 'refcount' && !ctx.decisive) return OK; // scan-phase pre-check: advisory
  const pmd = pt(ctx, 'pmd');
  const ptes = pt(ctx, 'ptes');
  const mapped = pt(ctx, 'mapped');
  const flushed = pt(ctx, 'flushed');
  const synced = pt(ctx, 'synced');
  const hidden = pmd?.value === 'hidden';
  const cleared = ptes?.value === 'cleared';
  const isolated = pt(ctx, 'isolated')?.value === 'yes';
  // An ordinary install, not a reuse: the collapse reuses the cleared PTEs of an attached table for the folios
  // that replace the ones it isolated; do_wp_page() and move_ptes() (mm/memory.c, mm/mremap.c) replace or move
  // entries under the PTE lock and flush by their own rules.
  if (use === 'pte-reuse' && !(cleared && !hidden && isolated)) return OK;
  if (use === 'table-free') return hidden && synced?.value !== 'yes' ? broken(gupFast(pmd!, use)) : OK;
  // Through a live table, the refcount check of a collapse, or a copy of folios the path isolated to replace
  // them, is too early. A copy of anything else is no collapse's: do_wp_page() copies a source that is mapped
  // read-only, and copy_present_page() copies a pinned page at fork (mm/memory.c).
  const live = mapped?.value === 'live' && !hidden && !cleared && (use !== 'copy' || isolated);
  if (!hidden && !cleared && !live) return UNKNOWN;
  const problems: Broken[] = [];
  const what = USE_WORDS[use];
  const clearSite = (hidden ? pmd : ptes)!;
  if (live) {
    problems.push({ rule: 'TLB-FLUSH-BEFORE-ISOLATED-USE',
      message: `${what} while the PTEs are still reachable (mapped through the live PMD at line ${line(mapped!.site)}, nothing cleared or flushed): a CPU with a TLB entry can still write the old page`,
      related: [{ site: mapped!.site, message: 'table mapped here, still attached' }] });
  } else if (flushed?.value !== 'yes') {
    problems.push({ rule: 'TLB-FLUSH-BEFORE-ISOLATED-USE',
      message: `${what} after ${hidden ? 'the PMD' : 'the PTEs'} were cleared at line ${line(clearSite.site)} (${clearSite.text}) but before a TLB flush: CPUs can still write through stale TLB entries`,
      related: [{ site: clearSite.site, message: 'cleared here, not flushed' }] });
  }
  if (live || synced?.value !== 'yes') problems.push(gupFast(live ? mapped! : clearSite, use));
  if (problems.length === 0) return OK;
  const final = use === 'refcount' ? 'REFCOUNT-CHECK-AFTER-UNREACHABLE' : use === 'copy' ? 'COPY-AFTER-UNREACHABLE' : undefined;
  if (final) {
    problems.push({ rule: final, message: `${what} before the mappings are unreachable: ${problems.map((p) => p.rule).join(' and ')} ${problems.length > 1 ? 'are' : 'is'} not satisfied here`,
      related: problems.flatMap((p) => p.related) });
  }
  return broken(...problems);
}

function gupFast(at: PtRecord, use: IsolatedUse): Broken {
  return { rule: 'GUP-FAST-SYNC',
    message: `${USE_WORDS[use]} with no tlb_remove_table_sync_one() since line ${line(at.site)} (${at.text}): a GUP-fast walk that read the old entries can still take a reference`,
    related: [{ site: at.site, message: 'entries still visible to GUP-fast from here' }] };
}

const USE_WORDS: Record<IsolatedUse, string> = {
  refcount: 'checks the folio refcount',
  copy: 'copies the old pages',
  'pte-reuse': 'reuses cleared PTEs',
  'table-free': 'frees the PTE table',
};

/**
 * Whether a callee's requirement, broken under its caller's state, is reported on the callee's line that needs
 * it (the violation happens there: a sleep, a PTE write, a walk). Not the collapse's order of steps (the table
 * unreachable before its use): a step missing there is the caller's, reported at its call, the callee's use a note.
 */
export function reportedInCallee(id: RequirementKey): boolean {
  return !id.startsWith('unreachable:');
}

/**
 * What a requirement no function on the way decided means at a function entered holding no lock (a kernel
 * thread, a work item, a system call: model/entryPoints.ts): a lock none of them took is not held. The others
 * hold there (nothing atomic, no rmap lock), ask about what such a root does not have (the exit test of an
 * mmap_lock it never took, a revalidation, the order of a collapse's steps), or are about a PTE table the path
 * never mapped itself: a pointer from a walk the analysis does not model (mm/page_vma_mapped.c
 * page_vma_mapped_walk() returns with the PTE lock held), whose lock it cannot know. Not decided here.
 * `locks`: the lock families (`family:role` for a role of one) whose acquisition would decide it.
 */
export const UNMET_WITHOUT_LOCKS: Partial<Record<RequirementId, { rule: string; needs: string; locks: string[]; feature?: KernelFeatureName }>> = {
  'mmap-write': { rule: 'VMA-WRITE-NEEDS-MMAP-WRITE', needs: 'the mmap_lock for write', locks: ['mmap'] },
  'pml-held': { rule: 'PMD-WRITE-NEEDS-PML', needs: 'the PMD lock', locks: ['spin:PMD lock'] },
  'clear-needs-pml': { rule: 'PMD-WRITE-NEEDS-PML', needs: 'the PMD lock', locks: ['spin:PMD lock'] },
  'clear-needs-mmap-write': { rule: 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', needs: 'the mmap_lock for write', locks: ['mmap'] },
  'clear-needs-vma-lock': { rule: 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', needs: 'the VMA write lock', locks: ['vma'], feature: 'perVmaLocks' },
  'clear-needs-rmap-lock': { rule: 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS', needs: 'the anon_vma or i_mmap lock for write', locks: ['anon_vma', 'i_mmap'] },
  'notifier-open': { rule: 'MMU-NOTIFIER-BRACKET', needs: 'an open mmu_notifier range', locks: ['mmu_notifier'] },
};

/** The requirements that are checked at the call from its arguments, never propagated. */
export const LOCAL_ONLY: ReadonlySet<RequirementKey> = new Set(['populate-table', 'revalidated', 'vma-revalidated', 'pmd-revalidated']);

export type { LockClassId };

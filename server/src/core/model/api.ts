// The kernel lock API as declared data (../shared/PROTOCOL.md §1.2 and §3.1–3.2). The interpreter in
// check/ reads these rows; it has no per-function `if`s. Adding an API is one row here and one fixture.
//
// A row says which lock family a call acquires or releases, where the lock's identity comes from (an
// argument's text, the variable the result is assigned to, or nothing for one-per-context families such as
// the mmap_lock of the mm being collapsed or the RCU section), and, for trylocks and map-and-lock calls, how
// the effect depends on the returned value.

import type { KernelFeatureName } from './kernels';

export type LockFamily =
  | 'mmap' | 'vma' | 'vma_read' | 'anon_vma' | 'i_mmap' | 'spin' | 'rwlock' | 'mutex' | 'rwsem'
  | 'folio' | 'rcu' | 'pte_map' | 'mmu_notifier' | 'xas' | 'irq';

export type LockMode = 'read' | 'write';

export interface FamilyTraits {
  /** What messages call a lock of this family. */
  label: string;
  /** Nests: acquire/release count (rcu_read_lock, pte_offset_map, local_irq_save). */
  counting?: boolean;
  /** One instance per context: the key is the family, not the argument text. */
  singleton?: boolean;
  /** Taking it again while held is a no-op, and it is never released on its own (vma_start_write). */
  idempotent?: boolean;
  /** Released as a side effect of another lock's release; never reported as leaked on its own. */
  ownedBy?: LockFamily;
  /** The sleeping/spinning class of ../shared/PROTOCOL.md §2.2. */
  sleeps: boolean;
}

export const FAMILIES: Record<LockFamily, FamilyTraits> = {
  // One mm per collapse: khugepaged never holds two mmap_locks, and helpers such as do_swap_page() drop
  // "the" mmap_lock through vmf->vma->vm_mm, an expression that names no local variable.
  mmap: { label: 'mmap_lock', singleton: true, sleeps: true },
  // vma_start_write() has no unlock: mmap_write_unlock()/mmap_write_downgrade() end every VMA write lock.
  vma: { label: 'VMA write lock', idempotent: true, ownedBy: 'mmap', sleeps: true },
  vma_read: { label: 'VMA read lock', sleeps: true },
  anon_vma: { label: 'anon_vma lock', sleeps: true },
  i_mmap: { label: 'i_mmap_rwsem', sleeps: true },
  spin: { label: 'spinlock', sleeps: false },
  rwlock: { label: 'rwlock', sleeps: false },
  mutex: { label: 'mutex', sleeps: true },
  rwsem: { label: 'rw_semaphore', sleeps: true },
  folio: { label: 'folio lock', sleeps: true },
  rcu: { label: 'RCU read section', counting: true, singleton: true, sleeps: false },
  // pte_offset_map*() enter an RCU section that pte_unmap() leaves; the pointer is often advanced (pte++),
  // so the mapping is counted rather than keyed by its variable.
  pte_map: { label: 'PTE map (RCU)', counting: true, singleton: true, sleeps: false },
  mmu_notifier: { label: 'mmu_notifier range', sleeps: false },
  xas: { label: 'xarray lock', sleeps: false },
  irq: { label: 'IRQ-off section', counting: true, singleton: true, sleeps: false },
};

/**
 * Where the identity of the lock comes from: an argument, the variable the result is assigned to, the
 * family (singletons), or the first argument passed by address (`shmem_get_folio(..., &folio, ...)` returns
 * the folio locked through it; its position differs between kernel versions). `pointee`: the argument is where
 * the call stores the lock's pointer (`spinlock_t **ptlp`), so the lock is what it points to: `ptl` given
 * `&ptl`, `*ptlp` given `ptlp` (6.1 mm/memory.c follow_pte() passes its own `ptlp` on, then unlocks `*ptlp`).
 */
export type LockKeySource = { arg: number; pointee?: boolean } | 'result' | 'family' | 'out-arg';

export interface LockEffect {
  /**
   * `hand-off`: the object now belongs to a list or to LRU isolation, which keeps its lock until whoever
   * empties it (release_pte_pages() unlocks isolated folios): this function stops tracking that lock.
   * `assert-held`: the kernel checks here that the lock is held (lockdep, CONFIG_DEBUG_VM). A lock the
   * function did not take is then its caller's, held on entry: the assertion is the function's contract.
   */
  op: 'acquire' | 'release' | 'downgrade' | 'release-all' | 'hand-off' | 'assert-held';
  family: LockFamily;
  /**
   * The lock's family is not the call's to say (`lockdep_assert_held()` takes any lock): it is the one its
   * expression names (LOCK_FIELDS), or the one this function's own calls take it with; `family` otherwise.
   */
  anyFamily?: boolean;
  key: LockKeySource;
  mode?: LockMode;
  /** What the lock is in protocol terms, for messages and hovers ("PMD lock", "PTE lock"). */
  role?: string;
  /**
   * sparse's context markers, __acquire()/__release(): no lock is taken, but the name as written counts as
   * taken or released for pairing, even where it is another name of a lock the path holds.
   */
  marker?: boolean;
}

/** A returned value an outcome applies to: zero/NULL/false, anything else, or a named constant. */
/**
 * What an outcome returns. `clear`: no flag of the mask is set (a flag mask as written, its flags sorted and
 * joined by '|'); `any`: the value says nothing (the outcome is told by what it writes through a pointer).
 */
export type ReturnSpec = 'zero' | 'nonzero' | 'negative' | 'valid-pointer' | 'error-pointer' | 'any' | { eq: string } | { ne: string } |
  { clear: string };

export interface Outcome {
  returns: ReturnSpec;
  effects: LockEffect[];
  /** The outcome happens only when this argument is true (or false): `unlock` of do_vmi_munmap(). */
  when?: { arg: number; truth: boolean };
  /**
   * The outcome writes this truth value through the pointer argument (`int *locked` of the GUP calls). A
   * NULL argument is written by no outcome, and only those that write true happen.
   */
  sets?: { arg: number; truth: boolean };
  /**
   * The outcome happens only when flags of this argument are set (or clear): `fault_flags` of
   * handle_mm_fault(). `known`: only where the path knows it (a rare flag callers set on purpose).
   */
  whenFlags?: { arg: number; mask: string; set: boolean; known?: boolean }[];
}

export interface ApiRow {
  name: string;
  /**
   * The call maps the PTE table of this PMD argument and fails (returns NULL) only when the PMD is no
   * longer a table. Once a path has mapped it, the table stays while the path keeps the mmap_lock and
   * does not change the PMD ("mmap_lock + page lock should prevent this", collapse_pte_mapped_thp()).
   */
  mapsTableOf?: { arg: number };
  /** Effects of every call. */
  effects?: LockEffect[];
  /** Effects that depend on the returned value (trylocks, map-and-lock). */
  outcomes?: Outcome[];
  /** Takes a sleeping lock without waiting for it: no one else can hold it yet (__folio_set_locked()). */
  neverWaits?: boolean;
  /** The row is for calls with this many arguments: a kernel that changed the function's signature has one per form. */
  arity?: number;
  /** Its failing outcomes exist only in kernels with this feature (kernels.ts): before it, the call cannot fail. */
  failsOnlyWith?: KernelFeatureName;
  /**
   * The call stores a value the code tests in a field of the object it is given (include/linux/mmu_notifier.h
   * mmu_notifier_range_init(): `range->start = start`, an address of a VMA, never 0 as mmap_min_addr keeps page
   * 0 unmapped): mm/mprotect.c change_pud_range() tests `range.start` to know whether it opened the range.
   */
  initializes?: { arg: number; field: string; truth: boolean };
}

const acq = (family: LockFamily, key: LockKeySource, mode?: LockMode, role?: string): LockEffect =>
  ({ op: 'acquire', family, key, mode, role });
const rel = (family: LockFamily, key: LockKeySource, mode?: LockMode, role?: string): LockEffect =>
  ({ op: 'release', family, key, mode, role });
/** Any lock on the object the argument points into (`&folio->lru` → folio). */
const handOff = (key: LockKeySource): LockEffect => ({ op: 'hand-off', family: 'folio', key });
/** The lock is asserted held here (`mode`: in that mode; none: in either). */
const asserts = (family: LockFamily, key: LockKeySource, mode?: LockMode, anyFamily?: boolean): LockEffect =>
  ({ op: 'assert-held', family, key, mode, anyFamily });
const arg0 = { arg: 0 };
const arg1 = { arg: 1 };

const lock = (name: string, ...effects: LockEffect[]): ApiRow => ({ name, effects });
/** Returns nonzero (true) when it took the lock: *_trylock. */
const trylock = (name: string, ...effects: LockEffect[]): ApiRow =>
  ({ name, outcomes: [{ returns: 'nonzero', effects }, { returns: 'zero', effects: [] }] });
/** Returns 0 when it took the lock, else a negative error (-EINTR, -EAGAIN): *_killable, *_interruptible. */
const lockUnlessInterrupted = (name: string, ...effects: LockEffect[]): ApiRow =>
  ({ name, outcomes: [{ returns: 'zero', effects }, { returns: 'negative', effects: [] }] });
/** Returns a non-NULL pointer when it mapped (and locked) the PTE table of its `pmdArg`: pte_offset_map_lock(). */
const mapOrNull = (name: string, pmdArg: number, ...effects: LockEffect[]): ApiRow =>
  ({ ...trylock(name, ...effects), mapsTableOf: { arg: pmdArg } });
/** Sets a lock bit on an object no one else can see yet: a lock, taken without waiting. */
const setLocked = (name: string, ...effects: LockEffect[]): ApiRow => ({ name, effects, neverWaits: true });
/** Returns a locked object, or NULL: lock_vma_under_rcu(), folio_lock_anon_vma_read(). */
const lockedOrNull = trylock;
/** Returns a locked object, or an ERR_PTR() that IS_ERR() detects: filemap_lock_folio(). */
const lockedOrError = (name: string, ...effects: LockEffect[]): ApiRow =>
  ({ name, outcomes: [{ returns: 'valid-pointer', effects }, { returns: 'error-pointer', effects: [] }] });

const spinVariants = (lockFn: string, unlockFn: string): ApiRow[] => [
  lock(lockFn, acq('spin', arg0)),
  lock(unlockFn, rel('spin', arg0)),
];

/** Success (0) releases the mmap_lock when argument `arg` is true; failure leaves it held. */
const unlockedOnSuccessIf = (arg: number): Outcome[] => [
  { returns: 'zero', when: { arg, truth: true }, effects: [rel('mmap', 'family')] },
  { returns: 'zero', when: { arg, truth: false }, effects: [] },
  { returns: 'nonzero', effects: [] },
];

/** A flag of handle_mm_fault()'s `flags` argument, set or clear. */
const faultFlag = (mask: string, set: boolean, known?: boolean) => ({ arg: 2, mask, set, known });

/**
 * mm/gup.c get_user_pages_remote() and its kin: "@locked: pointer to lock flag indicating whether lock is held
 * and subsequently whether VM_FAULT_RETRY functionality can be utilised. Lock must initially be held." The
 * mmap_lock is dropped exactly when *locked is set to 0.
 */
const unlockedWhenCleared = (lockedArg: number): Outcome[] => [
  { returns: 'any', sets: { arg: lockedArg, truth: true }, effects: [] },
  { returns: 'any', sets: { arg: lockedArg, truth: false }, effects: [rel('mmap', 'family', 'read')] },
];

export const LOCK_API: ApiRow[] = [
  // mmap_lock (include/linux/mmap_lock.h)
  lock('mmap_read_lock', acq('mmap', 'family', 'read')),
  lock('mmap_read_unlock', rel('mmap', 'family', 'read')),
  trylock('mmap_read_trylock', acq('mmap', 'family', 'read')),
  lockUnlessInterrupted('mmap_read_lock_killable', acq('mmap', 'family', 'read')),
  lock('mmap_write_lock', acq('mmap', 'family', 'write')),
  lock('mmap_write_lock_nested', acq('mmap', 'family', 'write')),
  lockUnlessInterrupted('mmap_write_lock_killable', acq('mmap', 'family', 'write')),
  trylock('mmap_write_trylock', acq('mmap', 'family', 'write')),
  // Unlocking or downgrading the write lock ends every VMA write lock (vma_end_write_all()).
  lock('mmap_write_unlock', rel('mmap', 'family', 'write'), { op: 'release-all', family: 'vma', key: 'family' }),
  lock('mmap_write_downgrade', { op: 'downgrade', family: 'mmap', key: 'family', mode: 'write' },
    { op: 'release-all', family: 'vma', key: 'family' }),

  // mm/vma.c do_vmi_munmap(), do_vmi_align_munmap() (6.10 and later): "0 on success and drops the lock if so
  // directed [by @unlock], error and leaves the lock held otherwise" (vms_complete_munmap_vmas() downgrades,
  // then read-unlocks). Their callers in mm/mmap.c and mm/mremap.c (brk, mremap) rely on it.
  { name: 'do_vmi_munmap', arity: 6, outcomes: unlockedOnSuccessIf(5) },
  { name: 'do_vmi_align_munmap', arity: 7, outcomes: unlockedOnSuccessIf(6) },

  // mm/memory.c handle_mm_fault(): "The mmap_lock may have been released depending on flags and our return
  // value": VM_FAULT_RETRY (the fault waited and dropped it, filemap_fault()/__folio_lock_or_retry()) and
  // VM_FAULT_COMPLETED (it finished without it). Its callers in mm/ hold the mmap_lock (mm/gup.c faultin_page(),
  // fixup_user_fault(); mm/hmm.c hmm_vma_fault()).
  // Only with FAULT_FLAG_ALLOW_RETRY, which callers set on purpose (mm/gup.c faultin_page() for
  // FOLL_UNLOCKABLE, fixup_user_fault() when it may report `unlocked`; mm/hmm.c never does); with
  // FAULT_FLAG_RETRY_NOWAIT too, a retry keeps it (include/linux/mm_types.h, "Don't drop mmap lock and wait
  // when retrying"), which only callers that set it expect (faultin_page() for FOLL_NOWAIT), and it never
  // completes without it (faultin_page(): "With FAULT_FLAG_RETRY_NOWAIT we'll never release the mmap lock").
  {
    name: 'handle_mm_fault',
    arity: 4,
    outcomes: [
      { returns: { clear: 'VM_FAULT_COMPLETED|VM_FAULT_RETRY' }, effects: [] },
      { returns: { eq: 'VM_FAULT_RETRY' }, whenFlags: [faultFlag('FAULT_FLAG_ALLOW_RETRY', true, true), faultFlag('FAULT_FLAG_RETRY_NOWAIT', false)], effects: [rel('mmap', 'family', 'read')] },
      { returns: { eq: 'VM_FAULT_RETRY' }, whenFlags: [faultFlag('FAULT_FLAG_ALLOW_RETRY', true, true), faultFlag('FAULT_FLAG_RETRY_NOWAIT', true, true)], effects: [] },
      { returns: { eq: 'VM_FAULT_COMPLETED' }, whenFlags: [faultFlag('FAULT_FLAG_ALLOW_RETRY', true, true), faultFlag('FAULT_FLAG_RETRY_NOWAIT', false)], effects: [rel('mmap', 'family', 'read')] },
    ],
  },
  // The pinning and faulting-in calls of mm/gup.c with an `int *locked` (6.5 dropped the `vmas` argument;
  // 6.1 faults in a VMA's range, later kernels an mm's).
  { name: 'get_user_pages_remote', arity: 7, outcomes: unlockedWhenCleared(6) },
  { name: 'get_user_pages_remote', arity: 6, outcomes: unlockedWhenCleared(5) },
  { name: 'pin_user_pages_remote', arity: 7, outcomes: unlockedWhenCleared(6) },
  { name: 'pin_user_pages_remote', arity: 6, outcomes: unlockedWhenCleared(5) },
  { name: 'faultin_vma_page_range', arity: 5, outcomes: unlockedWhenCleared(4) },
  { name: 'faultin_page_range', arity: 5, outcomes: unlockedWhenCleared(4) },
  // mm/hugetlb.c follow_hugetlb_page() (until 6.5), GUP's hugetlb walk: hugetlb_fault() with
  // FAULT_FLAG_ALLOW_RETRY, "*locked = 0" when it returns VM_FAULT_RETRY or VM_FAULT_COMPLETED.
  { name: 'follow_hugetlb_page', arity: 9, outcomes: unlockedWhenCleared(8) },

  // Per-VMA locks
  lock('vma_start_write', acq('vma', arg0, 'write')),
  // The name of vma_start_write() in the first versions of the per-VMA lock series (2023 postings).
  lock('vma_write_lock', acq('vma', arg0, 'write')),
  lockUnlessInterrupted('vma_start_write_killable', acq('vma', arg0, 'write')),
  trylock('vma_start_read', acq('vma_read', arg0, 'read')),
  lock('vma_end_read', rel('vma_read', arg0, 'read')),
  lockedOrNull('lock_vma_under_rcu', acq('vma_read', 'result', 'read')),

  // anon_vma and i_mmap rmap locks
  lock('anon_vma_lock_write', acq('anon_vma', arg0, 'write')),
  lock('anon_vma_unlock_write', rel('anon_vma', arg0, 'write')),
  trylock('anon_vma_trylock_write', acq('anon_vma', arg0, 'write')),
  lock('anon_vma_lock_read', acq('anon_vma', arg0, 'read')),
  lock('anon_vma_unlock_read', rel('anon_vma', arg0, 'read')),
  trylock('anon_vma_trylock_read', acq('anon_vma', arg0, 'read')),
  lockedOrNull('folio_lock_anon_vma_read', acq('anon_vma', 'result', 'read')),
  lockedOrNull('page_lock_anon_vma_read', acq('anon_vma', 'result', 'read')),
  lock('i_mmap_lock_write', acq('i_mmap', arg0, 'write')),
  lock('i_mmap_unlock_write', rel('i_mmap', arg0, 'write')),
  lock('i_mmap_lock_read', acq('i_mmap', arg0, 'read')),
  lock('i_mmap_unlock_read', rel('i_mmap', arg0, 'read')),
  trylock('i_mmap_trylock_read', acq('i_mmap', arg0, 'read')),
  trylock('i_mmap_trylock_write', acq('i_mmap', arg0, 'write')),

  // Page-table locks: pmd_lock() returns the lock it took (the "pml"); pte_offset_map_lock() maps the table
  // (an RCU section) and takes the PTE lock whose pointer it stores through its last argument.
  lock('pmd_lock', acq('spin', 'result', undefined, 'PMD lock')),
  lock('pud_lock', acq('spin', 'result', undefined, 'PUD lock')),
  lockedOrNull('pmd_trans_huge_lock', acq('spin', 'result', undefined, 'PMD lock')),
  // Before Linux 6.5 ("mm/pgtable: allow pte_offset_map[_lock]() to fail") these never returned NULL.
  { ...mapOrNull('pte_offset_map_lock', 1, acq('pte_map', 'family'), acq('spin', { arg: 3, pointee: true }, undefined, 'PTE lock')), failsOnlyWith: 'pteMapRcu' },
  mapOrNull('__pte_offset_map_lock', 1, acq('pte_map', 'family'), acq('spin', { arg: 3, pointee: true }, undefined, 'PTE lock')),
  // include/linux/mm.h: `(pte_alloc(mm, pmd) ? NULL : pte_offset_map_lock(mm, pmd, address, ptlp))`.
  mapOrNull('pte_alloc_map_lock', 1, acq('pte_map', 'family'), acq('spin', { arg: 3, pointee: true }, undefined, 'PTE lock')),
  // include/linux/hugetlb.h: `ptl = huge_pte_lockptr(h, mm, pte); spin_lock(ptl); return ptl;`.
  lock('huge_pte_lock', acq('spin', 'result', undefined, 'PMD lock')),
  lock('pte_unmap_unlock', rel('pte_map', 'family'), rel('spin', arg1, undefined, 'PTE lock')),
  { ...mapOrNull('pte_offset_map', 0, acq('pte_map', 'family')), failsOnlyWith: 'pteMapRcu' },
  mapOrNull('__pte_offset_map', 0, acq('pte_map', 'family')),
  mapOrNull('pte_offset_map_nolock', 1, acq('pte_map', 'family')),
  mapOrNull('pte_offset_map_ro_nolock', 1, acq('pte_map', 'family')),
  mapOrNull('pte_offset_map_rw_nolock', 1, acq('pte_map', 'family')),
  lock('pte_unmap', rel('pte_map', 'family')),
  // do_swap_page() unmaps vmf->pte, and on VM_FAULT_RETRY it has also dropped the mmap_lock
  // (mm/memory.c; the comment in __collapse_huge_page_swapin() says so).
  {
    name: 'do_swap_page',
    effects: [rel('pte_map', 'family')],
    outcomes: [
      { returns: { eq: 'VM_FAULT_RETRY' }, effects: [rel('mmap', 'family', 'read')] },
      { returns: { ne: 'VM_FAULT_RETRY' }, effects: [] },
    ],
  },

  // Generic spinlocks, rwlocks, mutexes, rw_semaphores
  ...spinVariants('spin_lock', 'spin_unlock'),
  ...spinVariants('spin_lock_irq', 'spin_unlock_irq'),
  ...spinVariants('spin_lock_bh', 'spin_unlock_bh'),
  ...spinVariants('spin_lock_irqsave', 'spin_unlock_irqrestore'),
  lock('spin_lock_nested', acq('spin', arg0)),
  lock('spin_lock_irqsave_nested', acq('spin', arg0)),
  ...spinVariants('raw_spin_lock', 'raw_spin_unlock'),
  lock('raw_spin_lock_nested', acq('spin', arg0)),
  ...spinVariants('raw_spin_lock_irq', 'raw_spin_unlock_irq'),
  ...spinVariants('raw_spin_lock_irqsave', 'raw_spin_unlock_irqrestore'),
  trylock('spin_trylock', acq('spin', arg0)),
  trylock('spin_trylock_irq', acq('spin', arg0)),
  trylock('spin_trylock_irqsave', acq('spin', arg0)),
  trylock('raw_spin_trylock', acq('spin', arg0)),
  lock('read_lock', acq('rwlock', arg0, 'read')),
  lock('read_lock_irq', acq('rwlock', arg0, 'read')),
  lock('read_unlock', rel('rwlock', arg0, 'read')),
  lock('read_unlock_irq', rel('rwlock', arg0, 'read')),
  lock('write_lock', acq('rwlock', arg0, 'write')),
  lock('write_lock_irq', acq('rwlock', arg0, 'write')),
  lock('write_lock_irqsave', acq('rwlock', arg0, 'write')),
  lock('write_unlock', rel('rwlock', arg0, 'write')),
  lock('write_unlock_irq', rel('rwlock', arg0, 'write')),
  lock('write_unlock_irqrestore', rel('rwlock', arg0, 'write')),
  lock('xas_lock', acq('xas', arg0)),
  lock('xas_unlock', rel('xas', arg0)),
  lock('xas_lock_irq', acq('xas', arg0)),
  lock('xas_unlock_irq', rel('xas', arg0)),
  lock('xas_lock_bh', acq('xas', arg0)),
  lock('xas_unlock_bh', rel('xas', arg0)),
  lock('mutex_lock', acq('mutex', arg0)),
  lock('mutex_lock_nested', acq('mutex', arg0)),
  lock('mutex_lock_io', acq('mutex', arg0)),
  lock('mutex_unlock', rel('mutex', arg0)),
  trylock('mutex_trylock', acq('mutex', arg0)),
  lockUnlessInterrupted('mutex_lock_interruptible', acq('mutex', arg0)),
  lockUnlessInterrupted('mutex_lock_killable', acq('mutex', arg0)),
  lock('down_read', acq('rwsem', arg0, 'read')),
  lock('down_read_nested', acq('rwsem', arg0, 'read')),
  lock('up_read', rel('rwsem', arg0, 'read')),
  lock('down_write', acq('rwsem', arg0, 'write')),
  lock('down_write_nested', acq('rwsem', arg0, 'write')),
  lock('up_write', rel('rwsem', arg0, 'write')),
  lock('downgrade_write', { op: 'downgrade', family: 'rwsem', key: arg0, mode: 'write' }),
  trylock('down_read_trylock', acq('rwsem', arg0, 'read')),
  trylock('down_write_trylock', acq('rwsem', arg0, 'write')),
  lockUnlessInterrupted('down_read_killable', acq('rwsem', arg0, 'read')),
  lockUnlessInterrupted('down_read_interruptible', acq('rwsem', arg0, 'read')),
  lockUnlessInterrupted('down_write_killable', acq('rwsem', arg0, 'write')),

  // Folio / page lock (PG_locked)
  lock('folio_lock', acq('folio', arg0)),
  lock('__folio_lock', acq('folio', arg0)),
  trylock('folio_trylock', acq('folio', arg0)),
  lockUnlessInterrupted('folio_lock_killable', acq('folio', arg0)),
  // include/linux/pagemap.h folio_lock_killable() calls it when the trylock fails: 0 when it locked.
  lockUnlessInterrupted('__folio_lock_killable', acq('folio', arg0)),
  lock('folio_unlock', rel('folio', arg0)),
  lock('lock_page', acq('folio', arg0)),
  trylock('trylock_page', acq('folio', arg0)),
  lock('unlock_page', rel('folio', arg0)),
  // include/linux/page-flags.h: PG_locked set and cleared non-atomically on a folio no one else can see yet
  // (a new folio before it enters the page cache: mm/filemap.c __filemap_add_folio()'s callers,
  // mm/hugetlb.c hugetlb_add_to_page_cache(), mm/khugepaged.c collapse_file()). A lock for its owner all the same.
  setLocked('__folio_set_locked', acq('folio', arg0)),
  lock('__folio_clear_locked', rel('folio', arg0)),
  setLocked('__SetPageLocked', acq('folio', arg0)),
  lock('__ClearPageLocked', rel('folio', arg0)),
  // include/linux/pagemap.h folio_lock_or_retry(): 6.1 takes (folio, mm, flags) and returns true when it
  // locked; 6.5 and later take (folio, vmf) and return 0 when locked, else VM_FAULT_RETRY (the mmap_lock
  // then dropped unless FAULT_FLAG_RETRY_NOWAIT, which the fault handlers' own callers tell by the result).
  { ...trylock('folio_lock_or_retry', acq('folio', arg0)), arity: 3 },
  { name: 'folio_lock_or_retry', arity: 2, outcomes: [{ returns: 'zero', effects: [acq('folio', arg0)] }, { returns: { eq: 'VM_FAULT_RETRY' }, effects: [] }] },
  lockedOrError('filemap_lock_folio', acq('folio', 'result')),
  lockedOrNull('find_lock_page', acq('folio', 'result')),
  lockUnlessInterrupted('shmem_get_folio', acq('folio', 'out-arg')),
  lockedOrError('filemap_lock_hugetlb_folio', acq('folio', 'result')),

  // Contracts of functions in other files: the caller's folio lock ends with the read they start. Their
  // completion unlocks it (mm/page_io.c swap_read_folio(), 6.1 swap_readpage(): folio_unlock() at once for
  // a zero-filled or zswap folio, else from the bio's end_io), so the caller locks it again to use it
  // (mm/memory.c do_swap_page(): folio_lock_or_retry()).
  lock('swap_read_folio', rel('folio', arg0)),
  lock('swap_readpage', rel('folio', arg0)),
  // mm/filemap.c migration_entry_wait_on_locked(): "should be called while holding the ptl for the migration
  // entry referencing the folio ... Returns after unlocking the ptl" (6.1: (entry, ptep, ptl), which also
  // unmaps ptep when it is given; from 6.5: (entry, ptl)).
  { ...lock('migration_entry_wait_on_locked', rel('spin', { arg: 1 })), arity: 2 },
  { ...lock('migration_entry_wait_on_locked', rel('spin', { arg: 2 })), arity: 3 },

  // Ownership hand-off: an object put on a list keeps its lock for whoever empties the list
  // (collapse_file() unlocks its pagelist at the end).
  lock('list_add', handOff(arg0)),
  lock('list_add_tail', handOff(arg0)),
  lock('list_move', handOff(arg0)),
  lock('list_move_tail', handOff(arg0)),

  // sparse's context markers (include/linux/compiler_types.h): a path that takes one lock where others take
  // two says so, so that the pair still balances. double_pt_lock() in mm/userfaultfd.c, when both PTE locks
  // are one, takes it once and marks the second name taken. The markers mostly name spinlocks.
  lock('__acquire', { ...acq('spin', arg0), marker: true }),
  lock('__release', { ...rel('spin', arg0), marker: true }),

  // Assertions that a lock is held: include/linux/lockdep.h, include/linux/mmap_lock.h, include/linux/fs.h
  // (i_mmap_assert_*), include/linux/spinlock.h. vma_assert_locked() accepts the VMA read lock, its write
  // lock or the mmap_lock: it names no one lock, and is not here.
  lock('lockdep_assert_held', asserts('spin', arg0, undefined, true)),
  lock('lockdep_assert_held_once', asserts('spin', arg0, undefined, true)),
  lock('lockdep_assert_held_write', asserts('spin', arg0, 'write', true)),
  lock('lockdep_assert_held_read', asserts('spin', arg0, 'read', true)),
  lock('assert_spin_locked', asserts('spin', arg0)),
  lock('mmap_assert_locked', asserts('mmap', 'family')),
  lock('mmap_assert_write_locked', asserts('mmap', 'family', 'write')),
  lock('vma_assert_write_locked', asserts('vma', arg0, 'write')),
  lock('i_mmap_assert_locked', asserts('i_mmap', arg0)),
  lock('i_mmap_assert_write_locked', asserts('i_mmap', arg0, 'write')),

  // RCU, IRQ-off, MMU notifier ranges
  lock('rcu_read_lock', acq('rcu', 'family')),
  lock('rcu_read_unlock', rel('rcu', 'family')),
  lock('local_irq_disable', acq('irq', 'family')),
  lock('local_irq_enable', rel('irq', 'family')),
  lock('local_irq_save', acq('irq', 'family')),
  lock('local_irq_restore', rel('irq', 'family')),
  lock('mmu_notifier_invalidate_range_start', acq('mmu_notifier', arg0)),
  lockUnlessInterrupted('mmu_notifier_invalidate_range_start_nonblock', acq('mmu_notifier', arg0)),
  lock('mmu_notifier_invalidate_range_end', rel('mmu_notifier', arg0)),
  // Up to 6.5: the end that skips ->invalidate_range(), for callers that already flushed through it.
  lock('mmu_notifier_invalidate_range_only_end', rel('mmu_notifier', arg0)),
  { name: 'mmu_notifier_range_init', initializes: { arg: 0, field: 'start', truth: true } },
];

/**
 * cleanup.h guard classes (DEFINE_GUARD / DEFINE_LOCK_GUARD_*): `guard(spinlock)(&l)` takes the lock like
 * spin_lock(&l) and releases it like spin_unlock(&l) when the scope ends.
 */
export const GUARD_CLASSES: Record<string, { acquire: string; release: string }> = {
  spinlock: { acquire: 'spin_lock', release: 'spin_unlock' },
  spinlock_irq: { acquire: 'spin_lock_irq', release: 'spin_unlock_irq' },
  spinlock_irqsave: { acquire: 'spin_lock_irqsave', release: 'spin_unlock_irqrestore' },
  spinlock_bh: { acquire: 'spin_lock_bh', release: 'spin_unlock_bh' },
  raw_spinlock: { acquire: 'raw_spin_lock', release: 'raw_spin_unlock' },
  raw_spinlock_irq: { acquire: 'raw_spin_lock_irq', release: 'raw_spin_unlock_irq' },
  raw_spinlock_irqsave: { acquire: 'raw_spin_lock_irqsave', release: 'raw_spin_unlock_irqrestore' },
  mutex: { acquire: 'mutex_lock', release: 'mutex_unlock' },
  rwsem_read: { acquire: 'down_read', release: 'up_read' },
  rwsem_write: { acquire: 'down_write', release: 'up_write' },
  read_lock: { acquire: 'read_lock', release: 'read_unlock' },
  write_lock: { acquire: 'write_lock', release: 'write_unlock' },
  rcu: { acquire: 'rcu_read_lock', release: 'rcu_read_unlock' },
  irq: { acquire: 'local_irq_disable', release: 'local_irq_enable' },
  irqsave: { acquire: 'local_irq_save', release: 'local_irq_restore' },
  mmap_read_lock: { acquire: 'mmap_read_lock', release: 'mmap_read_unlock' },
  mmap_write_lock: { acquire: 'mmap_write_lock', release: 'mmap_write_unlock' },
  i_mmap_read_lock: { acquire: 'i_mmap_lock_read', release: 'i_mmap_unlock_read' },
  anon_vma_write: { acquire: 'anon_vma_lock_write', release: 'anon_vma_unlock_write' },
};

/**
 * Calls that test whether a lock is held (include/linux/page-flags.h, rwsem.h, spinlock.h, mutex.h,
 * lockdep.h). `VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)` states that the folio is locked there: when
 * this function did not lock it, its caller did.
 */
export const LOCK_TESTS = new Map<string, { family: LockFamily; anyFamily?: boolean }>([
  ['folio_test_locked', { family: 'folio' }],
  ['PageLocked', { family: 'folio' }],
  ['rwsem_is_locked', { family: 'rwsem', anyFamily: true }],
  ['spin_is_locked', { family: 'spin' }],
  ['mutex_is_locked', { family: 'mutex' }],
  ['lockdep_is_held', { family: 'spin', anyFamily: true }],
]);

/**
 * Lock fields of the kernel's objects, and the family of the calls that take them: `&mm->mmap_lock` is
 * what mmap_read_lock(mm) takes (include/linux/mmap_lock.h), `&mapping->i_mmap_rwsem` what
 * i_mmap_lock_write(mapping) takes (include/linux/fs.h), `&anon_vma->root->rwsem` what
 * anon_vma_lock_write(anon_vma) takes (include/linux/rmap.h). The identity is the owning object's.
 */
export const LOCK_FIELDS: { field: string; family: LockFamily }[] = [
  { field: '->mmap_lock', family: 'mmap' },
  { field: '->i_mmap_rwsem', family: 'i_mmap' },
  { field: '->root->rwsem', family: 'anon_vma' },
];

/** The family and identity of a lock named by its field (`mm->mmap_lock` → the mmap_lock), if it is one of LOCK_FIELDS. */
export function lockOfField(identity: string): { family: LockFamily; identity: string } | undefined {
  for (const { field, family } of LOCK_FIELDS) {
    if (identity.endsWith(field) && identity.length > field.length) {
      return { family, identity: FAMILIES[family].singleton ? family : identity.slice(0, -field.length) };
    }
  }
  return undefined;
}

/**
 * Warnings that state what holds (include/linux/mmdebug.h, asm-generic/bug.h). Written as a statement, one
 * reads like BUG_ON: the path on which it fires is a kernel bug that the warning itself reports, and what the
 * checker would find there rests on it (mm/z3fold.c asserts `WARN_ON(z3fold_page_trylock(zhdr))`: the
 * caller holds the lock, the trylock fails). Used as a condition (`if (WARN_ON_ONCE(x)) return -EINVAL;`),
 * its value is the condition's and both branches stay.
 */
export const WARN_MACROS = new Set([
  'WARN_ON', 'WARN_ON_ONCE', 'VM_WARN_ON', 'VM_WARN_ON_ONCE', 'VM_WARN_ON_FOLIO', 'VM_WARN_ON_ONCE_FOLIO',
  'VM_WARN_ON_ONCE_PAGE', 'VM_WARN_ON_VMA', 'VM_WARN_ON_ONCE_VMA', 'VM_WARN_ON_ONCE_MM',
]);

/**
 * Calls whose value is known whatever their arguments: an error pointer (include/linux/err.h), which
 * IS_ERR() tells from a valid one. mm/userfaultfd.c uffd_mfill_lock() returns its VMA locked, or
 * `dst_vma = ERR_PTR(-ENOENT)` after unlocking: its callers can tell the two.
 */
export const CALL_VALUES = new Map<string, { eq?: string; ne?: string[]; truth?: boolean }>([
  ['ERR_PTR', { eq: 'ERR_PTR', truth: true }],
  ['ERR_CAST', { eq: 'ERR_PTR', truth: true }],
]);

/**
 * Result flags that tell the caller what happened to a lock (include/linux/mm_types.h, enum vm_fault_reason):
 * a fault handler that returns VM_FAULT_LOCKED hands the folio back locked; VM_FAULT_RETRY and
 * VM_FAULT_COMPLETED say the mmap_lock (or the per-VMA lock) was released. A result that carries the flag is
 * how a function passes the lock on, not a leak; one that says "released" tells callers that they no longer hold it.
 */
export const RESULT_FLAGS: ReadonlyMap<string, { families: readonly LockFamily[]; lock: 'held' | 'released' }> = new Map([
  ['VM_FAULT_LOCKED', { families: ['folio'], lock: 'held' }],
  ['VM_FAULT_RETRY', { families: ['mmap', 'vma_read'], lock: 'released' }],
  ['VM_FAULT_COMPLETED', { families: ['mmap', 'vma_read'], lock: 'released' }],
] as const);

/** Masks the kernel defines as an OR of flags (include/linux/mm_types.h), read as those flags in a test. */
export const FLAG_MASKS: ReadonlyMap<string, readonly string[]> = new Map([
  ['VM_FAULT_ERROR', ['VM_FAULT_OOM', 'VM_FAULT_SIGBUS', 'VM_FAULT_SIGSEGV', 'VM_FAULT_HWPOISON', 'VM_FAULT_HWPOISON_LARGE', 'VM_FAULT_FALLBACK']],
]);

/** A named flag bit of a kernel result (one of the tables above): never zero. */
export function isFlagBit(name: string): boolean {
  return RESULT_FLAGS.has(name) || [...FLAG_MASKS.values()].some((flags) => flags.includes(name));
}

/** The value carries a result flag that says the lock of `family` is `lock` (held by the caller now, or released). */
export function resultSays(v: { eq?: string; bits?: string[] }, family: LockFamily, lock: 'held' | 'released'): boolean {
  return [...RESULT_FLAGS].some(([flag, r]) => r.lock === lock && r.families.includes(family) && (v.eq === flag || (v.bits?.includes(flag) ?? false)));
}

/**
 * Tests of a property that does not change under the path's feet: the type of a VMA, and the folio flags
 * that change only under the folio lock or never (anon, KSM, large, hugetlb, swap cache). Tested twice on one
 * path with the same arguments, nothing assigned to them in between, they answer the same: mm/vmscan.c
 * __remove_mapping() takes the inode's i_lock `if (!folio_test_swapcache(folio))` and drops it in the other
 * branch of `if (folio_test_swapcache(folio))`. Dirty, writeback, LRU, referenced… change concurrently, and
 * code tests them again on purpose (mm/khugepaged.c collapse_file() re-checks folio_test_dirty() under the
 * xarray lock): those are none of these.
 */
export const PURE_TESTS = /^(folio_test_(anon|ksm|large|hugetlb|swapcache|swapbacked|pmd_mappable)|Page(Anon|Ksm|Compound|Head|Huge|TransHuge|SwapCache|SwapBacked)|vma_is_\w+|is_vm_hugetlb_page|userfaultfd_armed)$/;

/** Tests of a returned pointer: `IS_ERR(folio)` is true exactly for an error-pointer outcome. */
export const POINTER_TESTS: Record<string, (v: { eq?: string; ne?: string[]; truth?: boolean }) => boolean | undefined> = {
  IS_ERR: (v) => (v.eq === 'ERR_PTR' ? true : v.ne?.includes('ERR_PTR') || v.truth === false ? false : undefined),
  IS_ERR_OR_NULL: (v) => (v.eq === 'ERR_PTR' || v.truth === false ? true : v.ne?.includes('ERR_PTR') && v.ne.includes('0') ? false : undefined),
};

/**
 * Calls that return another name for the same lockable object: a page of a folio, or a page's folio. The
 * folio lock is the head page's PG_locked, so `page = folio_file_page(folio, index)` followed by
 * `unlock_page(page)` releases the lock shmem_get_folio() took on `folio` (collapse_file() in 6.1).
 */
export const ALIAS_CALLS = new Set(['folio_file_page', 'folio_page', 'page_folio', 'compound_head', 'folio_head_page']);

/**
 * Calls that give a pointer to a page-table lock of an mm: returned, or stored through an argument. With
 * split page-table locks off (mm/Kconfig SPLIT_PTE_PTLOCKS: SMP and NR_CPUS >= 4 only; include/linux/mm.h
 * pte_lockptr()/pmd_lockptr() then return &mm->page_table_lock, and pud_lockptr() always does), any two of
 * the same mm may be one lock (rule PTL-PML-ALIAS). `mm` is the argument naming the mm, with the field
 * that reaches it from a VMA where the call takes one.
 */
export const PAGE_TABLE_LOCK_POINTERS = new Map<string, { level: 'PUD' | 'PMD' | 'PTE'; pointer: 'result' | { arg: number }; mm: { arg: number; field?: string } }>([
  ['pud_lock', { level: 'PUD', pointer: 'result', mm: { arg: 0 } }],
  ['pud_lockptr', { level: 'PUD', pointer: 'result', mm: { arg: 0 } }],
  ['pmd_lock', { level: 'PMD', pointer: 'result', mm: { arg: 0 } }],
  ['pmd_lockptr', { level: 'PMD', pointer: 'result', mm: { arg: 0 } }],
  ['pmd_trans_huge_lock', { level: 'PMD', pointer: 'result', mm: { arg: 1, field: 'vm_mm' } }],
  ['huge_pte_lock', { level: 'PMD', pointer: 'result', mm: { arg: 1 } }],
  ['huge_pte_lockptr', { level: 'PMD', pointer: 'result', mm: { arg: 1 } }],
  ['pte_lockptr', { level: 'PTE', pointer: 'result', mm: { arg: 0 } }],
  ['pte_offset_map_lock', { level: 'PTE', pointer: { arg: 3 }, mm: { arg: 0 } }],
  ['pte_alloc_map_lock', { level: 'PTE', pointer: { arg: 3 }, mm: { arg: 0 } }],
  ['__pte_offset_map_lock', { level: 'PTE', pointer: { arg: 3 }, mm: { arg: 0 } }],
  ['pte_offset_map_nolock', { level: 'PTE', pointer: { arg: 3 }, mm: { arg: 0 } }],
  ['pte_offset_map_ro_nolock', { level: 'PTE', pointer: { arg: 3 }, mm: { arg: 0 } }],
  ['pte_offset_map_rw_nolock', { level: 'PTE', pointer: { arg: 4 }, mm: { arg: 0 } }],
]);

/** Calls that change what a PMD entry points to: a path that made one can no longer rely on its table. */
export const PMD_CHANGING_CALLS = new Set([
  'pmdp_collapse_flush', 'pmd_clear', 'pmdp_huge_clear_flush', 'pmdp_huge_get_and_clear', 'pmdp_invalidate',
  'set_pmd_at', 'pmd_populate', 'pmdp_get_and_clear', 'collapse_and_free_pmd',
]);

/**
 * How to release what an acquiring call took, for the "add the missing unlock" quick fix: the release
 * function and which arguments of the acquiring call it takes. Only pairs where that is all it needs.
 */
export const RELEASE_OF: Record<string, { release: string; args: number[] }> = {
  spin_lock: { release: 'spin_unlock', args: [0] },
  spin_lock_nested: { release: 'spin_unlock', args: [0] },
  spin_lock_irq: { release: 'spin_unlock_irq', args: [0] },
  spin_lock_bh: { release: 'spin_unlock_bh', args: [0] },
  spin_lock_irqsave: { release: 'spin_unlock_irqrestore', args: [0, 1] },
  raw_spin_lock: { release: 'raw_spin_unlock', args: [0] },
  mutex_lock: { release: 'mutex_unlock', args: [0] },
  down_read: { release: 'up_read', args: [0] },
  down_write: { release: 'up_write', args: [0] },
  mmap_read_lock: { release: 'mmap_read_unlock', args: [0] },
  mmap_read_trylock: { release: 'mmap_read_unlock', args: [0] },
  mmap_write_lock: { release: 'mmap_write_unlock', args: [0] },
  mmap_write_trylock: { release: 'mmap_write_unlock', args: [0] },
  anon_vma_lock_write: { release: 'anon_vma_unlock_write', args: [0] },
  anon_vma_lock_read: { release: 'anon_vma_unlock_read', args: [0] },
  i_mmap_lock_write: { release: 'i_mmap_unlock_write', args: [0] },
  i_mmap_lock_read: { release: 'i_mmap_unlock_read', args: [0] },
  folio_lock: { release: 'folio_unlock', args: [0] },
  folio_trylock: { release: 'folio_unlock', args: [0] },
  mmu_notifier_invalidate_range_start: { release: 'mmu_notifier_invalidate_range_end', args: [0] },
  rcu_read_lock: { release: 'rcu_read_unlock', args: [] },
  xas_lock_irq: { release: 'xas_unlock_irq', args: [0] },
};

/** Calls that never return (a path through them ends without reaching a return). */
export const NORETURN_FUNCTIONS = new Set([
  'BUG', 'panic', 'do_exit', 'kthread_exit', 'make_task_dead', '__builtin_unreachable', 'unreachable',
  'BUILD_BUG',
]);

/**
 * Assertions whose first argument is a condition that stops the kernel when true: `BUG_ON(mmap_locked)`
 * means the paths that continue have `!mmap_locked`. (VM_BUG_ON* compile away without CONFIG_DEBUG_VM,
 * but they state what the author knows to hold.)
 */
export const BUG_ON_MACROS = new Set([
  'BUG_ON', 'VM_BUG_ON', 'VM_BUG_ON_PAGE', 'VM_BUG_ON_FOLIO', 'VM_BUG_ON_VMA', 'VM_BUG_ON_MM',
]);

/** Function annotations from include/linux/compiler_types.h (sparse context annotations). */
export const ANNOTATIONS = {
  mustHold: '__must_hold',
  acquires: '__acquires',
  releases: '__releases',
  condAcquires: '__cond_acquires',
} as const;

const BY_NAME = new Map<string, ApiRow[]>();
for (const row of LOCK_API) BY_NAME.set(row.name, [...(BY_NAME.get(row.name) ?? []), row]);

/** The row of a call; with its argument count, the row of that signature where the kernel changed it. */
export function apiRow(name: string, argc?: number): ApiRow | undefined {
  const rows = BY_NAME.get(name);
  if (!rows) return undefined;
  return rows.find((r) => r.arity === argc) ?? rows.find((r) => r.arity === undefined) ?? (argc === undefined ? rows[0] : undefined);
}

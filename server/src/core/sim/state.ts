// The model state: one PMD slot, the PTE tables that can hang off it, the folios they map, the locks, and per
// thread (= per CPU) registers and TLB entries. Everything is a small integer in one Int32Array so that a state
// is cheap to copy, compare and hash (state-store.ts).
//
// Fixed objects (PROTOCOL.md §1): the mm (mmap_lock), the VMA (alive flag, per-VMA write lock), the anon_vma
// rwsem, the i_mmap rwsem, the pml (PMD spinlock) and the ptl (PTE spinlock; one lock object for every table —
// split ptlocks on, so pml and ptl are different locks; the PTL-PML-ALIAS case is not modelled).
//
// Scenario size: `ptes` PTEs per table (2–4). Folios 0..ptes-1 are the "old" small folios, mapped by PTE i of the
// original table T0 at the start. Every thread t also owns one private folio (`ownFolio`: the collapse thread's
// new huge folio, a fault's freshly allocated page) and one private table (`ownTable`: a fault's new PTE table).

export enum Lock {
  MmapRead = 1 << 0,
  MmapWrite = 1 << 1,
  VmaRead = 1 << 2,
  AnonRead = 1 << 3,
  AnonWrite = 1 << 4,
  IMmapRead = 1 << 5,
  IMmapWrite = 1 << 6,
  Pml = 1 << 7,
  Ptl = 1 << 8,
  /** A PTE table is mapped (pte_offset_map*): an RCU read section. */
  Rcu = 1 << 9,
  /** Local interrupts disabled (GUP-fast). Delays IPIs, so tlb_remove_table_sync_one waits for it. */
  IrqOff = 1 << 10,
  /** Inside mmu_notifier_invalidate_range_start/end. */
  Notifier = 1 << 11,
}

/** Locks under which a page-table walk may start (PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS). */
export const WALKER_LOCKS = Lock.MmapRead | Lock.MmapWrite | Lock.VmaRead | Lock.AnonRead | Lock.AnonWrite |
  Lock.IMmapRead | Lock.IMmapWrite;
export const RMAP_LOCKS = Lock.AnonRead | Lock.AnonWrite | Lock.IMmapRead | Lock.IMmapWrite;
/** Holding any of these makes the context atomic: sleeping is forbidden (NO-SLEEP-IN-ATOMIC). */
export const ATOMIC_CONTEXT = Lock.Pml | Lock.Ptl | Lock.Rcu | Lock.IrqOff;

export const LOCK_NAMES: [Lock, string][] = [
  [Lock.MmapRead, 'M:R'], [Lock.MmapWrite, 'M:W'], [Lock.VmaRead, 'Vr'], [Lock.AnonRead, 'A:R'],
  [Lock.AnonWrite, 'A:W'], [Lock.IMmapRead, 'I:R'], [Lock.IMmapWrite, 'I:W'], [Lock.Pml, 'pml'], [Lock.Ptl, 'ptl'],
  [Lock.Rcu, 'RCU(pte mapped)'], [Lock.IrqOff, 'IRQ-off'], [Lock.Notifier, 'notifier range'],
];

// PMD entry encoding: 0 = none, 1 + t = table(t), HUGE + f = huge(folio f).
export const PMD_NONE = 0;
export const HUGE = 100;
export const pmdTable = (t: number): number => 1 + t;
export const pmdHuge = (f: number): number => HUGE + f;
export const pmdIsTable = (v: number): boolean => v > 0 && v < HUGE;
export const pmdIsHuge = (v: number): boolean => v >= HUGE;
export const pmdTableId = (v: number): number => v - 1;
export const pmdFolio = (v: number): number => v - HUGE;

// PTE encoding: 0 = none, 1 + f = present(folio f), SWAP + f = swap entry of folio f (reclaim unmapped it).
export const PTE_NONE = 0;
export const SWAP = 100;
export const ptePresent = (f: number): number => 1 + f;
export const pteSwap = (f: number): number => SWAP + f;
export const pteIsPresent = (v: number): boolean => v > 0 && v < SWAP;
export const pteFolio = (v: number): number => (v >= SWAP ? v - SWAP : v - 1);

export enum TableState {
  Unused = 0,
  /** The PMD points to it. */
  Attached = 1,
  /** Hidden: the PMD was cleared by `hider`, who still uses the table through a saved PMD value. */
  Detached = 2,
  /** Kept on the PMD's deposit list under a huge PMD (not walkable; some architectures store other data in it). */
  Deposited = 3,
  /** Freed through RCU (pte_free_defer / mmu_gather): safe for lockless walkers that are still in it. */
  RcuFreed = 4,
  /** Freed and reusable. */
  Freed = 5,
  /** Moved to another PMD by mremap: a live table, but no longer at our address. */
  Moved = 6,
}
export const TABLE_STATE_NAMES = ['unused', 'attached', 'detached', 'deposited', 'rcu-freed', 'freed', 'moved'];

/** Data facts about a folio. Whether it is freed is not a flag: every folio starts allocated and is freed exactly
 * when its refcount drops to zero. */
export enum FolioFlag {
  /** Its contents were copied into a new folio by a collapse: later writes to it are lost. */
  Copied = 1,
  /** A collapse verified its refcount (is_refcount_suitable) and still relies on it. */
  RefChecked = 2,
  /** …and at that time the folio's table was already hidden (PMD cleared and TLB flushed). */
  CheckedUnreachable = 4,
  Uptodate = 8,
}

/** Encoding of the thread's last op outcome (program.ts `Outcome`). */
export enum OutcomeCode {
  None = 0,
  Succeeded = 1,
  Failed = 2,
}

/** Thread program counter values besides node indexes. */
export const PC_DONE = -1;
/** The thread's path became infeasible (every `assume` failed): it is dropped, not counted as blocked. */
export const PC_DEAD = -2;

/** Where each field lives in the state array; computed once per scenario. */
export class Layout {
  readonly pmd = 0;
  readonly vmaAlive = 1;
  readonly vmaWriteLocked = 2;
  readonly tableBase = 3;
  readonly tableStride: number;
  readonly folioBase: number;
  readonly folioStride = 5;
  readonly threadBase: number;
  readonly threadStride: number;
  readonly size: number;
  readonly tables: number;
  readonly folios: number;

  constructor(readonly ptes: number, readonly threads: number) {
    this.tables = 1 + threads;
    this.folios = ptes + threads;
    this.tableStride = 2 + ptes;
    this.folioBase = this.tableBase + this.tables * this.tableStride;
    this.threadBase = this.folioBase + this.folios * this.folioStride;
    this.threadStride = 8 + ptes;
    this.size = this.threadBase + threads * this.threadStride;
  }

  ownFolio(thread: number): number { return this.ptes + thread; }
  ownTable(thread: number): number { return 1 + thread; }

  tableState(t: number): number { return this.tableBase + t * this.tableStride; }
  tableHider(t: number): number { return this.tableBase + t * this.tableStride + 1; }
  pte(t: number, i: number): number { return this.tableBase + t * this.tableStride + 2 + i; }

  folioRef(f: number): number { return this.folioBase + f * this.folioStride; }
  folioMap(f: number): number { return this.folioBase + f * this.folioStride + 1; }
  folioLockedBy(f: number): number { return this.folioBase + f * this.folioStride + 2; }
  folioIsolatedBy(f: number): number { return this.folioBase + f * this.folioStride + 3; }
  folioFlags(f: number): number { return this.folioBase + f * this.folioStride + 4; }

  pc(th: number): number { return this.threadBase + th * this.threadStride; }
  held(th: number): number { return this.threadBase + th * this.threadStride + 1; }
  /** The PMD value this thread read or cleared (the kernel's local `_pmd` / `pmd` copy). */
  savedPmd(th: number): number { return this.threadBase + th * this.threadStride + 2; }
  /** 1 + the table this thread has mapped (pte_offset_map*), or 0. */
  mapped(th: number): number { return this.threadBase + th * this.threadStride + 3; }
  /** The PTE value read locklessly (GUP-fast). */
  pteSeen(th: number): number { return this.threadBase + th * this.threadStride + 4; }
  /** 1 + the folio this thread holds a reference on (GUP), or 0. */
  refFolio(th: number): number { return this.threadBase + th * this.threadStride + 5; }
  /** 1 when that reference was taken after a collapse had checked the folio's refcount. */
  refLate(th: number): number { return this.threadBase + th * this.threadStride + 6; }
  outcome(th: number): number { return this.threadBase + th * this.threadStride + 7; }
  /** 1 + the folio this CPU's TLB translates PTE i to, or 0. */
  tlb(th: number, i: number): number { return this.threadBase + th * this.threadStride + 8 + i; }
}

export type State = Int32Array;

export interface InitialStateOptions {
  /** Threads whose CPU starts with a TLB entry for PTE `pte` (a user thread that touched the page recently). */
  tlbLoaded: number[];
  pte: number;
}

export function initialState(layout: Layout, entryPcs: number[], options: InitialStateOptions): State {
  const s = new Int32Array(layout.size);
  s[layout.pmd] = pmdTable(0);
  s[layout.vmaAlive] = 1;
  s[layout.tableState(0)] = TableState.Attached;
  for (let i = 0; i < layout.ptes; i++) {
    s[layout.pte(0, i)] = ptePresent(i);
    s[layout.folioRef(i)] = 1;
    s[layout.folioMap(i)] = 1;
    s[layout.folioFlags(i)] = FolioFlag.Uptodate;
  }
  for (let t = 0; t < layout.threads; t++) {
    s[layout.folioRef(layout.ownFolio(t))] = 1; // allocated (alloc_charge_folio ran before C3), not yet mapped
    s[layout.pc(t)] = entryPcs[t];
  }
  for (const t of options.tlbLoaded) s[layout.tlb(t, options.pte)] = ptePresent(options.pte);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Readable summaries for traces.

export interface StateSummary {
  /** Per thread: the locks and sections it holds, e.g. { collapse_huge_page: ['M:W', 'V', 'A:W'] }. */
  locks: Record<string, string[]>;
  pmd: string;
  /** Tables in use, e.g. 'T0 detached(hidden by collapse_huge_page) [A, B]'. */
  tables: string[];
  /** Per CPU with cached translations: 'pte0→A'. */
  tlb: Record<string, string[]>;
  /** Folios in use, e.g. 'A ref=2 map=1 locked(collapse) isolated(collapse) copied'. */
  folios: string[];
}

export function folioName(layout: Layout, f: number, threadNames: string[]): string {
  if (f < layout.ptes) return String.fromCharCode(65 + f);
  return `new(${threadNames[f - layout.ptes]})`;
}

export function tableName(t: number, threadNames: string[]): string {
  return t === 0 ? 'T0' : `T(${threadNames[t - 1]})`;
}

export function describePmd(layout: Layout, v: number, threadNames: string[]): string {
  if (v === PMD_NONE) return 'none';
  if (pmdIsHuge(v)) return `huge(${folioName(layout, pmdFolio(v), threadNames)})`;
  return `table(${tableName(pmdTableId(v), threadNames)})`;
}

export function describePte(layout: Layout, v: number, threadNames: string[]): string {
  if (v === PTE_NONE) return 'none';
  const f = folioName(layout, pteFolio(v), threadNames);
  return v >= SWAP ? `swap(${f})` : f;
}

export function lockNames(held: number): string[] {
  return LOCK_NAMES.filter(([bit]) => held & bit).map(([, name]) => name);
}

export function summarizeState(layout: Layout, s: State, threadNames: string[]): StateSummary {
  const who = (v: number) => threadNames[v - 1];
  const locks: Record<string, string[]> = {};
  const tlb: Record<string, string[]> = {};
  for (let t = 0; t < layout.threads; t++) {
    const held = lockNames(s[layout.held(t)]);
    if (s[layout.vmaWriteLocked] && s[layout.held(t)] & Lock.MmapWrite) held.splice(held.indexOf('M:W') + 1, 0, 'V');
    for (let f = 0; f < layout.folios; f++) {
      if (s[layout.folioLockedBy(f)] === t + 1) held.push(`F(${folioName(layout, f, threadNames)})`);
    }
    if (held.length) locks[threadNames[t]] = held;
    const entries: string[] = [];
    for (let i = 0; i < layout.ptes; i++) {
      const e = s[layout.tlb(t, i)];
      if (e) entries.push(`pte${i}→${folioName(layout, e - 1, threadNames)}`);
    }
    if (entries.length) tlb[threadNames[t]] = entries;
  }
  const tables: string[] = [];
  for (let t = 0; t < layout.tables; t++) {
    const st = s[layout.tableState(t)];
    if (st === TableState.Unused) continue;
    const hider = st === TableState.Detached ? `(hidden by ${who(s[layout.tableHider(t)])})` : '';
    const ptes: string[] = [];
    for (let i = 0; i < layout.ptes; i++) ptes.push(describePte(layout, s[layout.pte(t, i)], threadNames));
    tables.push(`${tableName(t, threadNames)} ${TABLE_STATE_NAMES[st]}${hider} [${ptes.join(', ')}]`);
  }
  const folios: string[] = [];
  for (let f = 0; f < layout.folios; f++) {
    const flags = s[layout.folioFlags(f)];
    const ref = s[layout.folioRef(f)];
    const map = s[layout.folioMap(f)];
    const isOwn = f >= layout.ptes;
    if (isOwn && map === 0 && ref === 1 && !(flags & FolioFlag.Uptodate)) continue; // still private and unused
    const parts = [`${folioName(layout, f, threadNames)} ref=${ref} map=${map}`];
    if (s[layout.folioLockedBy(f)]) parts.push(`locked(${who(s[layout.folioLockedBy(f)])})`);
    if (s[layout.folioIsolatedBy(f)]) parts.push(`isolated(${who(s[layout.folioIsolatedBy(f)])})`);
    if (flags & FolioFlag.Copied) parts.push('copied');
    if (flags & FolioFlag.RefChecked) parts.push('refcount-checked');
    if (ref === 0) parts.push('FREED');
    folios.push(parts.join(' '));
  }
  const vma = s[layout.vmaAlive] ? '' : ' (VMA gone)';
  return { locks, pmd: describePmd(layout, s[layout.pmd], threadNames) + vma, tables, tlb, folios };
}

export function formatSummary(summary: StateSummary): string {
  const locks = Object.entries(summary.locks).map(([t, l]) => `${t}{${l.join(',')}}`).join(' ') || 'none';
  const tlb = Object.entries(summary.tlb).map(([t, e]) => `${t}:${e.join(',')}`).join(' ') || 'empty';
  return `locks ${locks}; PMD ${summary.pmd}; ${summary.tables.join('; ')}; TLB ${tlb}; ${summary.folios.join('; ')}`;
}

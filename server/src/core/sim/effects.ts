// Primitive effects on the model state. An op of the API table (ops.ts) is a short list of these primitives; the
// simulator interprets them here and the Promela export (promela.ts) translates the same primitives, so both tools
// run the same op table. Each primitive has a guard (which threads it waits for), an effect (which may report a
// protocol violation), and a footprint (which parts of the state it reads and writes; the search uses footprints
// to decide which steps can run without interleaving, see search.ts).

import { heldWalkerLocks, hiddenTableRule, lostWriteRule, RuleId, staleTableRule, TableUser, WritePath } from './rules';
import {
  FolioFlag, Layout, Lock, lockNames, OutcomeCode, PMD_NONE, pmdFolio, pmdHuge, pmdIsHuge, pmdIsTable, pmdTable,
  pmdTableId, PTE_NONE, pteFolio, pteIsPresent, ptePresent, pteSwap, State, TABLE_STATE_NAMES, TableState,
} from './state';

export type LockObject = 'mmap' | 'anon' | 'immap' | 'pml' | 'ptl';
export type LockMode = 'R' | 'W';

export type Prim =
  | { k: 'lock'; lock: LockObject; mode: LockMode }
  | { k: 'unlock'; lock: LockObject; mode: LockMode }
  | { k: 'trylock'; lock: LockObject; mode: LockMode }
  | { k: 'mmapDowngrade' }
  | { k: 'vmaEndWriteAll' }
  | { k: 'vmaStartWrite' }
  | { k: 'vmaTryRead' }
  | { k: 'vmaEndRead' }
  | { k: 'irqOff' }
  | { k: 'irqOn' }
  | { k: 'waitForIrqOffSections' }
  | { k: 'notifierStart' }
  | { k: 'notifierEnd' }
  | { k: 'noTableHiddenByMe'; rule: RuleId }
  | { k: 'revalidateVma' }
  | { k: 'checkPmdIsTable' }
  | { k: 'readPmd' }
  | { k: 'collapseFlush' }
  | { k: 'flushTlb' }
  | { k: 'mapTable'; source: 'live' | 'saved'; lock: boolean }
  | { k: 'unmapTable'; unlock: boolean }
  | { k: 'isolateFolios' }
  | { k: 'copySucceeded' }
  | { k: 'copyFailed' }
  | { k: 'markCopied' }
  | { k: 'clearPtes' }
  | { k: 'markUptodate' }
  | { k: 'deposit' }
  | { k: 'setPmdHuge' }
  | { k: 'populatePmd' }
  | { k: 'setPtes' }
  | { k: 'putOwnFolio' }
  | { k: 'readPte' }
  | { k: 'grabRef' }
  | { k: 'gupRecheck' }
  | { k: 'putRef' }
  | { k: 'pinWrite' }
  | { k: 'followPte' }
  | { k: 'faultPte' }
  | { k: 'pteAlloc' }
  | { k: 'zapHugePmd' }
  | { k: 'zapPtes' }
  | { k: 'tryClearPmd' }
  | { k: 'unmapVmas' }
  | { k: 'freePgtables' }
  | { k: 'vmaGone' }
  | { k: 'movePmd' }
  | { k: 'tryToUnmapOne' }
  | { k: 'folioIsolate' }
  | { k: 'folioPutback' }
  | { k: 'folioTrylock' }
  | { k: 'folioLock' }
  | { k: 'folioUnlock' }
  | { k: 'cpuStore' };

export type PrimKind = Prim['k'];

/** Parts of the state, as bits, for footprints. */
export enum Part {
  Mmap = 1 << 0,
  VmaLock = 1 << 1,
  Vma = 1 << 2,
  Anon = 1 << 3,
  IMmap = 1 << 4,
  Pml = 1 << 5,
  Ptl = 1 << 6,
  Pmd = 1 << 7,
  Table = 1 << 8,
  Tlb = 1 << 9,
  FolioLock = 1 << 10,
  FolioRef = 1 << 11,
  FolioData = 1 << 12,
  Irq = 1 << 13,
}
export const ALL_FOLIO = Part.FolioLock | Part.FolioRef | Part.FolioData;

export interface Footprint {
  reads: number;
  writes: number;
}

/** What the effects need to know about the scenario (a subset of the compiled scenario). */
export interface EffectScenario {
  layout: Layout;
  threadNames: string[];
  /** 'collapse' threads run a collapse program (the thread under test or collapse2). */
  roles: ('collapse' | 'actor')[];
  /** The PTE index (address) the actors work on; its folio is the actors' target folio. */
  actorPte: number;
  /** PTEs [0, collapsePtes) are the collapse range (all of them for a PMD collapse, fewer for an mTHP). */
  collapsePtes: number;
}

export interface Violation {
  rule: RuleId;
  message: string;
}

/** Execution context of one op by one thread on a (copied) state. */
export class Exec {
  readonly violations: Violation[] = [];
  readonly L: Layout;
  constructor(readonly sc: EffectScenario, readonly s: State, readonly t: number, readonly opName: string) {
    this.L = sc.layout;
  }

  violate(rule: RuleId, message: string): void {
    this.violations.push({ rule, message: `${this.me}: ${this.opName}: ${message}` });
  }
  get me(): string { return this.sc.threadNames[this.t]; }
  name(th: number): string { return this.sc.threadNames[th]; }
  get held(): number { return this.s[this.L.held(this.t)]; }
  set held(v: number) { this.s[this.L.held(this.t)] = v; }
  heldBy(th: number): number { return this.s[this.L.held(th)]; }
  setOutcome(ok: boolean): void { this.s[this.L.outcome(this.t)] = ok ? OutcomeCode.Succeeded : OutcomeCode.Failed; }
  get own(): number { return this.L.ownFolio(this.t); }
  get ownTable(): number { return this.L.ownTable(this.t); }
  get target(): number { return this.sc.actorPte; }
  get pmd(): number { return this.s[this.L.pmd]; }
  set pmd(v: number) { this.s[this.L.pmd] = v; }
  get saved(): number { return this.s[this.L.savedPmd(this.t)]; }
  set saved(v: number) { this.s[this.L.savedPmd(this.t)] = v; }
  /** The table this thread has mapped, or -1. */
  get mapped(): number { return this.s[this.L.mapped(this.t)] - 1; }
  get isCollapse(): boolean { return this.sc.roles[this.t] === 'collapse'; }

  /** Threads other than this one holding any bit of `mask` (this one too when `includeSelf`). */
  holders(mask: number, includeSelf: boolean): number[] {
    const out: number[] = [];
    for (let th = 0; th < this.L.threads; th++) {
      if ((th !== this.t || includeSelf) && this.s[this.L.held(th)] & mask) out.push(th);
    }
    return out;
  }

  tableLabel(tb: number): string { return tb === 0 ? 'T0' : `T(${this.name(tb - 1)})`; }
  folioLabel(f: number): string {
    return f < this.L.ptes ? String.fromCharCode(65 + f) : `new(${this.name(f - this.L.ptes)})`;
  }

  /** A table hidden (PMD cleared) by another thread, or -1. */
  tableHiddenByOther(): number {
    for (let tb = 0; tb < this.L.tables; tb++) {
      if (this.s[this.L.tableState(tb)] === TableState.Detached && this.s[this.L.tableHider(tb)] !== this.t + 1) {
        return tb;
      }
    }
    return -1;
  }

  /**
   * Checks a use of table `tb`. Lockless GUP-fast may read a detached or RCU-freed table (the data stays valid);
   * nobody may use a deposited (reused) or freed one; a walker that holds the ptl may not use a table another
   * thread has hidden — it got there because the hider did not exclude the lock it started under.
   */
  useTable(tb: number, verb: string, locked: boolean): void {
    const st = this.s[this.L.tableState(tb)];
    const user: TableUser = this.isCollapse ? 'collapse' : locked ? 'locked' : 'lockless';
    const stale = st === TableState.Freed || st === TableState.Deposited || (st === TableState.RcuFreed && locked);
    if (stale) {
      this.violate(staleTableRule(user, this.held),
        `${verb} PTE table ${this.tableLabel(tb)} after it was ${TABLE_STATE_NAMES[st]}`);
    } else if (st === TableState.Detached && this.s[this.L.tableHider(tb)] !== this.t + 1 && user !== 'lockless') {
      const hider = this.name(this.s[this.L.tableHider(tb)] - 1);
      this.violate(hiddenTableRule(this.held),
        `${verb} PTE table ${this.tableLabel(tb)} while ${hider} has it hidden (PMD cleared); ` +
        `${hider} did not exclude the locks this walk holds (${lockNames(this.held).join(', ')})`);
    }
  }

  tableMapsFolio(tb: number, f: number): boolean {
    for (let i = 0; i < this.L.ptes; i++) if (this.pte(tb, i) === ptePresent(f)) return true;
    return false;
  }

  folioFlags(f: number): number { return this.s[this.L.folioFlags(f)]; }
  setFolioFlags(f: number, v: number): void { this.s[this.L.folioFlags(f)] = v; }

  /** Drops one reference; the last one frees the folio. */
  putFolio(f: number): void {
    const at = this.L.folioRef(f);
    if (this.s[at] <= 0) {
      this.violate('MM-COUNTERS', `drops a reference on folio ${this.folioLabel(f)}, which was already freed`);
      return;
    }
    this.s[at]--;
    if (this.s[at] === 0) {
      this.setFolioFlags(f, this.folioFlags(f) | FolioFlag.Freed);
      if (this.s[this.L.folioMap(f)] > 0) {
        this.violate('MM-COUNTERS', `frees folio ${this.folioLabel(f)} while it is still mapped`);
      }
    }
  }

  /** Removes one mapping of folio f (rmap) and drops the mapping's reference. */
  unmapAndPut(f: number): void {
    this.s[this.L.folioMap(f)]--;
    this.putFolio(f);
  }

  /** A write reaches folio f: lost if a collapse already copied it, a use after free if it was freed. */
  write(f: number, path: WritePath, how: string): void {
    const flags = this.folioFlags(f);
    if (flags & FolioFlag.Freed) {
      const rule = path.kind === 'tlb' ? 'TLB-FLUSH-BEFORE-ISOLATED-USE' : hiddenTableRule(this.held);
      this.violate(rule, `${how} folio ${this.folioLabel(f)} after it was freed (use after free)`);
    } else if (flags & FolioFlag.Copied) {
      this.violate(lostWriteRule(path),
        `${how} folio ${this.folioLabel(f)} after a collapse copied it: the write is lost`);
    }
  }

  flushAllTlbs(): void {
    for (let th = 0; th < this.L.threads; th++) {
      for (let i = 0; i < this.L.ptes; i++) this.s[this.L.tlb(th, i)] = 0;
    }
  }

  pte(tb: number, i: number): number { return this.s[this.L.pte(tb, i)]; }
  setPte(tb: number, i: number, v: number): void { this.s[this.L.pte(tb, i)] = v; }

  /** Undo khugepaged's isolation of every folio this thread isolated (release_pte_folio / putback). */
  releaseIsolated(): void {
    for (let f = 0; f < this.L.folios; f++) {
      if (this.s[this.L.folioIsolatedBy(f)] !== this.t + 1) continue;
      this.s[this.L.folioIsolatedBy(f)] = 0;
      if (this.s[this.L.folioLockedBy(f)] === this.t + 1) this.s[this.L.folioLockedBy(f)] = 0;
      this.setFolioFlags(f, this.folioFlags(f) & ~(FolioFlag.RefChecked | FolioFlag.CheckedUnreachable));
      this.putFolio(f);
    }
  }
}

const LOCK_BITS: Record<LockObject, Record<LockMode, number>> = {
  mmap: { R: Lock.MmapRead, W: Lock.MmapWrite },
  anon: { R: Lock.AnonRead, W: Lock.AnonWrite },
  immap: { R: Lock.IMmapRead, W: Lock.IMmapWrite },
  pml: { R: Lock.Pml, W: Lock.Pml },
  ptl: { R: Lock.Ptl, W: Lock.Ptl },
};
const LOCK_PART: Record<LockObject, Part> = {
  mmap: Part.Mmap, anon: Part.Anon, immap: Part.IMmap, pml: Part.Pml, ptl: Part.Ptl,
};

export function lockBit(lock: LockObject, mode: LockMode): number {
  return LOCK_BITS[lock][mode];
}

/** Bits that keep a `mode` acquisition of `lock` waiting: a writer excludes everyone, a reader only writers. */
export function conflictBits(lock: LockObject, mode: LockMode): number {
  return mode === 'W' ? LOCK_BITS[lock].R | LOCK_BITS[lock].W : LOCK_BITS[lock].W;
}

interface Handler<P extends Prim> {
  /** Threads this primitive waits for in the current state; empty = it can run. */
  blockers?(x: Exec, p: P): number[];
  run(x: Exec, p: P): void;
  footprint(p: P): Footprint;
}

type Handlers = { [K in PrimKind]: Handler<Extract<Prim, { k: K }>> };

const fp = (reads: number, writes: number): Footprint => ({ reads, writes });
const NO_BLOCKERS: number[] = [];

function release(x: Exec, bit: number, what: string): boolean {
  if (!(x.held & bit)) {
    x.violate('LOCK-PAIR', `releases ${what}, which this thread does not hold`);
    return false;
  }
  x.held &= ~bit;
  return true;
}

function pmlBlockers(x: Exec): number[] {
  return x.held & Lock.Pml ? NO_BLOCKERS : x.holders(Lock.Pml, false);
}
function ptlBlockers(x: Exec): number[] {
  return x.held & Lock.Ptl ? NO_BLOCKERS : x.holders(Lock.Ptl, false);
}

function requirePml(x: Exec, what: string): void {
  if (!(x.held & Lock.Pml)) x.violate('PMD-WRITE-NEEDS-PML', `${what} without holding the PMD lock`);
}

/** A write into the hole left by a hidden table (BUG_ON(!pmd_none(*pmd)) in the collapse, or a fault's install). */
function reportFilledHole(x: Exec, what: string): void {
  x.violate('PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS',
    `${what}, but the PMD is ${x.pmd === PMD_NONE ? 'none' : 'no longer none'}: another thread installed an entry ` +
    'into the hidden PMD (BUG_ON(!pmd_none(*pmd)))');
}

/** Does the live page table still map folio f at the actors' address? */
function liveMaps(x: Exec, f: number): boolean {
  const v = x.pmd;
  if (pmdIsHuge(v)) return pmdFolio(v) === f;
  return pmdIsTable(v) && x.pte(pmdTableId(v), x.target) === ptePresent(f);
}

function zapPresentPtes(x: Exec, tb: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = x.pte(tb, i);
    if (v === PTE_NONE) continue;
    x.setPte(tb, i, PTE_NONE);
    if (pteIsPresent(v)) x.unmapAndPut(pteFolio(v));
  }
}

function freeDepositedTables(x: Exec): void {
  for (let tb = 0; tb < x.L.tables; tb++) {
    if (x.s[x.L.tableState(tb)] === TableState.Deposited) x.s[x.L.tableState(tb)] = TableState.Freed;
  }
}

export const HANDLERS: Handlers = {
  lock: {
    blockers: (x, p) => x.holders(conflictBits(p.lock, p.mode), true),
    run: (x, p) => { x.held |= lockBit(p.lock, p.mode); },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  unlock: {
    run: (x, p) => { release(x, lockBit(p.lock, p.mode), `${p.lock}${p.lock === 'pml' || p.lock === 'ptl' ? '' : `:${p.mode}`}`); },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  trylock: {
    run: (x, p) => {
      const free = x.holders(conflictBits(p.lock, p.mode), true).length === 0;
      if (free) x.held |= lockBit(p.lock, p.mode);
      x.setOutcome(free);
    },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  mmapDowngrade: {
    run: (x) => {
      if (release(x, Lock.MmapWrite, 'mmap:W')) x.held |= Lock.MmapRead;
      x.s[x.L.vmaWriteLocked] = 0; // downgrading ends every VMA write lock (vma_end_write_all)
    },
    footprint: () => fp(Part.Mmap, Part.Mmap | Part.VmaLock),
  },
  vmaEndWriteAll: {
    run: (x) => { x.s[x.L.vmaWriteLocked] = 0; },
    footprint: () => fp(0, Part.VmaLock),
  },
  vmaStartWrite: {
    // vma_start_write waits for the current per-VMA-lock readers to leave.
    blockers: (x) => x.holders(Lock.VmaRead, false),
    run: (x) => {
      if (!(x.held & Lock.MmapWrite)) x.violate('VMA-WRITE-NEEDS-MMAP-WRITE', 'write-locks the VMA without mmap:W');
      x.s[x.L.vmaWriteLocked] = 1;
    },
    footprint: () => fp(Part.VmaLock | Part.Mmap, Part.VmaLock),
  },
  vmaTryRead: {
    // lock_vma_under_rcu → vma_start_read: fails (does not wait) when the VMA is write-locked or gone.
    run: (x) => {
      const ok = x.s[x.L.vmaAlive] === 1 && x.s[x.L.vmaWriteLocked] === 0;
      if (ok) x.held |= Lock.VmaRead;
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.VmaLock | Part.Vma, Part.VmaLock),
  },
  vmaEndRead: {
    run: (x) => { release(x, Lock.VmaRead, 'the VMA read lock'); },
    footprint: () => fp(Part.VmaLock, Part.VmaLock),
  },
  irqOff: {
    run: (x) => { x.held |= Lock.IrqOff; },
    footprint: () => fp(0, Part.Irq),
  },
  irqOn: {
    run: (x) => { release(x, Lock.IrqOff, 'IRQ-off'); },
    footprint: () => fp(Part.Irq, Part.Irq),
  },
  waitForIrqOffSections: {
    // tlb_remove_table_sync_one: an IPI to every CPU, acknowledged only once it re-enables interrupts.
    blockers: (x) => x.holders(Lock.IrqOff, false),
    run: () => undefined,
    footprint: () => fp(Part.Irq, 0),
  },
  notifierStart: {
    run: (x) => { x.held |= Lock.Notifier; },
    footprint: () => fp(0, 0),
  },
  notifierEnd: {
    run: (x) => { release(x, Lock.Notifier, 'the mmu notifier range (invalidate_range_end without start)'); },
    footprint: () => fp(0, 0),
  },
  noTableHiddenByMe: {
    run: (x, p) => {
      for (let tb = 0; tb < x.L.tables; tb++) {
        if (x.s[x.L.tableState(tb)] === TableState.Detached && x.s[x.L.tableHider(tb)] === x.t + 1) {
          x.violate(p.rule, `gives up mmap:W while PTE table ${x.tableLabel(tb)} is still hidden (PMD none): ` +
            'per-VMA-lock faults and other walkers can run into the hole');
        }
      }
    },
    footprint: () => fp(Part.Table, 0),
  },
  revalidateVma: {
    run: (x) => { x.setOutcome(x.s[x.L.vmaAlive] === 1); },
    footprint: () => fp(Part.Vma, 0),
  },
  checkPmdIsTable: {
    run: (x) => { x.setOutcome(pmdIsTable(x.pmd)); },
    footprint: () => fp(Part.Pmd, 0),
  },
  readPmd: {
    // A walker that holds a lock khugepaged should have excluded must not find the hidden table's pmd_none: a fault
    // or zap would fill or skip the hole. For an rmap walker, pmd_none only matters if the hidden table still maps
    // the folio it walks for (HIDDEN-TABLE-RMAP-EXCLUSION); a folio unmapped meanwhile is rightly "not mapped here".
    run: (x) => {
      x.saved = x.pmd;
      const hidden = x.pmd === PMD_NONE && heldWalkerLocks(x.held) ? x.tableHiddenByOther() : -1;
      const rmapOnly = (x.held & (Lock.MmapRead | Lock.MmapWrite | Lock.VmaRead)) === 0;
      if (hidden >= 0 && (!rmapOnly || x.tableMapsFolio(hidden, x.target))) {
        const hider = x.name(x.s[x.L.tableHider(hidden)] - 1);
        x.violate(hiddenTableRule(x.held),
          `sees pmd_none while ${hider} has PTE table ${x.tableLabel(hidden)} hidden` +
          (rmapOnly ? ` (it still maps folio ${x.folioLabel(x.target)})` : '') +
          `; this walk runs under ${lockNames(x.held & ~Lock.Notifier).join(', ')}, which ${hider} did not exclude`);
      }
      x.setOutcome(pmdIsTable(x.saved));
    },
    footprint: () => fp(Part.Pmd | Part.Table, 0),
  },
  collapseFlush: {
    run: (x) => {
      requirePml(x, 'clears the PMD');
      x.saved = x.pmd;
      if (pmdIsTable(x.pmd)) {
        const tb = pmdTableId(x.pmd);
        x.s[x.L.tableState(tb)] = TableState.Detached;
        x.s[x.L.tableHider(tb)] = x.t + 1;
        x.pmd = PMD_NONE;
      }
      x.flushAllTlbs();
    },
    footprint: () => fp(Part.Pmd | Part.Table | Part.Pml, Part.Pmd | Part.Table | Part.Tlb),
  },
  flushTlb: {
    run: (x) => { x.flushAllTlbs(); },
    footprint: () => fp(0, Part.Tlb),
  },
  mapTable: {
    blockers: (x, p) => {
      const v = p.source === 'live' ? x.pmd : x.saved;
      return p.lock && pmdIsTable(v) ? x.holders(Lock.Ptl, true) : NO_BLOCKERS;
    },
    run: (x, p) => {
      const v = p.source === 'live' ? x.pmd : x.saved;
      if (!pmdIsTable(v)) {
        x.setOutcome(false);
        return;
      }
      const tb = pmdTableId(v);
      if (p.lock) x.useTable(tb, 'locks', true);
      x.held |= Lock.Rcu | (p.lock ? Lock.Ptl : 0);
      x.s[x.L.mapped(x.t)] = tb + 1;
      x.setOutcome(true);
    },
    footprint: (p) => fp((p.source === 'live' ? Part.Pmd : 0) | (p.lock ? Part.Ptl | Part.Table : 0),
      p.lock ? Part.Ptl : 0),
  },
  unmapTable: {
    run: (x, p) => {
      if (p.unlock && !release(x, Lock.Ptl, 'the PTE lock')) return;
      if (release(x, Lock.Rcu, 'a PTE mapping (pte_unmap without pte_offset_map)')) x.s[x.L.mapped(x.t)] = 0;
    },
    footprint: (p) => fp(p.unlock ? Part.Ptl : 0, p.unlock ? Part.Ptl : 0),
  },
  isolateFolios: {
    // __collapse_huge_page_isolate: per PTE of the range, folio_trylock + is_refcount_suitable + folio_isolate_lru;
    // on any failure it releases what it took (release_pte_pages). Needs one present PTE (SCAN_PAGE_RO otherwise).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'isolates folios through', true);
      const unreachable = x.s[x.L.tableState(tb)] === TableState.Detached;
      const taken: number[] = [];
      let ok = true;
      for (let i = 0; i < x.sc.collapsePtes && ok; i++) {
        const v = x.pte(tb, i);
        if (v === PTE_NONE) continue;
        const f = pteFolio(v);
        const suitable = pteIsPresent(v) && x.s[x.L.folioLockedBy(f)] === 0 && x.s[x.L.folioIsolatedBy(f)] === 0 &&
          x.s[x.L.folioRef(f)] === x.s[x.L.folioMap(f)] && !(x.folioFlags(f) & FolioFlag.Freed);
        if (!suitable) {
          ok = false;
          break;
        }
        x.s[x.L.folioLockedBy(f)] = x.t + 1;
        x.s[x.L.folioIsolatedBy(f)] = x.t + 1;
        x.s[x.L.folioRef(f)]++;
        x.setFolioFlags(f, x.folioFlags(f) | FolioFlag.RefChecked | (unreachable ? FolioFlag.CheckedUnreachable : 0));
        taken.push(f);
      }
      if (!ok || taken.length === 0) x.releaseIsolated();
      x.setOutcome(ok && taken.length > 0);
    },
    footprint: () => fp(Part.Table | ALL_FOLIO, ALL_FOLIO),
  },
  copySucceeded: {
    // __collapse_huge_page_copy, copy succeeded → _copy_succeeded: clear each old PTE (taking the ptl briefly),
    // release_pte_folio, folio_remove_rmap_pte, free_page_and_swap_cache.
    blockers: (x) => ptlBlockers(x),
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'copies from', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (!pteIsPresent(v)) continue;
        const f = pteFolio(v);
        if (x.folioFlags(f) & FolioFlag.Freed) {
          x.violate('MM-COUNTERS', `copies folio ${x.folioLabel(f)} after it was freed`);
        }
        x.setFolioFlags(f, x.folioFlags(f) | FolioFlag.Copied);
      }
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (v === PTE_NONE) continue;
        x.setPte(tb, i, PTE_NONE);
        if (!pteIsPresent(v)) continue;
        const f = pteFolio(v);
        if (x.s[x.L.folioIsolatedBy(f)] === x.t + 1) {
          x.s[x.L.folioIsolatedBy(f)] = 0;
          if (x.s[x.L.folioLockedBy(f)] === x.t + 1) x.s[x.L.folioLockedBy(f)] = 0;
          x.putFolio(f);
        }
        x.unmapAndPut(f);
      }
    },
    footprint: () => fp(Part.Ptl | Part.Table | ALL_FOLIO, Part.Table | ALL_FOLIO),
  },
  copyFailed: {
    // _copy_failed: re-establish the PMD (pmd_populate under the pml) before releasing the folios.
    blockers: (x) => pmlBlockers(x),
    run: (x) => {
      if (pmdIsTable(x.saved)) {
        if (x.pmd !== PMD_NONE && x.pmd !== x.saved) reportFilledHole(x, 'restores the PMD');
        const tb = pmdTableId(x.saved);
        x.pmd = x.saved;
        x.s[x.L.tableState(tb)] = TableState.Attached;
        x.s[x.L.tableHider(tb)] = 0;
      }
      x.releaseIsolated();
    },
    footprint: () => fp(Part.Pml | Part.Pmd | ALL_FOLIO, Part.Pmd | Part.Table | ALL_FOLIO),
  },
  markCopied: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'copies from', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (pteIsPresent(v)) x.setFolioFlags(pteFolio(v), x.folioFlags(pteFolio(v)) | FolioFlag.Copied);
      }
    },
    footprint: () => fp(Part.Table | Part.FolioData, Part.FolioData),
  },
  clearPtes: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'clears PTEs of', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        x.setPte(tb, i, PTE_NONE);
        if (pteIsPresent(v)) x.s[x.L.folioMap(pteFolio(v))]--;
      }
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.FolioRef),
  },
  markUptodate: {
    run: (x) => { x.setFolioFlags(x.own, x.folioFlags(x.own) | FolioFlag.Uptodate); },
    footprint: () => fp(Part.FolioData, Part.FolioData),
  },
  deposit: {
    run: (x) => {
      requirePml(x, 'deposits the PTE table');
      if (!pmdIsTable(x.saved)) return;
      const tb = pmdTableId(x.saved);
      x.s[x.L.tableState(tb)] = TableState.Deposited;
      x.s[x.L.tableHider(tb)] = 0;
    },
    footprint: () => fp(Part.Pml, Part.Table),
  },
  setPmdHuge: {
    run: (x) => {
      requirePml(x, 'installs the huge PMD');
      if (x.pmd !== PMD_NONE) reportFilledHole(x, 'installs the huge PMD');
      if (!(x.folioFlags(x.own) & FolioFlag.Uptodate)) {
        x.violate('UPTODATE-BEFORE-MAP', 'maps the new folio before __folio_mark_uptodate');
      }
      x.pmd = pmdHuge(x.own);
      x.s[x.L.folioMap(x.own)] = 1;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.FolioData, Part.Pmd | Part.FolioRef),
  },
  populatePmd: {
    run: (x) => {
      requirePml(x, 'populates the PMD');
      const tb = pmdIsTable(x.saved) ? pmdTableId(x.saved) : x.ownTable;
      if (x.pmd === pmdTable(tb)) return;
      if (x.pmd !== PMD_NONE) reportFilledHole(x, 'populates the PMD');
      const st = x.s[x.L.tableState(tb)];
      if (st === TableState.Freed || st === TableState.Deposited || st === TableState.RcuFreed) {
        x.useTable(tb, 'populates the PMD with', true);
      }
      x.pmd = pmdTable(tb);
      x.s[x.L.tableState(tb)] = TableState.Attached;
      x.s[x.L.tableHider(tb)] = 0;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table),
  },
  setPtes: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'sets PTEs in', true);
      if (x.s[x.L.tableState(tb)] === TableState.Attached && !(x.held & Lock.Ptl)) {
        x.violate('PTE-WRITE-NEEDS-PTL-OR-ISOLATION', `writes PTEs of the attached table ${x.tableLabel(tb)} without its ptl`);
      }
      if (!(x.folioFlags(x.own) & FolioFlag.Uptodate)) {
        x.violate('UPTODATE-BEFORE-MAP', 'maps the new folio before __folio_mark_uptodate');
      }
      for (let i = 0; i < x.sc.collapsePtes; i++) x.setPte(tb, i, ptePresent(x.own));
      x.s[x.L.folioMap(x.own)] = x.sc.collapsePtes;
      x.s[x.L.folioRef(x.own)] = x.sc.collapsePtes;
    },
    footprint: () => fp(Part.Ptl | Part.Table | Part.FolioData, Part.Table | Part.FolioRef),
  },
  putOwnFolio: {
    run: (x) => { x.putFolio(x.own); },
    footprint: () => fp(Part.FolioRef, Part.FolioRef | Part.FolioData),
  },
  readPte: {
    // ptep_get_lockless in GUP-fast on the table it mapped from its own copy of the PMD.
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'reads a PTE of', (x.held & Lock.Ptl) !== 0);
      const v = x.pte(tb, x.target);
      x.s[x.L.pteSeen(x.t)] = v;
      x.setOutcome(pteIsPresent(v));
    },
    footprint: () => fp(Part.Table, 0),
  },
  grabRef: {
    // try_grab_folio_fast: folio_try_get fails on a folio whose refcount already dropped to zero.
    run: (x) => {
      const v = x.s[x.L.pteSeen(x.t)];
      const f = pteFolio(v);
      const ok = pteIsPresent(v) && x.s[x.L.folioRef(f)] > 0;
      if (ok) {
        x.s[x.L.folioRef(f)]++;
        x.s[x.L.refFolio(x.t)] = f + 1;
        x.s[x.L.refLate(x.t)] = x.folioFlags(f) & FolioFlag.RefChecked ? 1 : 0;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.FolioRef | Part.FolioData, Part.FolioRef),
  },
  gupRecheck: {
    // gup_fast_pte_range: after taking the reference, the PMD and then the PTE must still be what it read.
    run: (x) => {
      const tb = x.mapped;
      x.setOutcome(x.pmd === x.saved && tb >= 0 && x.pte(tb, x.target) === x.s[x.L.pteSeen(x.t)]);
    },
    footprint: () => fp(Part.Pmd | Part.Table, 0),
  },
  putRef: {
    run: (x) => {
      const f = x.s[x.L.refFolio(x.t)] - 1;
      if (f < 0) return;
      x.s[x.L.refFolio(x.t)] = 0;
      x.s[x.L.refLate(x.t)] = 0;
      x.putFolio(f);
    },
    footprint: () => fp(Part.FolioRef, Part.FolioRef | Part.FolioData),
  },
  pinWrite: {
    run: (x) => {
      const f = x.s[x.L.refFolio(x.t)] - 1;
      if (f < 0) return;
      const late = x.s[x.L.refLate(x.t)] === 1;
      const unreachable = (x.folioFlags(f) & FolioFlag.CheckedUnreachable) !== 0;
      x.write(f, { kind: 'pin', late, checkedWhileUnreachable: unreachable },
        `writes through its ${late ? 'late ' : ''}GUP reference to`);
    },
    footprint: () => fp(ALL_FOLIO, 0),
  },
  followPte: {
    // follow_page_pte under the ptl: a present PTE gives a reference (GUP slow path).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'reads a PTE of', true);
      const v = x.pte(tb, x.target);
      const f = pteFolio(v);
      const ok = pteIsPresent(v) && x.s[x.L.folioRef(f)] > 0;
      if (ok) {
        x.s[x.L.folioRef(f)]++;
        x.s[x.L.refFolio(x.t)] = f + 1;
        x.s[x.L.refLate(x.t)] = x.folioFlags(f) & FolioFlag.RefChecked ? 1 : 0;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.Table | Part.FolioRef | Part.FolioData, Part.FolioRef),
  },
  faultPte: {
    // handle_pte_fault under the ptl: a none PTE gets this thread's new folio (do_anonymous_page); a present one
    // is written (write fault reusing an exclusive anon folio).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'handles a fault in', true);
      const v = x.pte(tb, x.target);
      if (v === PTE_NONE && x.s[x.L.folioMap(x.own)] === 0) {
        x.setPte(tb, x.target, ptePresent(x.own));
        x.s[x.L.folioMap(x.own)] = 1;
        x.setFolioFlags(x.own, x.folioFlags(x.own) | FolioFlag.Uptodate);
      } else if (pteIsPresent(v)) {
        x.write(pteFolio(v), { kind: 'fault' }, 'stores to');
      }
    },
    footprint: () => fp(Part.Table | ALL_FOLIO, Part.Table | Part.FolioRef | Part.FolioData),
  },
  pteAlloc: {
    // __pte_alloc → pmd_install: if the PMD it read was none, install a fresh table under the pml, unless
    // someone else did meanwhile.
    blockers: (x) => (x.saved === PMD_NONE ? x.holders(Lock.Pml, true) : NO_BLOCKERS),
    run: (x) => {
      if (x.saved !== PMD_NONE || x.pmd !== PMD_NONE) return;
      const hidden = x.tableHiddenByOther();
      if (hidden >= 0) {
        x.violate(hiddenTableRule(x.held), `installs a new PTE table into the PMD that ` +
          `${x.name(x.s[x.L.tableHider(hidden)] - 1)} cleared to hide ${x.tableLabel(hidden)}`);
      }
      x.pmd = pmdTable(x.ownTable);
      x.s[x.L.tableState(x.ownTable)] = TableState.Attached;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table),
  },
  zapHugePmd: {
    // zap_huge_pmd under the pml: clear the huge PMD, drop the mapping, free the deposited table (pte_free).
    blockers: (x) => (pmdIsHuge(x.saved) ? x.holders(Lock.Pml, true) : NO_BLOCKERS),
    run: (x) => {
      if (!pmdIsHuge(x.saved) || !pmdIsHuge(x.pmd)) return;
      const f = pmdFolio(x.pmd);
      x.pmd = PMD_NONE;
      x.flushAllTlbs();
      x.unmapAndPut(f);
      freeDepositedTables(x);
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table | Part.FolioRef, Part.Pmd | Part.Table | Part.Tlb | Part.FolioRef | Part.FolioData),
  },
  zapPtes: {
    // zap_pte_range over the whole table (MADV_DONTNEED of the 2 MiB range): clear, flush, then free the pages.
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'zaps PTEs of', true);
      x.flushAllTlbs();
      zapPresentPtes(x, tb, 0, x.L.ptes);
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.Tlb | Part.FolioRef | Part.FolioData),
  },
  tryClearPmd: {
    // try_get_and_clear_pmd (mm/pt_reclaim.c): holding the ptl, only a trylock of the pml is allowed (inverted
    // order); clear the PMD of an empty table and free the table through RCU.
    run: (x) => {
      const tb = x.mapped;
      let ok = tb >= 0 && x.holders(Lock.Pml, true).length === 0 && x.pmd === pmdTable(tb);
      for (let i = 0; ok && i < x.L.ptes; i++) ok = x.pte(tb, i) === PTE_NONE;
      if (ok) {
        x.pmd = PMD_NONE;
        x.s[x.L.tableState(tb)] = TableState.RcuFreed;
        x.flushAllTlbs();
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table | Part.Tlb),
  },
  unmapVmas: {
    // unmap_vmas for munmap: zap everything mapped at the PMD (taking the pml/ptl inside).
    blockers: (x) => x.holders(Lock.Pml | Lock.Ptl, true),
    run: (x) => {
      const v = x.pmd;
      x.flushAllTlbs();
      if (pmdIsHuge(v)) {
        x.pmd = PMD_NONE;
        x.unmapAndPut(pmdFolio(v));
        freeDepositedTables(x);
      } else if (pmdIsTable(v)) {
        zapPresentPtes(x, pmdTableId(v), 0, x.L.ptes);
      }
    },
    footprint: () => fp(Part.Pml | Part.Ptl | Part.Pmd | Part.Table | Part.FolioRef,
      Part.Pmd | Part.Table | Part.Tlb | Part.FolioRef | Part.FolioData),
  },
  freePgtables: {
    // free_pgtables: no page-table locks (the VMA is already detached and mmap:W held); tables go through RCU.
    run: (x) => {
      if (!pmdIsTable(x.pmd)) return;
      x.s[x.L.tableState(pmdTableId(x.pmd))] = TableState.RcuFreed;
      x.pmd = PMD_NONE;
    },
    footprint: () => fp(Part.Pmd, Part.Pmd | Part.Table),
  },
  vmaGone: {
    run: (x) => { x.s[x.L.vmaAlive] = 0; },
    footprint: () => fp(0, Part.Vma),
  },
  movePmd: {
    // move_normal_pmd / move_huge_pmd: the whole entry moves to the destination PMD.
    run: (x) => {
      requirePml(x, 'moves the PMD entry');
      if (pmdIsTable(x.pmd)) x.s[x.L.tableState(pmdTableId(x.pmd))] = TableState.Moved;
      if (x.pmd !== PMD_NONE) {
        x.pmd = PMD_NONE;
        x.flushAllTlbs();
      }
    },
    footprint: () => fp(Part.Pml | Part.Pmd, Part.Pmd | Part.Table | Part.Tlb),
  },
  tryToUnmapOne: {
    // try_to_unmap_one under the ptl: the PTE of its folio becomes a swap entry (ptep_clear_flush first).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'unmaps its folio in', true);
      const found = x.pte(tb, x.target) === ptePresent(x.target);
      if (found) {
        x.setPte(tb, x.target, pteSwap(x.target));
        x.flushAllTlbs();
        x.s[x.L.folioMap(x.target)]--; // the swap cache keeps the reference the mapping had
      }
      x.setOutcome(found);
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.Tlb | Part.FolioRef),
  },
  folioIsolate: {
    run: (x) => {
      const f = x.target;
      const ok = x.s[x.L.folioIsolatedBy(f)] === 0 && !(x.folioFlags(f) & FolioFlag.Freed);
      if (ok) {
        x.s[x.L.folioIsolatedBy(f)] = x.t + 1;
        x.s[x.L.folioRef(f)]++;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(ALL_FOLIO, Part.FolioLock | Part.FolioRef),
  },
  folioPutback: {
    run: (x) => {
      const f = x.target;
      if (x.s[x.L.folioIsolatedBy(f)] !== x.t + 1) {
        x.violate('LOCK-PAIR', `puts back folio ${x.folioLabel(f)}, which it did not isolate`);
        return;
      }
      x.s[x.L.folioIsolatedBy(f)] = 0;
      x.putFolio(f);
    },
    footprint: () => fp(Part.FolioLock | Part.FolioRef, Part.FolioLock | Part.FolioRef | Part.FolioData),
  },
  folioTrylock: {
    run: (x) => {
      const ok = x.s[x.L.folioLockedBy(x.target)] === 0;
      if (ok) x.s[x.L.folioLockedBy(x.target)] = x.t + 1;
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  folioLock: {
    blockers: (x) => {
      const by = x.s[x.L.folioLockedBy(x.target)];
      return by ? [by - 1] : NO_BLOCKERS;
    },
    run: (x) => { x.s[x.L.folioLockedBy(x.target)] = x.t + 1; },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  folioUnlock: {
    run: (x) => {
      if (x.s[x.L.folioLockedBy(x.target)] !== x.t + 1) {
        x.violate('LOCK-PAIR', `unlocks folio ${x.folioLabel(x.target)}, which it does not hold`);
        return;
      }
      x.s[x.L.folioLockedBy(x.target)] = 0;
    },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  cpuStore: {
    // A user store: through this CPU's TLB entry if there is one, else a hardware walk of the live tables that
    // loads the TLB; a miss would raise a page fault (the fault actors model that path).
    run: (x) => {
      const at = x.L.tlb(x.t, x.target);
      let f = x.s[at] - 1;
      if (f < 0) {
        const v = x.pmd;
        if (pmdIsHuge(v)) f = pmdFolio(v);
        else if (pmdIsTable(v) && pteIsPresent(x.pte(pmdTableId(v), x.target))) f = pteFolio(x.pte(pmdTableId(v), x.target));
        if (f < 0) {
          x.setOutcome(false);
          return;
        }
        x.s[at] = f + 1;
      }
      x.write(f, { kind: 'tlb', stillMapped: liveMaps(x, f) }, 'stores (through its TLB) to');
      x.setOutcome(true);
    },
    footprint: () => fp(Part.Tlb | Part.Pmd | Part.Table | ALL_FOLIO, Part.Tlb),
  },
};

export function primBlockers(x: Exec, p: Prim): number[] {
  const h = HANDLERS[p.k] as Handler<Prim>;
  return h.blockers ? h.blockers(x, p) : NO_BLOCKERS;
}

export function runPrim(x: Exec, p: Prim): void {
  (HANDLERS[p.k] as Handler<Prim>).run(x, p);
}

export function primFootprint(p: Prim): Footprint {
  return (HANDLERS[p.k] as Handler<Prim>).footprint(p);
}

/**
 * What a thread must not leave behind when it ends: locks and sections (LOCK-PAIR), folios it locked or
 * isolated, references it took, and a table it hid (BACKOFF-RESTORES-PMD, or DEPOSIT-WITH-HUGE-PMD when the
 * huge PMD went in but the old table was neither deposited nor freed).
 */
export function exitChecks(x: Exec): void {
  const held = lockNames(x.held);
  if (held.length) x.violate('LOCK-PAIR', `ends while still holding ${held.join(', ')}`);
  for (let f = 0; f < x.L.folios; f++) {
    if (x.s[x.L.folioLockedBy(f)] === x.t + 1) x.violate('LOCK-PAIR', `ends with folio ${x.folioLabel(f)} locked`);
    else if (x.s[x.L.folioIsolatedBy(f)] === x.t + 1) {
      x.violate('LOCK-PAIR', `ends with folio ${x.folioLabel(f)} still isolated from the LRU`);
    }
  }
  if (x.s[x.L.refFolio(x.t)]) {
    x.violate('LOCK-PAIR', `ends holding a reference on folio ${x.folioLabel(x.s[x.L.refFolio(x.t)] - 1)}`);
  }
  for (let tb = 0; tb < x.L.tables; tb++) {
    if (x.s[x.L.tableState(tb)] !== TableState.Detached || x.s[x.L.tableHider(tb)] !== x.t + 1) continue;
    if (x.pmd === pmdHuge(x.own)) {
      x.violate('DEPOSIT-WITH-HUGE-PMD', `ends with the huge PMD installed but the old table ${x.tableLabel(tb)} neither deposited nor freed`);
    } else {
      x.violate('BACKOFF-RESTORES-PMD', `ends with PTE table ${x.tableLabel(tb)} still hidden: the PMD stays none`);
    }
  }
}

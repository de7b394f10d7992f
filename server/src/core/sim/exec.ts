// The execution context of the model's primitive effects: the primitive and footprint types, the per-op context
// (`Exec`: which thread runs which op on which state, with helpers shared by the primitives), and the handler
// shape every primitive implements (effects-*.ts). See effects.ts for how they are put together.

import { hiddenTableRule, lostWriteRule, RuleId, staleTableRule, TableUser, WritePath } from './rules';
import {
  FolioFlag, folioName, Layout, Lock, lockNames, OutcomeCode, PMD_NONE, ptePresent, State, TABLE_STATE_NAMES,
  tableName, TableState,
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
  | { k: 'releaseIsolated' }
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

  tableLabel(tb: number): string { return tableName(tb, this.sc.threadNames); }
  folioLabel(f: number): string { return folioName(this.L, f, this.sc.threadNames); }

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

  /** Every folio starts allocated; it is freed exactly when its last reference goes. */
  freed(f: number): boolean { return this.s[this.L.folioRef(f)] === 0; }

  /** Drops one reference; the last one frees the folio. */
  putFolio(f: number): void {
    const at = this.L.folioRef(f);
    if (this.s[at] <= 0) {
      this.violate('MM-COUNTERS', `drops a reference on folio ${this.folioLabel(f)}, which was already freed`);
      return;
    }
    this.s[at]--;
    if (this.s[at] === 0) {
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
    if (this.freed(f)) {
      const rule = path.kind === 'tlb' ? 'TLB-FLUSH-BEFORE-ISOLATED-USE' : hiddenTableRule(this.held);
      this.violate(rule, `${how} folio ${this.folioLabel(f)} after it was freed (use after free)`);
    } else if (this.folioFlags(f) & FolioFlag.Copied) {
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
export const LOCK_PART: Record<LockObject, Part> = {
  mmap: Part.Mmap, anon: Part.Anon, immap: Part.IMmap, pml: Part.Pml, ptl: Part.Ptl,
};

export function lockBit(lock: LockObject, mode: LockMode): number {
  return LOCK_BITS[lock][mode];
}

/** Bits that keep a `mode` acquisition of `lock` waiting: a writer excludes everyone, a reader only writers. */
export function conflictBits(lock: LockObject, mode: LockMode): number {
  return mode === 'W' ? LOCK_BITS[lock].R | LOCK_BITS[lock].W : LOCK_BITS[lock].W;
}

export interface Handler<P extends Prim> {
  /** Threads this primitive waits for in the current state; empty = it can run. */
  blockers?(x: Exec, p: P): number[];
  run(x: Exec, p: P): void;
  footprint(p: P): Footprint;
}

export type Handlers = { [K in PrimKind]: Handler<Extract<Prim, { k: K }>> };

export const fp = (reads: number, writes: number): Footprint => ({ reads, writes });
export const NO_BLOCKERS: number[] = [];

export function release(x: Exec, bit: number, what: string): boolean {
  if (!(x.held & bit)) {
    x.violate('LOCK-PAIR', `releases ${what}, which this thread does not hold`);
    return false;
  }
  x.held &= ~bit;
  return true;
}

export function pmlBlockers(x: Exec): number[] {
  return x.held & Lock.Pml ? NO_BLOCKERS : x.holders(Lock.Pml, false);
}
export function ptlBlockers(x: Exec): number[] {
  return x.held & Lock.Ptl ? NO_BLOCKERS : x.holders(Lock.Ptl, false);
}

export function requirePml(x: Exec, what: string): void {
  if (!(x.held & Lock.Pml)) x.violate('PMD-WRITE-NEEDS-PML', `${what} without holding the PMD lock`);
}

/** A write into the hole left by a hidden table (BUG_ON(!pmd_none(*pmd)) in the collapse, or a fault's install). */
export function reportFilledHole(x: Exec, what: string): void {
  x.violate('PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS',
    `${what}, but the PMD is ${x.pmd === PMD_NONE ? 'none' : 'no longer none'}: another thread installed an entry ` +
    'into the hidden PMD (BUG_ON(!pmd_none(*pmd)))');
}

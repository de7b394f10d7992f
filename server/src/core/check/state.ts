// The abstract state of one path through a function: which locks it holds (and how it came to hold or
// drop them), and what it knows about the variables and conditions that later branches test.
import type { Span } from '../cfg/types';
import type { LockFamily, LockMode } from '../model/api';
import type { PtFact } from '../model/protocol';
import type { LockClassId } from '../model/lockOrder';
import { sameValue } from './values';

export interface LockRecord {
  key: string;
  family: LockFamily;
  /** The lock expression as written (`vma->anon_vma`, `ptl`), or the family label for singletons. */
  name: string;
  mode?: LockMode;
  status: 'held' | 'released';
  /** Held when the function was entered: inferred from releasing an untouched lock, or from an annotation. */
  fromCaller: boolean;
  /**
   * The caller's lock, released and taken again by this function: what is held now is this function's
   * doing (a caller's VMA write locks ended when the mmap_lock was dropped), though the summary still
   * reports it as the caller's.
   */
  retaken?: boolean;
  /**
   * Whose lock it is (this function's or its caller's) is a guess: the path gave the object to a call through
   * a pointer before it locked or unlocked it (writeout() in mm/migrate.c relocks what ->writepage() unlocked).
   */
  ownerUnknown?: boolean;
  /**
   * Held still because a callee took this outcome, where its other outcomes release the lock: the callee,
   * its call, where in it this outcome's path leaves, and the return values. Not part of the state's
   * identity: for messages that put the finding in the callee (lockPair.ts).
   */
  keptBy?: KeptBy;
  /** Nesting depth relative to function entry, for counting families (RCU, PTE map, IRQ-off). */
  count: number;
  /** Asserted held by the kernel here (lockdep, mmap_assert_*, a callee's assertion): a lock the caller holds. */
  assertedAt?: { site: Span; text: string };
  /** Where it was last acquired (status held) or released (status released). */
  site: Span;
  siteText: string;
  role?: string;
  /**
   * Released here without being taken on the path: where that release is, in the function it is in (a callee's
   * line, for a release its summary passed up). Not part of the state's identity: for findings at an entry
   * point, which nothing held on entry (check/entryPoints.ts).
   */
  releasedIn?: ReleaseOrigin;
}

/**
 * The identity of a lock a callee released unnamed (a lock it found itself) that this path did not hold:
 * `spin:?collapse_huge_page:1072:1`, by where it was released. No caller can name it either.
 */
export const UNNAMED_RELEASE = '?';

/** A release of a lock the path had not taken: the call, and the function it is in. */
export interface ReleaseOrigin {
  site: Span;
  text: string;
  function: string;
  /** What the lock is (model/lockOrder.ts), when its role or name says: a caller's lock of another class is not it. */
  lockClass?: LockClassId;
}

export interface KeptBy {
  callee: string;
  call: Span;
  exit: { site: Span; text: string };
  returns: Value;
  /** What the callee's outcomes that release the lock return. */
  releasing: Value[];
  /** What its other outcomes that keep it return (SCAN_SUCCEED). */
  keeping: Value[];
}

/** What a path knows about a value: equal to a named constant, unequal to some, and/or its truthiness. */
export interface Value {
  eq?: string;
  ne?: string[];
  truth?: boolean;
  /**
   * Flag masks with at least one bit known set (`ret |= VM_FAULT_LOCKED`; `ret & (VM_FAULT_ERROR |
   * VM_FAULT_NOPAGE)` taken), each its named flags sorted and joined by '|', whatever its other bits.
   */
  bits?: string[];
  /** Flag masks known to have no bit set (`ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)` not taken). */
  clear?: string[];
  /** A negative error code (`-EINTR` from a killable lock), whichever; false: known not below zero. */
  negative?: boolean;
  /** The error code an ERR_PTR() carries (`ERR_PTR(-EBUSY)`), which PTR_ERR() gives back. */
  errno?: string;
}

export interface TrailStep {
  label: string;
  span: Span;
  /** The statement stands in a { } block (a fix can insert a statement before it). */
  braced?: boolean;
}

/** A page-table fact of the path (model/protocol.ts PtFact), with where it was set. */
export interface PtRecord {
  value: string;
  site: Span;
  /** The call that set it, as written. */
  text: string;
  /** Set by a callee's summary, not by a call of this function's own. */
  fromCallee?: true;
  /**
   * For a hidden PMD: the variable that holds the cleared table's PMD value, to restore it with
   * (`_pmd = pmdp_collapse_flush(…)`); none when the path dropped the value, as a zap does.
   */
  keeper?: string;
}

export interface State {
  locks: Map<string, LockRecord>;
  facts: Map<string, Value>;
  pt: Map<PtFact, PtRecord>;
  /** The gotos and returns this path went through, newest last; explains leaks, not part of the identity. */
  trail: TrailStep[];
}

export const UNKNOWN: Value = {};

/** Fact key: `unknown-lock:folio:folio` — a call through a pointer was given the lock's object; truth: it was the caller's. */
export const UNKNOWN_LOCK_FACT = 'unknown-lock:';

/** Fact key: `stored:spin:ptl` = {eq: 'fw->ptl'} — the held lock was stored where the caller can reach it. */
export const STORED_FACT = 'stored:';

/** Fact key: `param-store:args->lock` = {eq: 'lock'} — a parameter stored into another parameter's field. */
export const PARAM_STORE_FACT = 'param-store:';

/**
 * Fact key: `untold-store:*foliop` — the path stored through an out-parameter an object that a call it does
 * not know returned, which may be locked (6.1 mm/shmem.c shmem_get_folio_gfp() after `__filemap_get_folio()`).
 */
export const UNTOLD_STORE_FACT = 'untold-store:';

/** Fact key: `handed-back:vmf` — the object was given to a call through a pointer, which may return it locked. */
export const HANDED_BACK_FACT = 'handed-back:';

/**
 * Fact key: `moved:root` — the parameter was assigned on this path, so it no longer names the caller's argument
 * (mm/rmap.c lock_anon_vma_root() assigns `root = new_root` and returns it locked). Locks the caller held
 * through its first value keep that value's name, `root@entry->rwsem` (ENTRY_NAME).
 */
export const MOVED_FACT = 'moved:';
export const ENTRY_NAME = '@entry';

export function initialState(): State {
  return { locks: new Map(), facts: new Map(), pt: new Map(), trail: [] };
}

export function cloneState(s: State): State {
  return { locks: new Map(s.locks), facts: new Map(s.facts), pt: new Map(s.pt), trail: s.trail };
}

// Copies that own one map and share the others with `s`: only the owned map may be changed. A state is
// copied at almost every step, and most steps change one map (copying all three was a fifth of the time).

/** A copy of `s` whose facts are its own. */
export function withOwnFacts(s: State): State {
  return { ...s, facts: new Map(s.facts) };
}

/** A copy of `s` whose page-table facts are its own. */
export function withOwnPt(s: State): State {
  return { ...s, pt: new Map(s.pt) };
}

export function withTrail(s: State, step: TrailStep): State {
  const trail = s.trail.length >= 6 ? [...s.trail.slice(1), step] : [...s.trail, step];
  return { ...s, trail };
}

/**
 * The distinct states seen at one CFG node. Identity leaves the trail out on purpose. A state's hash is a
 * commutative sum of per-entry hashes, so no key is sorted or joined (building sorted identity strings was a
 * third of the interpreter's time); states with equal hashes are compared entry by entry, so a collision
 * never merges two different states.
 */
export class StateSet {
  private readonly buckets = new Map<number, State[]>();
  size = 0;

  has(s: State): boolean {
    return this.buckets.get(stateHash(s))?.some((t) => sameState(s, t)) ?? false;
  }

  /** Adds `s` unless an equal state is already in; says whether it was added. */
  add(s: State): boolean {
    const h = stateHash(s);
    const bucket = this.buckets.get(h);
    if (bucket) {
      if (bucket.some((t) => sameState(s, t))) return false;
      bucket.push(s);
    } else {
      this.buckets.set(h, [s]);
    }
    this.size++;
    return true;
  }
}

function stateHash(s: State): number {
  let locks = 0;
  for (const l of s.locks.values()) locks = (locks + lockHash(l)) | 0;
  let pt = 0;
  for (const [k, v] of s.pt) pt = (pt + mix(stringHash(k) ^ Math.imul(stringHash(v.value), 0x9e3779b1))) | 0;
  let facts = 0;
  for (const [k, v] of s.facts) facts = (facts + mix(stringHash(k) ^ Math.imul(valueHash(v), 0x85ebca6b))) | 0;
  return mix(locks ^ mix(pt + 0x27d4eb2f) ^ Math.imul(mix(facts + 0x165667b1), 0xc2b2ae35));
}

function sameState(a: State, b: State): boolean {
  if (a.locks.size !== b.locks.size || a.pt.size !== b.pt.size || a.facts.size !== b.facts.size) return false;
  for (const [k, l] of a.locks) {
    const m = b.locks.get(k);
    if (!m || (m !== l && lockKey(m) !== lockKey(l))) return false;
  }
  for (const [k, v] of a.pt) if (b.pt.get(k)?.value !== v.value) return false;
  for (const [k, v] of a.facts) {
    const w = b.facts.get(k);
    if (!w || (w !== v && !sameValue(w, v))) return false;
  }
  return true;
}

/** murmur3's finaliser: spreads the bits of a sum of entry hashes. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

// Records and values are never mutated once made (states are copied before they change), so their
// identities are computed once: a state's hash is taken at every CFG node it reaches.
const lockKeys = new WeakMap<LockRecord, string>();
const lockHashes = new WeakMap<LockRecord, number>();
const valueHashes = new WeakMap<Value, number>();
const stringHashes = new Map<string, number>();

function lockKey(l: LockRecord): string {
  let k = lockKeys.get(l);
  if (k === undefined) {
    k = `${l.key}|${l.status}|${l.mode ?? ''}|${l.count}|${l.fromCaller ? 'c' : ''}${l.assertedAt ? 'a' : ''}|${l.status === 'held' ? l.site.startRow : ''}`;
    lockKeys.set(l, k);
  }
  return k;
}

function lockHash(l: LockRecord): number {
  let h = lockHashes.get(l);
  if (h === undefined) lockHashes.set(l, (h = mix(stringHash(lockKey(l)))));
  return h;
}

function valueHash(v: Value): number {
  let h = valueHashes.get(v);
  if (h === undefined) {
    h = v.eq === undefined ? 0x3c6ef372 : stringHash(v.eq);
    for (const x of v.ne ?? []) h = Math.imul(h ^ stringHash(x), 0x01000193);
    h = mix(h + (v.truth === undefined ? 0 : v.truth ? 1 : 2));
    valueHashes.set(v, h);
  }
  return h;
}

/** FNV-1a, memoised: variable names, lock keys and fact values recur across every state of a function. */
function stringHash(text: string): number {
  let h = stringHashes.get(text);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    if (stringHashes.size > 100_000) stringHashes.clear(); // a bound for a long-running server
    stringHashes.set(text, h);
  }
  return h;
}

export function isHeld(l: LockRecord | undefined): boolean {
  return !!l && (l.count !== 0 ? l.count > 0 : l.status === 'held');
}

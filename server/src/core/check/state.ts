// The abstract state of one path through a function: which locks it holds (and how it came to hold or
// drop them), and what it knows about the variables and conditions that later branches test.
import type { Span } from '../cfg/types';
import type { LockFamily, LockMode } from '../model/api';
import type { PtFact } from '../model/protocol';

export interface LockRecord {
  key: string;
  family: LockFamily;
  /** The lock expression as written (`vma->anon_vma`, `ptl`), or the family label for singletons. */
  name: string;
  mode?: LockMode;
  status: 'held' | 'released';
  /** Held when the function was entered: inferred from releasing an untouched lock, or from an annotation. */
  fromCaller: boolean;
  /** Nesting depth relative to function entry, for counting families (RCU, PTE map, IRQ-off). */
  count: number;
  /** Where it was last acquired (status held) or released (status released). */
  site: Span;
  siteText: string;
  role?: string;
}

/** What a path knows about a value: equal to a named constant, unequal to some, and/or its truthiness. */
export interface Value {
  eq?: string;
  ne?: string[];
  truth?: boolean;
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
}

export interface State {
  locks: Map<string, LockRecord>;
  facts: Map<string, Value>;
  pt: Map<PtFact, PtRecord>;
  /** The gotos and returns this path went through, newest last; explains leaks, not part of the identity. */
  trail: TrailStep[];
}

export const UNKNOWN: Value = {};

export function initialState(): State {
  return { locks: new Map(), facts: new Map(), pt: new Map(), trail: [] };
}

export function cloneState(s: State): State {
  return { locks: new Map(s.locks), facts: new Map(s.facts), pt: new Map(s.pt), trail: s.trail };
}

export function withTrail(s: State, step: TrailStep): State {
  const trail = s.trail.length >= 6 ? [...s.trail.slice(1), step] : [...s.trail, step];
  return { ...s, trail };
}

/** Identity of a state for deduplication at a CFG node (the trail is left out on purpose). */
export function stateHash(s: State, withFacts = true): string {
  const locks = sortedJoin([...s.locks.values()].map(lockKey), ';');
  const pt = s.pt.size === 0 ? '' : sortedJoin([...s.pt.entries()].map(([k, v]) => `${k}=${v.value}`), ',');
  if (!withFacts) return `${locks}@${pt}`;
  const facts = s.facts.size === 0 ? '' : sortedJoin([...s.facts.entries()].map(([k, v]) => `${k}=${valueKey(v)}`), ';');
  return `${locks}@${pt}#${facts}`;
}

// Records and values are never mutated once made (states are copied before they change), so their
// identity strings are computed once: stateHash() runs for every state at every CFG node.
const lockKeys = new WeakMap<LockRecord, string>();
const valueKeys = new WeakMap<Value, string>();

function lockKey(l: LockRecord): string {
  let k = lockKeys.get(l);
  if (k === undefined) {
    k = `${l.key}|${l.status}|${l.mode ?? ''}|${l.count}|${l.fromCaller ? 'c' : ''}|${l.status === 'held' ? l.site.startRow : ''}`;
    lockKeys.set(l, k);
  }
  return k;
}

function valueKey(v: Value): string {
  let k = valueKeys.get(v);
  if (k === undefined) {
    k = `${v.eq ?? ''}/${v.ne?.join(',') ?? ''}/${v.truth ?? ''}`;
    valueKeys.set(v, k);
  }
  return k;
}

function sortedJoin(parts: string[], sep: string): string {
  return parts.length < 2 ? parts.join(sep) : parts.sort().join(sep);
}

export function isHeld(l: LockRecord | undefined): boolean {
  return !!l && (l.count !== 0 ? l.count > 0 : l.status === 'held');
}

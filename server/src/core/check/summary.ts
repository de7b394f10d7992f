// Per-function summaries: what a call to a function of the same file does to its caller's locks, per
// returned value. Computed from the function's own exits, so `__collapse_huge_page_swapin()` dropping the
// mmap_lock on failure, or `hpage_collapse_scan_pmd()` reporting through `*mmap_locked` that it did, needs
// no hard-coded list of function names.
import type { LockFamily, LockMode } from '../model/api';
import { FAMILIES } from '../model/api';
import type { Expr, FunctionCfg, Span } from '../cfg/types';
import { EVIDENCE_PT_FACTS, type PtFact } from '../model/protocol';
import type { Interpretation } from './interpret';
import { returnsHiddenTable, type EntryRequirement } from './protocolTracker';
import { commonValue, compareValues, sameValue } from './values';
import { RETURNED, rootOf } from './identity';
import { forEachCall } from '../cfg/calls';
import { ENTRY_NAME, HANDED_BACK_FACT, MOVED_FACT, PARAM_STORE_FACT, STORED_FACT, UNKNOWN_LOCK_FACT, UNNAMED_RELEASE, UNTOLD_STORE_FACT, type LockRecord, type ReleaseOrigin, type Value } from './state';
import { callsInLoops, spanKey } from '../cfg/loops';

export interface SummaryEffect {
  /**
   * `release-all`: the callee unlocked locks of this family on objects it found itself (release_pte_pages()
   * walks the PTEs and the compound list and unlocks every isolated folio): the caller's locks of the family
   * are released.
   */
  op: 'acquire' | 'release' | 'release-all';
  family: LockFamily;
  /**
   * Lock identity with the callee's parameters written as $0, $1… (`$0->anon_vma`), the returned object as
   * `$ret` (`$ret->lock`), or a global's name.
   */
  identity: string;
  mode?: LockMode;
  /**
   * A release of a lock no one on the path had taken: where it is. A `release-all` has one only when it
   * released a single lock, not a walk's (in a loop): the caller that holds none of the family passes it up.
   */
  origin?: ReleaseOrigin;
}

export interface SummaryOutcome {
  returns: Value;
  /** Page-table facts the callee leaves behind on this outcome (a cleared PMD, a copy, a flush…). */
  pt: [PtFact, string][];
  effects: SummaryEffect[];
  /** Values written through pointer parameters, by parameter index (`*mmap_locked = false`). */
  outParams: Map<number, Value>;
  /**
   * The caller's objects this outcome gave to a call through a pointer, as in SummaryEffect (`$2` for the
   * folio mm/filemap.c filemap_read_folio() passes to filler()): what their locks are now, the caller cannot know.
   */
  givenAway: string[];
  /**
   * What this outcome's paths knew about the parameters (`vma->vm_file`: argument 0, path `->vm_file`): the
   * branches that chose its lock effects. A caller takes only the outcomes its own facts allow and learns
   * these, so a second call that tests the same things takes the matching outcome (mm/mremap.c:
   * take_rmap_locks() and drop_rmap_locks() both test vma->vm_file and vma->anon_vma).
   */
  conditions: SummaryCondition[];
  /**
   * Parameters stored into a field of another parameter, target to source (`$0->lock` ← `$1` for mm/memory.c
   * pfnmap_args_setup(args, lock, …)): a lock the caller holds through the source is then stored there.
   */
  stores?: [string, string][];
  /** The outcome returns its parameter of this index, as the caller passed it (never assigned on the way). */
  returnsArg?: number;
  /**
   * Where in the callee a path of this outcome leaves (its last goto, else its return): where a caller that
   * cannot tell this outcome from another with other lock effects puts the finding (lockPair.ts).
   */
  exit?: { site: Span; text: string };
}

export interface SummaryCondition {
  /** The argument, by index. */
  arg: number;
  /** The field path from it ('' for the argument itself). */
  path: string;
  value: Value;
}

export interface FunctionSummary {
  name: string;
  outcomes: SummaryOutcome[];
  /** Protocol requirements the function could not decide: its callers check them at each call. */
  requires: EntryRequirement[];
  /** Locks the function asserts its caller holds (its own assertions, or its callees' passed on). */
  expects: HeldContract[];
  /**
   * Some outcome returns an object it locked, but callers cannot tell which (dropUntellableReturnedLocks): what
   * a caller releases on the result, it may hold.
   */
  untoldLockedResult?: true;
  /** Out-parameters (`struct folio **foliop`) through which some outcome hands back an object that may be locked. */
  untoldLockedOut?: number[];
}

/** A lock the callee asserts held on entry: `mmap_assert_write_locked(mm)`, `lockdep_assert_held(&l)`. */
export interface HeldContract {
  family: LockFamily;
  /** As in SummaryEffect: `$0->anon_vma`, a global's name, or the family of a singleton. */
  identity: string;
  mode?: LockMode;
  /** The assertion, in the function where it is written. */
  origin: { site: Span; text: string };
}

const MAX_OUTCOMES = 8;

/** Facts about the callee's own mapping and branch decisions mean nothing to its caller. */
const CALLEE_LOCAL_PT = new Set<PtFact>(['mapped', 'wholePmd', 'exitChecked', 'mayExit', 'privateTable']);

/**
 * `leaked`: locks reported as LOCK-PAIR leaks in this function. Their leaking exits are the bug, not the
 * contract: the summary says what the function means to do (release them), so one leak in
 * vma_collapse_anon_folio() is reported there once instead of again in every caller up the chain.
 */
export function summarize(cfg: Pick<FunctionCfg, 'name' | 'params' | 'locals' | 'nodes'>, result: Interpretation,
  leaked: ReadonlySet<string> = new Set()): FunctionSummary | undefined {
  const { name, params, locals } = cfg;
  if (!result.complete) return undefined;
  const written = writtenPaths(cfg);
  const outcomes: SummaryOutcome[] = [];
  const ownEvidence = new Map<SummaryOutcome, Set<PtFact>>();
  // The parameters whose pointee the function may write: it assigns `*p`, or passes `p` on to a call, which may.
  const passedOn = namesPassedToCalls(cfg);
  const writable = new Set(params.filter((p) => written.has(`*${p}`) || passedOn.has(p)));
  const inLoops = callsInLoops(cfg);
  for (const exit of result.exits) {
    const effects: SummaryEffect[] = [];
    // Parameters this path assigned: they no longer name the caller's arguments.
    const moved = new Set(params.filter((p) => exit.state.facts.has(`${MOVED_FACT}${p}`)));
    for (const lock of exit.state.locks.values()) {
      const effect = netEffect(lock);
      if (!effect || (effect === 'acquire' && leaked.has(lock.key))) continue;
      // Only a lock taken on the returned object is the caller's: one released on it was never the caller's.
      const stored = exit.state.facts.get(`${STORED_FACT}${lock.key}`)?.eq;
      const identity = calleeIdentity(stored ? { ...lock, key: `${lock.family}:${stored}` } : lock, params, locals,
        effect === 'acquire' ? returnedLocal(exit.node.returnValue) : undefined, moved);
      // Released through a parameter after the path assigned it a new object (mm/swapfile.c unuse_pte():
      // `folio = ksm_might_need_to_copy(folio, …)`, then the copy unlocked when `folio != swapcache`): that
      // object came from a callee, not from the caller, whose argument's locks are named `@entry`.
      if (identity === undefined && moved.has(rootOf(lock.key.slice(lock.family.length + 1)))) continue;
      const origin = effect === 'release' ? lock.releasedIn : undefined;
      if (identity !== undefined) effects.push({ op: effect, family: lock.family, identity, mode: lock.mode, ...(origin ? { origin } : {}) });
      else if (effect === 'release') {
        // Released in a loop here, itself or by the callee called there, on an object the loop found: a walk's.
        // One a callee already passed up unnamed (UNNAMED_RELEASE) was one lock there, whoever loops over it.
        const walk = !lock.key.startsWith(`${lock.family}:${UNNAMED_RELEASE}`) && inLoops.has(spanKey(lock.site));
        const single = origin && !walk ? origin : undefined;
        // One walk's effect per family; each single release keeps its place.
        if (!effects.some((e) => e.op === 'release-all' && e.family === lock.family && e.origin === single)) {
          effects.push({ op: 'release-all', family: lock.family, identity: '*', ...(single ? { origin: single } : {}) });
        }
      }
    }
    const order = (e: SummaryEffect) => `${e.family}${e.identity}${e.origin ? `@${e.origin.function}:${spanKey(e.origin.site)}` : ''}`;
    effects.sort((a, b) => order(a).localeCompare(order(b)));
    const outParams = new Map<number, Value>();
    params.forEach((p, i) => {
      const v = exit.state.facts.get(`*${p}`);
      // What the function only read there (`*flags & FOLL_WRITE` in 6.1 mm/gup.c faultin_page()) is no value
      // it hands back.
      if (v && writable.has(p)) outParams.set(i, v);
    });
    const pt = [...exit.state.pt.entries()]
      // A PMD the callee leaves cleared is reported there (BACKOFF-RESTORES-PMD), once, not in every caller,
      // unless the callee returns the cleared value: then the table is the caller's to restore.
      .filter(([fact, r]) => !CALLEE_LOCAL_PT.has(fact) &&
        !(fact === 'pmd' && r.value === 'hidden' && !returnsHiddenTable(exit.state, exit.node.returnValue ?? undefined)))
      .map(([fact, r]): [PtFact, string] => [fact, r.value])
      .sort();
    const conditions = parameterFacts(exit.state.facts, params, written);
    const givenAway = givenAwayObjects(exit.state.facts, params, locals);
    const stores = parameterStores(exit.state.facts, params);
    // An object returned with its lock held is no NULL pointer and no ERR_PTR(), whatever the path knew of it:
    // the lock was taken on the object (mm/shmem.c shmem_alloc_and_add_folio() returns a folio it locked, or
    // an ERR_PTR(), which callers tell apart with IS_ERR()).
    const returnsLocked = effects.some((e) => e.op === 'acquire' && e.identity.startsWith(RETURNED));
    const returns = returnsLocked && exit.value.eq === undefined && exit.value.truth !== false
      ? { ...exit.value, truth: true, ne: [...new Set([...(exit.value.ne ?? []), '0', 'ERR_PTR'])] } : exit.value;
    const leaving = [...exit.state.trail].reverse().find((t) => t.label.startsWith('goto'));
    const exitSite = leaving ? { site: leaving.span, text: leaving.label } : exit.node.span ? { site: exit.node.span, text: exit.node.label ?? 'return' } : undefined;
    const returnedParam = params.indexOf(returnedLocal(exit.node.returnValue) ?? '');
    const returnsArg = returnedParam >= 0 && !moved.has(params[returnedParam]) ? { returnsArg: returnedParam } : {};
    const outcome = { returns, effects, outParams, pt, conditions, givenAway, ...returnsArg, ...(stores.length > 0 ? { stores } : {}), ...(exitSite ? { exit: exitSite } : {}) };
    // Exits that differ only in page-table facts or conditions are one outcome with the facts they agree
    // on: the return value and lock effects are what callers branch on, and this keeps summaries small.
    const same = outcomes.find((o) => sameOutcome(o, { ...outcome, pt: o.pt }));
    // Evidence this function's own calls set, not its callees' (which their own summaries kept): one level up
    // is where it is needed, and further up it would only split the callers' paths by history.
    const evidence = new Set(pt.filter(([f]) => EVIDENCE_PT_FACTS.has(f) && !exit.state.pt.get(f)?.fromCallee).map(([f]) => f));
    if (same) {
      const kept = ownEvidence.get(same)!;
      const added = outcome.pt.filter(([f]) => evidence.has(f) && !same.pt.some(([g]) => g === f));
      same.pt = [...same.pt.filter(([f, v]) => kept.has(f) || outcome.pt.some(([g, w]) => f === g && v === w)), ...added].sort();
      for (const f of evidence) kept.add(f);
      same.conditions = commonConditions(same.conditions, conditions);
    } else {
      outcomes.push(outcome);
      ownEvidence.set(outcome, evidence);
    }
  }
  const untold = dropUntellableReturnedLocks(outcomes);
  markLockedResultsTrue(outcomes);
  const requires = [...(result.protocol?.entry.values() ?? [])];
  const expects = heldContracts(result, params, locals);
  const untoldOut = params.flatMap((p, i) => (result.exits.some((e) => e.state.facts.has(`${UNTOLD_STORE_FACT}*${p}`)) ? [i] : []));
  if (!outcomes.some((o) => o.effects.length > 0 || o.pt.length > 0 || o.givenAway.length > 0 || o.stores) && requires.length === 0 && expects.length === 0 &&
    untoldOut.length === 0) return undefined;
  // How many objects a walk releases is data, not control flow: a loop that may run zero times releases
  // the caller's locks on every outcome (release_pte_pages() finds every folio the caller isolated).
  // Not one lock released unnamed (with its origin): the outcomes that did not release it did not.
  const releasedAll = new Set(outcomes.flatMap((o) => o.effects.filter((e) => e.op === 'release-all' && !e.origin).map((e) => e.family)));
  for (const o of outcomes) {
    for (const family of releasedAll) {
      if (!o.effects.some((e) => e.op === 'release-all' && e.family === family)) o.effects.push({ op: 'release-all', family, identity: '*' });
    }
  }
  return {
    name, outcomes: outcomes.length > MAX_OUTCOMES ? mergeByEffects(outcomes) : outcomes, requires, expects,
    ...(untold ? { untoldLockedResult: true } : {}), ...(untoldOut.length > 0 ? { untoldLockedOut: untoldOut } : {}),
  };
}

/** The caller's locks some path asserted held, in the caller's terms; one per lock, the first assertion. */
function heldContracts(result: Interpretation, params: string[], locals: string[]): HeldContract[] {
  const out = new Map<string, HeldContract>();
  for (const exit of result.exits) {
    for (const lock of exit.state.locks.values()) {
      if (!lock.assertedAt || !lock.fromCaller || out.has(lock.key)) continue;
      const identity = calleeIdentity(lock, params, locals);
      if (identity !== undefined) out.set(lock.key, { family: lock.family, identity, mode: lock.mode, origin: lock.assertedAt });
    }
  }
  return [...out.values()].sort((a, b) => `${a.family}${a.identity}`.localeCompare(`${b.family}${b.identity}`));
}

/**
 * The caller's objects, in callee-relative form, that the exit's path gave to a call through a pointer and did
 * not lock or unlock again afterwards (lockOp forgets the fact then).
 */
function givenAwayObjects(facts: ReadonlyMap<string, Value>, params: string[], locals: string[]): string[] {
  const out = new Set<string>();
  for (const key of facts.keys()) {
    let object: string | undefined;
    if (key.startsWith(HANDED_BACK_FACT)) object = key.slice(HANDED_BACK_FACT.length);
    else if (key.startsWith(UNKNOWN_LOCK_FACT)) object = key.slice(UNKNOWN_LOCK_FACT.length).replace(/^[^:]*:/, '');
    const root = object && /^[A-Za-z_]\w*/.exec(object)?.[0];
    if (!object || !root || locals.includes(root)) continue;
    const index = params.indexOf(root);
    if (index >= 0) out.add(`$${index}${object.slice(root.length)}`);
  }
  return [...out].sort();
}

/** What the function did to this lock, seen from the caller. */
function netEffect(lock: LockRecord): 'acquire' | 'release' | undefined {
  if (FAMILIES[lock.family].counting) return lock.count > 0 ? 'acquire' : lock.count < 0 ? 'release' : undefined;
  if (FAMILIES[lock.family].ownedBy) return undefined;
  if (lock.status === 'held' && !lock.fromCaller) return 'acquire';
  if (lock.status === 'released' && lock.fromCaller) return 'release';
  return undefined;
}

/** `root@entry`: a lock reached through a parameter's first value (MOVED_FACT). */
const ENTRY_PARAMETER = new RegExp(`^([A-Za-z_]\\w*)${ENTRY_NAME}`);

/**
 * The lock's identity in terms the caller can instantiate; undefined for locks on the callee's locals, except
 * the local it returns (`$ret`): mm/swapfile.c lock_cluster() returns the cluster whose lock it took.
 */
function calleeIdentity(lock: LockRecord, params: string[], locals: string[], returned?: string, moved: ReadonlySet<string> = new Set()): string | undefined {
  const key = lock.key.slice(lock.family.length + 1);
  if (FAMILIES[lock.family].singleton) return key;
  // Stored through an out-parameter (`*foliop`): what the caller's argument points to.
  const out = /^\*([A-Za-z_]\w*)$/.exec(key)?.[1];
  if (out !== undefined) return params.includes(out) && !moved.has(out) ? `*$${params.indexOf(out)}` : undefined;
  // `root@entry->rwsem`: through the parameter's value on entry (MOVED_FACT).
  const entry = ENTRY_PARAMETER.exec(key);
  const identity = entry ? entry[1] + key.slice(entry[0].length) : key;
  const root = /^[A-Za-z_]\w*/.exec(identity)?.[0];
  // A parameter assigned on the path is a local there, but for its first value's locks.
  const local = (r: string) => !params.includes(r) || (moved.has(r) && !entry);
  if (root !== undefined && root === returned && local(root)) return `${RETURNED}${identity.slice(root.length)}`;
  if (!root || locals.includes(root) || (moved.has(root) && !entry)) return undefined;
  const index = params.indexOf(root);
  // A global such as khugepaged_mm_lock is the same lock in the caller.
  return index >= 0 ? `$${index}${identity.slice(root.length)}` : identity;
}

/** `param->f = other` facts (PARAM_STORE_FACT) in the caller's terms: [`$i->f`, `$j`]. */
function parameterStores(facts: ReadonlyMap<string, Value>, params: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of facts) {
    if (!k.startsWith(PARAM_STORE_FACT) || v.eq === undefined) continue;
    const target = k.slice(PARAM_STORE_FACT.length);
    const root = /^[A-Za-z_]\w*/.exec(target)![0];
    out.push([`$${params.indexOf(root)}${target.slice(root.length)}`, `$${params.indexOf(v.eq)}`]);
  }
  return out.sort();
}

/**
 * A result not known here, returned holding a lock this function took, where every outcome that holds none of
 * them returns NULL or false: callers are taken to test it for the lock (LOCK-PAIR warns of that guess in the
 * function itself), so that outcome returns a true value (mm/pagewalk.c folio_walk_start()).
 */
function markLockedResultsTrue(outcomes: SummaryOutcome[]): void {
  const acquires = (o: SummaryOutcome) => o.effects.some((e) => e.op === 'acquire');
  const failing = outcomes.filter((o) => !acquires(o));
  if (failing.length === 0 || !failing.every((o) => o.returns.truth === false)) return;
  for (const o of outcomes) {
    if (acquires(o) && o.returns.truth === undefined && o.returns.eq === undefined) o.returns = { ...o.returns, truth: true };
  }
}

/**
 * A lock on the returned object is the caller's to release only when the caller can tell that it got it:
 * every outcome returns it locked, or those that do not return something else (NULL, an error). Otherwise
 * (mm/z3fold.c get_z3fold_header() locks the header except for headless pages, which its callers tell by a
 * page flag) the summary says nothing of it, as of any lock on a callee's local. An outcome that returns the
 * caller's own argument is told apart too: the caller gets back what it passed, with the locks it had
 * (mm/rmap.c lock_anon_vma_root() returns the root it was given when the next anon_vma shares it).
 */
function dropUntellableReturnedLocks(outcomes: SummaryOutcome[]): boolean {
  const returned = (o: SummaryOutcome) => o.effects.filter((e) => e.op === 'acquire' && e.identity.startsWith(RETURNED));
  const untellable = outcomes.some((locked) => returned(locked).some((e) => outcomes.some((o) =>
    o.returnsArg === undefined && !returned(o).some((f) => f.identity === e.identity && f.family === e.family) &&
    compareValues(o.returns, locked.returns) !== false)));
  if (!untellable) return false;
  for (const o of outcomes) o.effects = o.effects.filter((e) => !e.identity.startsWith(RETURNED));
  return true;
}

function returnedLocal(e: Expr | undefined): string | undefined {
  return e?.kind === 'ident' ? e.name : undefined;
}

function sameOutcome(a: SummaryOutcome, b: SummaryOutcome): boolean {
  return sameValue(a.returns, b.returns) && a.returnsArg === b.returnsArg && JSON.stringify(a.givenAway) === JSON.stringify(b.givenAway) &&
    JSON.stringify(a.effects) === JSON.stringify(b.effects) && JSON.stringify(a.pt) === JSON.stringify(b.pt) &&
    JSON.stringify([...a.outParams]) === JSON.stringify([...b.outParams]);
}

/** What both paths knew of an argument: `flags` with FOLL_UNLOCKABLE set on both, whatever else differs. */
function commonConditions(a: SummaryOutcome['conditions'], b: SummaryOutcome['conditions']): SummaryOutcome['conditions'] {
  return a.flatMap((c) => {
    const d = b.find((x) => c.arg === x.arg && c.path === x.path);
    const value = d && commonValue(c.value, d.value);
    return value ? [{ ...c, value }] : [];
  });
}

function mergeByEffects(outcomes: SummaryOutcome[]): SummaryOutcome[] {
  const byEffects = new Map<string, SummaryOutcome>();
  for (const o of outcomes) {
    const k = JSON.stringify(o.effects) + JSON.stringify([...o.outParams]) + JSON.stringify(o.pt) + JSON.stringify(o.givenAway);
    // What all the merged outcomes return is still theirs (mm/shmem.c shmem_swapin_folio() returns 0 on
    // every outcome that hands back its folio locked). Their conditions are not: kept, they split the
    // callers' paths (khugepaged_do_scan(), madvise_collapse()) and told no lock apart on released mm/.
    const merged = byEffects.get(k);
    if (!merged) byEffects.set(k, { ...o, returnsArg: undefined, conditions: [] });
    else merged.returns = commonValue(merged.returns, o.returns) ?? {};
  }
  return [...byEffects.values()];
}

/** The names the function passes as a call's argument. */
function namesPassedToCalls(cfg: Pick<FunctionCfg, 'nodes'>): ReadonlySet<string> {
  const out = new Set<string>();
  forEachCall(cfg, (call) => { for (const a of call.args) if (a.kind === 'ident') out.add(a.name); });
  return out;
}

/**
 * What the function may write: parameters (and field paths) it assigns, or passes by address. A fact about
 * `vma->anon_vma` at an exit describes the caller's argument only when neither `vma` nor it is written.
 */
export function writtenPaths(cfg: Pick<FunctionCfg, 'nodes'>): ReadonlySet<string> {
  const cached = writtenCache.get(cfg);
  if (cached) return cached;
  const assigned = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'assign') {
      assigned.add(e.target.kind === 'ident' ? e.target.name : e.target.text.replace(/\s+/g, ''));
      walk(e.value);
    } else if (e.kind === 'update' && e.target.kind === 'ident') assigned.add(e.target.name);
    else if (e.kind === 'unary') {
      if (e.op === '&' && e.arg.kind === 'ident') assigned.add(e.arg.name); // a callee may write it
      walk(e.arg);
    } else if (e.kind === 'binary') { walk(e.left); walk(e.right); }
    else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'opaque') e.parts.forEach(walk);
  };
  for (const n of cfg.nodes) {
    for (const ev of n.events) if (ev.kind === 'eval') walk(ev.expr);
    if (n.condition) walk(n.condition);
  }
  writtenCache.set(cfg, assigned);
  return assigned;
}

const writtenCache = new WeakMap<object, ReadonlySet<string>>();

/** A name or a field path from one (`vma`, `vma->vm_file`, `cc->is_khugepaged`): what a caller can test too. */
export const FIELD_PATH = /^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$/;

/** The exit's facts about parameters the function does not write, by argument and path, in a stable order. */
function parameterFacts(facts: ReadonlyMap<string, Value>, params: string[], written: ReadonlySet<string>): SummaryCondition[] {
  const out: SummaryCondition[] = [];
  for (const [key, value] of facts) {
    if (value.truth === undefined && value.eq === undefined) continue;
    // `root@entry`: the parameter's value on entry, kept where the path assigned it (MOVED_FACT).
    const entry = params.findIndex((p) => key === `${p}${ENTRY_NAME}`);
    if (entry >= 0) out.push({ arg: entry, path: '', value });
    if (!FIELD_PATH.test(key)) continue;
    // Neither the parameter nor any path on the way to the fact may be written: `vma->anon_vma` and its prefix `vma`.
    const steps = key.split(/(?=->|\.)/);
    const arg = params.indexOf(steps[0]);
    if (arg < 0 || steps.some((_, i) => written.has(steps.slice(0, i + 1).join('')))) continue;
    out.push({ arg, path: key.slice(steps[0].length), value });
  }
  return out.sort((a, b) => a.arg - b.arg || a.path.localeCompare(b.path));
}

// A path-sensitive abstract interpreter over one function's CFG (smatch-style): each CFG node keeps the set
// of distinct states that reach it; a call forks the state once per outcome of its API row or of the callee's
// summary; a branch keeps only the states its condition allows. It records everything the lock rules need:
// the states at every exit and the lock events (double acquire, double release, release of an untouched lock).
import type { CfgEvent, CfgNode, Expr, FunctionCfg, Span } from '../cfg/types';
import { ALIAS_CALLS, CALL_VALUES, FAMILIES, GUARD_CLASSES, LOCK_TESTS, PAGE_TABLE_LOCK_POINTERS, PMD_CHANGING_CALLS, POINTER_TESTS, PURE_TESTS, WARN_MACROS, apiRow, lockOfField, resultSays, type ApiRow, type LockEffect, type LockFamily, type LockMode } from '../model/api';
import { deadLocalsAt } from './liveness';
import { ENTRY_NAME, HANDED_BACK_FACT, MOVED_FACT, PARAM_STORE_FACT, STORED_FACT, StateSet, UNTOLD_STORE_FACT, UNKNOWN_LOCK_FACT, UNNAMED_RELEASE, cloneState, initialState, isHeld, withOwnFacts, withTrail, type LockRecord, type ReleaseOrigin, type State, type Value } from './state';
import { FIELD_PATH, writtenPaths, type FunctionSummary, type HeldContract, type SummaryCondition, type SummaryOutcome } from './summary';
import { RETURNED, argumentPath, exprText, instantiate, isGlobalLockName, lockIdentity, pointedTo, rootOf, within } from './identity';
import { calleeNameSpan, forEachCall } from '../cfg/calls';
import { spanKey } from '../cfg/loops';
import { lockClassOf } from '../model/lockOrder';
import { ProtocolTracker, type CallSiteRecord, type EntryRequirement, type ProtocolEnv, type ProtocolViolation } from './protocolTracker';
import { compareValues, flagMask, isNamedConstant, isNegative, isZeroLiteral, literalValue, orValues, refineMask, refineTruth, testMask, truthValue, valueForReturnSpec } from './values';

export interface ExitState {
  state: State;
  value: Value;
  node: CfgNode;
}

export type LockEventKind = 'double-acquire' | 'double-release' | 'release-untouched' | 'release-frame' | 'release-held' | 'wrong-mode' | 'asserted-released' | 'asserted-wrong-mode' | 'unset' | 'pt-lock-alias';

export interface LockEvent {
  kind: LockEventKind;
  key: string;
  name: string;
  family: LockFamily;
  site: Span;
  siteText: string;
  /** The earlier acquire/release this event conflicts with. */
  previous?: { site: Span; siteText: string };
  /** pt-lock-alias: the lock taken here, which may be the held one. */
  taken?: string;
}

export interface Interpretation {
  exits: ExitState[];
  events: LockEvent[];
  complete: boolean;
  statesVisited: number;
  /** For each goto/return (by `row:column`), the lock keys held on every path that reaches it. */
  heldAt: Map<string, Set<string>>;
  /** Present when the context asked for the collapse protocol to be followed. */
  protocol?: {
    violations: ProtocolViolation[];
    entry: Map<string, EntryRequirement>;
    callSites: CallSiteRecord[];
  };
}

export interface InterpretContext {
  summaries: ReadonlyMap<string, FunctionSummary>;
  /** Locks held on entry by the function's annotations (__must_hold, __releases). */
  entryLocks: LockRecord[];
  /** What the caller knows on entry about values behind pointer parameters (`*mmap_locked`). */
  entryFacts?: ReadonlyMap<string, Value>;
  /**
   * The callee's summary for a call whose pointer arguments carry known values: hpage_collapse_scan_ptes()
   * reads `*mmap_locked`, which every caller sets to true, before deciding to take the mmap_lock.
   */
  summaryAt?: (callee: string, pointerArgs: ReadonlyMap<number, Value>) => FunctionSummary | undefined;
  /** Follow the collapse protocol (page-table state, requirements) too. */
  protocol?: ProtocolEnv;
  /** Told of every call to a summarised function, with the known pointer-argument values (empty: none). */
  onSummaryCall?: (callee: string, pointerArgs: ReadonlyMap<number, Value>) => void;
  /**
   * Told, at every call of a function of the same file (`localFunctions`), the locks the path holds there in
   * the callee's terms (callerHeldKeys): what every caller holds is the callee's inferred entry state.
   */
  onHeldAtCall?: (callee: string, held: string[]) => void;
  localFunctions?: ReadonlySet<string>;
  /**
   * Functions of the file's recursive cycles not analysed yet: what they do is not known, as for a call
   * through a pointer, rather than nothing (analysis.ts analyses the cycle again once they are).
   */
  pendingFunctions?: ReadonlySet<string>;
  /** Upper bound on explored (node, state) pairs; past it the result is marked incomplete. */
  maxStates?: number;
  /** performance.now() time after which the interpretation stops, incomplete. */
  deadline?: number;
}

/** States kept per CFG node before facts are dropped to merge them. */
const STATES_PER_NODE = 512;
const DEFAULT_MAX_STATES = 200_000;
const COUNT_LIMIT = 3;

export function interpret(cfg: FunctionCfg, ctx: InterpretContext): Interpretation {
  return new Interpreter(cfg, ctx).run();
}

type CallExpr = Expr & { kind: 'call' };
/** `argument`: the call's outcome returns its argument of that index (a summary's `returnsArg`). */
type Forked = { s: State; v: Value; argument?: number }[];

class Interpreter {
  private readonly exits: ExitState[] = [];
  private readonly heldAt = new Map<string, Set<string>>();
  private readonly events = new Map<string, LockEvent>();
  private readonly tracked: Tracking;
  /** fromUnknownCall()'s locals, found once per function. */
  private unknownResults?: Set<string>;
  private readonly tracker?: ProtocolTracker;
  private statesVisited = 0;
  /** The branch being decided is an assertion: a lock test in it says who holds the lock (see condition()). */
  private asserting = false;

  constructor(private readonly cfg: FunctionCfg, private readonly ctx: InterpretContext) {
    this.tracked = collectTracking(cfg, ctx.summaries);
    if (ctx.protocol) this.tracker = new ProtocolTracker(ctx.protocol, cfg.params, cfg.name);
  }

  run(): Interpretation {
    const start = initialState();
    for (const l of this.ctx.entryLocks) start.locks.set(l.key, l);
    for (const [k, v] of this.ctx.entryFacts ?? []) start.facts.set(k, v);
    const seen = new Map<number, StateSet>();
    const dead = deadLocalsAt(this.cfg);
    const work: [number, State][] = [[this.cfg.entry, start]];
    const max = this.ctx.maxStates ?? DEFAULT_MAX_STATES;
    let complete = true;
    while (work.length > 0) {
      if (++this.statesVisited > max || ((this.statesVisited & 1023) === 0 && this.ctx.deadline !== undefined && performance.now() > this.ctx.deadline)) {
        complete = false;
        break;
      }
      const [id, incoming] = work.pop()!;
      const node = this.cfg.nodes[id];
      let state = dead[id].size === 0 ? incoming : dropFacts(incoming, (k) => dead[id].has(k));
      let set = seen.get(id);
      if (!set) seen.set(id, (set = new StateSet()));
      if (set.size < STATES_PER_NODE) {
        if (!set.add(state)) continue;
      } else {
        if (set.has(state)) continue;
        // Too many distinct states here: forget, in steps, what matters least, so the node converges.
        // 1. page-table facts other than the PMD and VMA-lock state (they only refine protocol messages);
        // 2. plain variables (counters, flags) and repeated flag tests of objects (`folio_test_anon(folio)`) —
        //    out-parameters, returned variables and other repeated conditions are kept, since callers and
        //    later branches depend on them;
        // 3. past eight times the budget, everything but the locks.
        const level = set.size < 2 * STATES_PER_NODE ? 1 : set.size < 8 * STATES_PER_NODE ? 2 : 3;
        // Whether a parameter still names the caller's argument is never forgotten: the summary's lock names
        // depend on it. Nor, before the last step, is what the caller passed in a parameter the function never
        // writes: it holds on every path (`can_sleep` in mm/z3fold.c __z3fold_alloc()'s retry loop).
        const keepFact = level === 1 ? () => true
          : level === 2 ? (k: string) => /^[*#]/.test(k) || (k.startsWith('?') && !k.includes('(')) || k.startsWith(TABLE_FACT) || k.startsWith(ALIAS_FACT) ||
            k.startsWith(MOVED_FACT) || this.tracked.returned.has(k) || this.tracked.fixedParams.has(k)
          : (k: string) => k.startsWith(MOVED_FACT);
        const keepPt = (f: string) => level < 3 && (f === 'pmd' || f === 'vmaExcl');
        state = {
          ...state,
          facts: new Map([...state.facts].filter(([k]) => keepFact(k))),
          pt: new Map([...state.pt].filter(([f]) => keepPt(f))),
        };
        if (!set.add(state)) continue;
      }
      for (const successor of this.step(node, state)) work.push(successor);
    }
    const t = this.tracker;
    return {
      exits: this.exits, events: [...this.events.values()], complete, statesVisited: this.statesVisited, heldAt: this.heldAt,
      protocol: t && { violations: [...t.violations.values()], entry: t.entry, callSites: [...t.callSites.values()] },
    };
  }

  private step(node: CfgNode, state: State): [number, State][] {
    if (node.kind === 'return') return this.returnNode(node, state);
    if (node.kind === 'noreturn' || node.kind === 'exit') return [];
    let states = [state];
    for (const ev of node.events) states = states.length === 1 ? this.event(ev, states[0]) : states.flatMap((s) => this.event(ev, s));
    if (node.label?.startsWith('goto')) {
      this.noteHeldAt(node, states);
      states = states.map((s) => withTrail(s, { label: node.label!, span: node.span!, braced: node.braced }));
    }
    if (node.kind === 'branch') {
      const out: [number, State][] = [];
      for (const s of states) {
        if (!node.condition) {
          out.push([node.succ[0], s]); // for (;;): always true
          continue;
        }
        this.asserting = node.assertion === true;
        const { t, f } = this.condition(node.condition, s);
        this.asserting = false;
        const cond = node.condition;
        const mark = (states: State[], taken: boolean) => (this.tracker ? states.map((x) => this.markCondition(cond, taken, x)) : states);
        for (const ts of mark(t, true)) out.push([node.succ[0], ts]);
        if (node.succ[1] !== undefined) for (const fs of mark(f, false)) out.push([node.succ[1], fs]);
      }
      return out;
    }
    const out: [number, State][] = [];
    for (const s of states) for (const n of node.succ) out.push([n, s]);
    return out;
  }

  /** What a branch tells the protocol tracker (`!c` flips it; on the true edge of `a && b` both hold). */
  private markCondition(e: Expr, taken: boolean, s: State): State {
    if (e.kind === 'unary' && e.op === '!') return this.markCondition(e.arg, !taken, s);
    if (e.kind === 'binary' && e.op === '&&' && taken) return this.markCondition(e.right, true, this.markCondition(e.left, true, s));
    return this.tracker!.onCondition(e, taken, s);
  }

  private returnNode(node: CfgNode, state: State): [number, State][] {
    const results: Forked = node.returnValue ? this.expr(node.returnValue, state, undefined, true) : [{ s: state, v: {} }];
    for (const r of results) {
      let states = [r.s];
      for (const ev of node.events) states = states.flatMap((s) => this.event(ev, s));
      this.noteHeldAt(node, states);
      for (const s of states) {
        const span = node.span ?? r.s.trail.at(-1)?.span ?? zeroSpan;
        this.tracker?.atExit(s, span, node.label ?? 'return', node.returnValue);
        this.exits.push({ state: withTrail(s, { label: node.label ?? 'return', span, braced: node.braced }), value: r.v, node });
      }
    }
    return [];
  }

  /** Locks held on every path through a goto/return: where a missing unlock can safely be inserted. */
  private noteHeldAt(node: CfgNode, states: State[]): void {
    if (!node.span) return;
    const key = `${node.span.startRow}:${node.span.startColumn}`;
    for (const s of states) {
      const held = new Set([...s.locks.values()].filter((l) => l.status === 'held' || l.count > 0).map((l) => l.key));
      const prev = this.heldAt.get(key);
      this.heldAt.set(key, prev ? new Set([...prev].filter((k) => held.has(k))) : held);
    }
  }

  private event(ev: CfgEvent, s: State): State[] {
    if (ev.kind === 'eval') return this.expr(ev.expr, s).map((r) => r.s);
    if (ev.kind === 'declare') {
      // Only locals that name a lock somewhere are worth a fact (see lockOp).
      const named = ev.names.filter((n) => this.tracked.lockRoots.has(n));
      return [named.reduce((st, n) => setFact(st, `${UNSET_FACT}${n}`, { truth: true }), s)];
    }
    const cls = GUARD_CLASSES[guardClass(ev.acquire.callee)];
    const row = cls && apiRow(cls.release);
    if (!row) return [s];
    const release: CallExpr = { ...ev.acquire, callee: cls.release, span: ev.span };
    return [this.applyEffects(row.effects ?? [], release, cloneState(s), undefined)];
  }

  // ---- expressions -------------------------------------------------------------------------------------

  /** Evaluates `e` for its effects and value; forks when a call has several outcomes. */
  private expr(e: Expr, s: State, resultTarget?: string, observed = false): Forked {
    switch (e.kind) {
      case 'const':
      case 'ident':
        return [{ s, v: this.valueOf(e, s) }];
      case 'call':
        return this.call(e, s, resultTarget, observed);
      case 'assign':
        return this.assign(e, s);
      case 'update':
        return [this.update(e, s)];
      case 'unary': {
        const inner = this.expr(e.arg, s, undefined, observed || e.op === '!');
        if (e.op === '!') return inner.map((r) => ({ s: r.s, v: r.v.truth === undefined ? {} : { truth: !r.v.truth } }));
        const lit = literalValue(e);
        return inner.map((r) => ({ s: r.s, v: lit ?? (e.op === '&' ? { truth: true } : e.op === '*' ? this.fact(r.s, e.text) : {}) }));
      }
      case 'binary':
        if (e.op === '|') {
          // Flags or'ed into a result (`ret | VM_FAULT_LOCKED`): callers test them with `&`.
          return this.expr(e.left, s).flatMap((l) => this.expr(e.right, l.s).map((r) => ({ s: r.s, v: orValues(l.v, r.v) })));
        }
        return this.sequence([e.left, e.right], s).map((r) => ({ s: r, v: {} }));
      case 'opaque':
        return this.sequence(e.parts, s).map((r) => ({ s: r, v: e.parts.length === 0 || e.text.startsWith('(') ? {} : this.fact(r, e.text) }));
    }
  }

  private sequence(parts: Expr[], s: State): State[] {
    let states = [s];
    for (const p of parts) {
      const next: State[] = [];
      for (const st of states) for (const r of this.expr(p, st)) next.push(r.s);
      states = next;
    }
    return states;
  }

  private valueOf(e: Expr & { kind: 'const' | 'ident' }, s: State): Value {
    const lit = literalValue(e);
    if (e.kind === 'ident' && this.tracked.vars.has(e.name)) return s.facts.get(e.name) ?? {};
    return lit ?? (e.kind === 'ident' ? s.facts.get(e.name) ?? {} : {});
  }

  private fact(s: State, text: string): Value {
    return s.facts.get(text) ?? {};
  }

  private assign(e: Expr & { kind: 'assign' }, entered: State): Forked {
    const target = lvalueText(e.target);
    const observed = this.tracked.tested.has(target);
    const remembered = this.tracked.vars.has(target);
    // A parameter assigned for the first time on this path: the caller's locks released through its first
    // value keep that value's name (ENTRY_NAME).
    const movesParameter = this.tracked.movable.has(target) && !entered.facts.has(`${MOVED_FACT}${target}`);
    // Locks reached through the old value are handed off before the right-hand side runs, so that
    // `pml = pmd_lock(mm, pmd)` keeps the lock it just took; facts go after it, since it may read them.
    // `folio = page_folio(page)` where page is a name of this very folio keeps the lock.
    // `root = lock_anon_vma_root(root, anon_vma)` (mm/rmap.c) passes the old value to a summarised callee,
    // whose effects on it come first: what the call did not touch is handed off after it, unless the outcome
    // returned that very argument.
    const passed = this.passedToSummarisedCall(e, target);
    const sameObject = aliasSource(entered, e.value) === target;
    // What the path knew of the first value is what the caller passed: the summary's condition on it.
    const entryValue = movesParameter ? entered.facts.get(target) : undefined;
    const s = entryValue ? setFact(entered, `${target}${ENTRY_NAME}`, entryValue) : entered;
    const before = sameObject || passed !== undefined ? s : this.forget(s, target, true, false, movesParameter);
    // `ret |= VM_FAULT_RETRY`: the old value's flags and the new ones.
    const old = e.op === '|=' ? this.fact(s, target) : undefined;
    return this.expr(e.value, before, target, observed).map((r) => {
      let st = r.s;
      if (passed !== undefined && r.argument !== passed) st = this.forget(st, target, (l) => s.locks.get(l.key) === l, false, movesParameter);
      st = this.forget(st, target, false);
      if (e.op === '=') st = recordAlias(st, e.value, target);
      if (e.op === '=') st = this.storeLockInParameter(st, target, e.value);
      const ptLock = e.op === '=' && e.value.kind === 'call' ? pageTableLockOf(e.value) : undefined;
      if (ptLock?.pointer === 'result') st = setFact(st, `${PT_LOCK_FACT}${target}`, { eq: ptLock.owner });
      if (e.op === '=' && this.tracker) st = this.tracker.onAssign(target, e.value, st);
      const value = e.op === '=' ? r.v : old ? orValues(old, r.v) : {};
      if (remembered && (e.op === '=' || old)) st = setFact(st, target, value);
      if (e.op === '=' && e.value.kind === 'call' && returnsLockedObject(this.ctx.summaries.get(e.value.callee))) {
        st = setFact(st, lookupKey(e.value), { eq: target });
      }
      const source = e.op === '=' ? this.parameterField(e.value) : undefined;
      if (source !== undefined && this.tracked.tested.has(target)) st = setFact(st, `${COPY_FACT}${target}`, { eq: source });
      if (movesParameter && (passed === undefined || r.argument !== passed)) st = setFact(st, `${MOVED_FACT}${target}`, { truth: true });
      return { s: st, v: value };
    });
  }

  /** `si->cluster_info`: a field reached through a parameter the function never writes, as its text. */
  private parameterField(e: Expr): string | undefined {
    if (e.kind !== 'opaque' && e.kind !== 'ident') return undefined;
    const text = exprText(e);
    return FIELD_PATH.test(text) && text.includes('-') && this.tracked.fixedParams.has(rootOf(text)) ? text : undefined;
  }

  /**
   * The callee's summary for the values the path passes: known values behind pointer arguments, and
   * named-constant arguments (`HPAGE_PMD_ORDER`), for which the callee is analysed (context-sensitive summary).
   */
  private summaryAtCall(e: CallExpr, st: State, outArgs: (string | undefined)[], summary: FunctionSummary): FunctionSummary {
    const known = new Map<number, Value>();
    outArgs.forEach((t, i) => {
      const v = t && st.facts.get(t);
      if (v && (v.truth !== undefined || v.eq !== undefined)) known.set(i, v);
    });
    e.args.forEach((a, i) => {
      if ((a.kind !== 'ident' && a.kind !== 'const') || known.has(i)) return;
      const v = argumentValue(a, st);
      if (v?.eq !== undefined) known.set(-1 - i, { eq: v.eq, truth: v.truth });
    });
    this.ctx.onSummaryCall?.(e.callee, known);
    return known.size > 0 ? this.ctx.summaryAt?.(e.callee, known) ?? summary : summary;
  }

  /** The index of `target` among the arguments of a call to a summarised function assigned to it. */
  private passedToSummarisedCall(e: Expr & { kind: 'assign' }, target: string): number | undefined {
    if (e.op !== '=' || e.value.kind !== 'call' || resolveApi(e.value.callee, e.value.args.length) || !this.ctx.summaries.has(e.value.callee)) return undefined;
    const i = e.value.args.findIndex((a) => lockIdentity(exprText(a)) === target);
    return i >= 0 ? i : undefined;
  }

  /**
   * `fw->ptl = ptl` with `fw` a parameter and the lock `ptl` points to held by this function: the lock now
   * reaches the caller through its structure, and is the caller's to release by that name
   * (mm/pagewalk.c folio_walk_start() hands its page-table lock to folio_walk_end() in `fw->ptl`). The lock
   * keeps its name here, where it may still be released by it (mm/memcontrol-v1.c get_mctgt_type()).
   */
  private storeLockInParameter(s: State, target: string, value: Expr): State {
    // `*foliop = folio` hands the object itself back through an out-parameter (mm/shmem.c
    // shmem_get_folio_gfp() returns its folio locked there).
    const outParameter = /^\*([A-Za-z_]\w*)$/.exec(target)?.[1];
    if (outParameter !== undefined) {
      if (value.kind !== 'ident' || !this.cfg.params.includes(outParameter)) return s;
      // Only an object this function itself locks or unlocks by that name: not an int (`*oldp = old` of
      // include/linux/refcount.h __refcount_add()).
      const untold = this.fromUnknownCall(value.name) && familiesByIdentity(this.cfg).has(value.name) &&
        ![...s.locks.values()].some((l) => l.key === `${l.family}:${value.name}`);
      return this.storeHeldLocks(untold ? setFact(s, `${UNTOLD_STORE_FACT}${target}`, { truth: true }) : s, target, value.name);
    }
    if (value.kind !== 'ident' || !/^[A-Za-z_]\w*->\w/.test(target) || !this.cfg.params.includes(rootOf(target))) return s;
    // A parameter stored into another's field: the summary tells callers, whose lock on it is then stored.
    const out = this.cfg.params.includes(value.name) && value.name !== rootOf(target) ? setFact(s, `${PARAM_STORE_FACT}${target}`, { eq: value.name }) : s;
    return this.storeHeldLocks(out, target, value.name);
  }

  /** The locks this path holds on `name` now reach the caller as `target`. */
  private storeHeldLocks(s: State, target: string, name: string): State {
    let out = s;
    for (const l of s.locks.values()) {
      if (l.fromCaller || l.status !== 'held' || FAMILIES[l.family].singleton || l.key !== `${l.family}:${name}`) continue;
      out = setFact(out, `${STORED_FACT}${l.key}`, { eq: target });
    }
    return out;
  }

  /**
   * `pte++` on a mapped PTE pointer: the old value is the expression's value (postfix), and a pointer that
   * was non-NULL stays non-NULL, so `if (!pte++)` in __collapse_huge_page_swapin() maps the table only once.
   */
  private update(e: Expr & { kind: 'update' }, s: State): { s: State; v: Value } {
    const target = lvalueText(e.target);
    const old = this.fact(s, target);
    const next: Value = old.eq === '0' ? { eq: '1', truth: true } : old.truth === true ? { truth: true } : {};
    let st = this.forget(s, target);
    if (this.tracked.vars.has(target) && (next.truth !== undefined)) st = setFact(st, target, next);
    return { s: st, v: e.prefix ? next : old };
  }

  /**
   * After `x` is written: drop what the path knew about x and about conditions that mention it, and stop
   * tracking locks reached through x. A folio locked in a loop and left locked on a list when the cursor
   * moves on is no longer this path's to release by that name (smatch does the same). `handOffLocks`: all
   * the locks reached through `target`, or those the predicate picks. `entry`: target is a parameter assigned
   * for the first time, whose released caller locks keep its first value's name.
   */
  private forget(s: State, target: string, handOffLocks: boolean | ((l: LockRecord) => boolean) = true, forgetFacts = true, entry = false): State {
    // Called at every assignment on every path: loops, and nothing allocated when nothing is forgotten.
    const aliasKey = `${ALIAS_FACT}${target}`;
    // Any write into a local (`range.start = x`, `&ptl` passed out) sets it, for this purpose.
    const unsetKey = `${UNSET_FACT}${rootOf(target)}`;
    const ptLockKey = `${PT_LOCK_FACT}${target}`;
    let stale: string[] | undefined;
    for (const k of s.facts.keys()) {
      if (k === unsetKey || (forgetFacts && (k === target || k === aliasKey || k === `${UNTOLD_STORE_FACT}${target}` || k === ptLockKey || k === `${COPY_FACT}${target}` ||
        ((k.startsWith('?') || k.startsWith(TABLE_FACT)) && mentions(k, target))))) (stale ??= []).push(k);
      // What was stored in `target` (a lock, a parameter) is no longer there once it is written again.
      else if (k === `${PARAM_STORE_FACT}${target}` || ((k.startsWith(STORED_FACT) || k.startsWith(LOOKUP_FACT)) && s.facts.get(k)?.eq === target) ||
        (k.startsWith(LOOKUP_FACT) && mentions(k, target))) (stale ??= []).push(k);
    }
    let handedOff: LockRecord[] | undefined;
    if (handOffLocks) {
      for (const l of s.locks.values()) {
        if (!FAMILIES[l.family].singleton && rootOf(l.key.slice(l.family.length + 1)) === target && (handOffLocks === true || handOffLocks(l))) (handedOff ??= []).push(l);
      }
    }
    if (!stale && !handedOff) return s;
    const out: State = { ...s, facts: stale ? new Map(s.facts) : s.facts, locks: handedOff ? new Map(s.locks) : s.locks };
    for (const k of stale ?? []) out.facts.delete(k);
    for (const l of handedOff ?? []) {
      out.locks.delete(l.key);
      if (l.status !== 'released' || !l.fromCaller) continue;
      // A caller's lock released through the parameter's first value: the caller's argument, by that name.
      // One released through an object this function found itself (a PTE walk, a list): one record per
      // family, so the summary can say "releases the caller's folio locks".
      const key = entry ? `${l.family}:${target}${ENTRY_NAME}${l.key.slice(l.family.length + 1 + target.length)}` : `${l.family}:${FOUND_OBJECTS}`;
      out.locks.set(key, { ...l, key });
    }
    return out;
  }

  private call(e: CallExpr, s: State, resultTarget: string | undefined, observed: boolean): Forked {
    const results = this.callEffects(e, s, resultTarget, observed);
    if (!this.tracker) return results;
    return results.map((r) => ({ ...r, s: this.tracker!.afterCall(e, r.s) }));
  }

  private callEffects(e: CallExpr, s: State, resultTarget: string | undefined, observed: boolean): Forked {
    const pointerTest = POINTER_TESTS[e.callee];
    if (pointerTest && e.args.length === 1) {
      return this.expr(e.args[0], s, undefined, true).map((r) => {
        const t = pointerTest(r.v);
        return { s: r.s, v: t === undefined ? {} : { truth: t } };
      });
    }
    // include/linux/err.h: PTR_ERR() of an error pointer is its negative error code; of a valid pointer, an
    // address, which no error code equals (mm/ksm.c stable_tree_search(): `PTR_ERR(tree_folio) == -EBUSY`).
    if (e.callee === 'PTR_ERR' && e.args.length === 1) {
      return this.expr(e.args[0], s, undefined, true).map((r) => ({ s: r.s, v: errorCodeOf(r.v) }));
    }
    let states = this.sequence(e.args, s);
    // Arguments passed by address may be written by the callee: forget their values. Their locks stay:
    // `spin_unlock(&l)` and `lockdep_assert_held(&l)` pass a lock by address without replacing it.
    // `&x` lets the callee write x; a pointer parameter passed on (`lock_dropped`) lets it write `*lock_dropped`.
    const outArgs = e.args.map((a) => (a.kind === 'unary' && a.op === '&' ? lvalueText(a.arg)
      : a.kind === 'ident' && this.tracked.vars.has(`*${a.name}`) ? `*${a.name}` : undefined));
    const row = resolveApi(e.callee, e.args.length);
    const summary = row ? undefined : this.ctx.summaries.get(e.callee);
    // The callee's summary for what each path passes it: its requirements too (a helper that sleeps only
    // `if (can_sleep)`, called with false by mm/z3fold.c compact_single_buddy()).
    const contexts = summary ? states.map((st) => this.summaryAtCall(e, st, outArgs, summary)) : [];
    if (this.tracker) states.forEach((st, i) => this.tracker!.beforeCall(e, st, row, contexts[i]));
    // A summarized callee says what it writes through each pointer on each outcome; what it does not
    // write keeps its value (`bool mmap_locked = true` survives a hpage_collapse_scan_pmd() that kept the lock).
    if (!summary) states = states.map((st) => outArgs.reduce((acc, t) => (t ? this.forget(acc, t, false) : acc), st));
    const ptLock = pageTableLockOf(e);
    const ptOut = ptLock && ptLock.pointer !== 'result' ? outArgs[ptLock.pointer.arg] : undefined;
    if (ptLock && ptOut) states = states.map((st) => setFact(st, `${PT_LOCK_FACT}${ptOut}`, { eq: ptLock.owner }));
    // A local passed by address is set by the callee; one passed by name to anything but a lock call is set
    // by a macro (`list_for_each_entry(avc, ...)`), or else read unset: a bug the compiler reports, not ours.
    const setByCall = e.args.flatMap((a) => (a.kind === 'unary' && a.op === '&' ? [rootOf(lvalueText(a.arg))] : a.kind === 'ident' && !row ? [a.name] : []));
    if (setByCall.length > 0) states = states.map((st) => dropFacts(st, (k) => k.startsWith(UNSET_FACT) && setByCall.includes(k.slice(UNSET_FACT.length))));
    if (row) {
      const table = row.mapsTableOf && e.args[row.mapsTableOf.arg] ? tableFact(exprText(e.args[row.mapsTableOf.arg])) : undefined;
      return states.flatMap((st) => {
        let base = this.applyEffects(row.effects ?? [], e, cloneState(st), resultTarget);
        const init = row.initializes && e.args[row.initializes.arg];
        if (init) base = setFact(base, lockIdentity(argumentPath(exprText(init), `->${row.initializes!.field}`)), { truth: row.initializes!.truth });
        if (PMD_CHANGING_CALLS.has(e.callee)) base = dropFacts(base, (k) => k.startsWith(TABLE_FACT));
        const outcomes = row.outcomes ?? [];
        // A lock-returning call (pmd_lock()) returns the lock it took: never NULL.
        if (outcomes.length === 0) return [{ s: base, v: (row.effects ?? []).some((x) => x.key === 'result') ? { truth: true, ne: ['0'] } : {} }];
        // An unobserved result cannot fail as far as this code is concerned (6.1's pte_offset_map_lock()
        // never returned NULL, and its callers do not test it); nor can mapping a table this path has
        // already mapped under the same mmap_lock: take the first, successful, outcome.
        const cannotFail = row.failsOnlyWith !== undefined && this.ctx.protocol?.kernel[row.failsOnlyWith] === 'no';
        // Outcomes told apart by what they write through a pointer (`&locked`) are all taken: the path reads it.
        const toldByPointer = outcomes.some((o) => o.sets);
        let chosen = (observed || toldByPointer) && !cannotFail && !(table && base.facts.get(table)?.truth) ? outcomes : outcomes.slice(0, 1);
        // A trylock of a lock this path already holds fails: that is how `WARN_ON(z3fold_page_trylock(zhdr))`
        // in mm/z3fold.c checks that the caller holds it.
        const feasible = chosen.filter((o) => !o.effects.some((eff) => this.takesHeldLock(eff, e, base, resultTarget)));
        if (feasible.length > 0) chosen = feasible;
        return chosen.flatMap((o, i) => {
          // An outcome for one value of an argument: taken where the path allows that value, which it then knows.
          const assumed = (o.whenFlags ?? []).reduce<State | undefined>((st, f) => st && assumeFlags(e.args[f.arg], f.mask, f.set, f.known === true, st),
            o.when ? assumeArgument(e.args[o.when.arg], o.when.truth, base) : base);
          const at = assumed && o.sets ? writeThrough(e.args[o.sets.arg], o.sets.truth, assumed) : assumed;
          if (!at) return [];
          let after = this.applyEffects(o.effects, e, cloneState(at), resultTarget);
          if (table && i === 0) after = setFact(after, table, { truth: true });
          return { s: after, v: valueForReturnSpec(o.returns) };
        });
      });
    }
    if (PMD_CHANGING_CALLS.has(e.callee)) states = states.map((st) => dropFacts(st, (k) => k.startsWith(TABLE_FACT)));
    if (this.ctx.onHeldAtCall && this.ctx.localFunctions?.has(e.callee)) for (const st of states) this.ctx.onHeldAtCall(e.callee, callerHeldKeys(st, e));
    if (summary) {
      return states.flatMap((st, i) => {
        // The result dropped: the same lookup as one whose result the path still holds returns that object
        // (mm/swapfile.c put_swap_folio() relocks its cluster by calling lock_cluster_or_swap_info(si, offset)
        // again, keeping the `ci` the first call returned).
        const into = resultTarget ?? st.facts.get(lookupKey(e))?.eq;
        const contextual = contexts[i];
        // Only the outcomes this path's facts allow; each teaches the path what its callee's branches tested.
        const allowed = contextual.outcomes.flatMap((o) => {
          const assumed = assumeConditions(o, e, st);
          return assumed ? [{ o, st: assumed }] : [];
        });
        const taken = allowed.length > 0 ? allowed : contextual.outcomes.map((o) => ({ o, st }));
        return taken.map(({ o, st: at }) => ({
          s: this.keptByOutcome(this.applySummary(o, e, at, outArgs, contextual.expects, into), at, o, contextual.outcomes, e, into),
          // An outcome that returns its argument returns what the path knows of it.
          ...(o.returnsArg !== undefined && e.args[o.returnsArg]
            ? { v: argumentValue(e.args[o.returnsArg], at) ?? o.returns, argument: o.returnsArg } : { v: o.returns }),
        }));
      });
    }
    // A name that is a parameter or a local is a function pointer (`filler(file, folio)` in mm/filemap.c
    // do_read_cache_folio(), whose ->read_folio() unlocks the folio): a call through a pointer too.
    const throughPointer = !/^[A-Za-z_]\w*$/.test(e.callee) || this.cfg.params.includes(e.callee) || this.cfg.locals.includes(e.callee) ||
      this.ctx.pendingFunctions?.has(e.callee) === true;
    if (throughPointer) return states.map((st) => ({ s: this.indirectCall(e, st), v: {} }));
    const value = CALL_VALUES.get(e.callee) ?? {};
    // `ERR_PTR(-EBUSY)` carries its code.
    const errno = e.callee === 'ERR_PTR' && e.args.length === 1 ? literalValue(e.args[0])?.eq : undefined;
    return states.map((st) => ({ s: st, v: errno?.startsWith('-') ? { ...value, errno } : value }));
  }

  /**
   * A call through a pointer (`mapping->a_ops->writepage(&folio->page, &wbc)`) may do anything to the locks
   * of the objects it is given: ->writepage() unlocks the folio (Documentation/filesystems/locking.rst), most
   * callbacks do not. The path stops knowing those locks: taken again or released after the call, neither is
   * a double acquire or release, and whose they are (this function's or its caller's) stays as it was. A lock
   * already released stays released: what the call could do to it is take it, which callbacks do not.
   */
  private indirectCall(call: CallExpr, s: State): State {
    return this.giveAway(call.args.map((a) => exprText(a)), s);
  }

  /** The objects named by `texts` went to a call through a pointer (indirectCall), here or in a callee. */
  private giveAway(texts: string[], s: State): State {
    // The objects given: `&folio->page` is the folio (its lock is the head page's).
    const given = [...new Set(texts.map((t) => lockIdentity(t).replace(/->page$/, '')).filter((g) => FIELD_PATH.test(g)))];
    if (given.length === 0) return s;
    const out = cloneState(s);
    for (const l of s.locks.values()) {
      if (l.status !== 'held' || FAMILIES[l.family].singleton || FAMILIES[l.family].counting || !given.some((g) => within(l.key.slice(l.family.length + 1), g))) continue;
      out.locks.delete(l.key);
      out.facts.set(`${UNKNOWN_LOCK_FACT}${l.key}`, { truth: l.fromCaller });
    }
    // What it hands back locked (`vmf->page` with VM_FAULT_LOCKED from ->fault()) is this function's then.
    for (const g of given) out.facts.set(`${HANDED_BACK_FACT}${g}`, { truth: true });
    return out;
  }

  private applySummary(o: SummaryOutcome, call: CallExpr, s: State, outArgs: (string | undefined)[], expects: HeldContract[],
    resultTarget: string | undefined): State {
    const st = this.tracker ? this.tracker.applySummaryPt(call, cloneState(s), o.pt) : cloneState(s);
    // What the callee asserts held, this path holds — or, not having taken it, its own caller does.
    for (const c of expects) {
      const identity = instantiate(c.identity, call);
      if (identity !== undefined) this.assertHeld(st, c.family, identity, c.mode, call, c.origin);
    }
    // The callee's walks release what the caller held before the call, never what the same outcome hands back
    // locked (6.1 mm/shmem.c shmem_get_folio_gfp() unlocks a folio it found and returns another locked).
    const walksFirst = [...o.effects].sort((a, b) => Number(b.op === 'release-all') - Number(a.op === 'release-all'));
    for (const eff of walksFirst) {
      if (eff.op === 'release-all') {
        let released = false;
        for (const [k, l] of st.locks) {
          // A lock this path names by a global's name (khugepaged_mm_lock) is not one the callee found through
          // an object: it would have named it. Nor, for one lock released unnamed, a lock of another class (the
          // PTE lock mm/mlock.c mlock_pte_range() holds is not the lruvec lock munlock_folio() drops).
          if (l.family !== eff.family || l.status !== 'held' || isGlobalLockName(k.slice(l.family.length + 1))) continue;
          if (eff.origin && eff.origin.lockClass !== lockClassOf(l.family, l.role, l.name)) continue;
          st.locks.set(k, { ...l, status: 'released', site: call.span, siteText: call.text });
          released = true;
        }
        // Nothing of the family held here, and the callee released one lock it did not take (no walk, which
        // may release none): this function's caller's, or no one's. It goes up, under a name no one can say.
        const key = eff.origin && `${eff.family}:${UNNAMED_RELEASE}${eff.origin.function}:${spanKey(eff.origin.site)}`;
        if (!released && key && !st.locks.has(key)) {
          st.locks.set(key, { key, family: eff.family, name: FAMILIES[eff.family].label, status: 'released', fromCaller: true, count: 0,
            site: call.span, siteText: call.text, releasedIn: eff.origin });
        }
        continue;
      }
      const key = instantiate(eff.identity, call, resultTarget);
      if (key === undefined) continue;
      // The callee may have switched modes on the way (collapse_huge_page() drops the caller's read lock and
      // ends with mmap_write_unlock()): a summarized release releases whatever mode the caller holds.
      this.lockOp(st, eff.op, eff.family, key, eff.op === 'release' ? undefined : eff.mode, call, undefined, false, undefined, eff.origin ?? null);
    }
    // What the callee gave to a call through a pointer (mm/filemap.c filemap_read_folio() calls filler()).
    const givenAway = o.givenAway.map((g) => instantiate(g, call)).filter((g): g is string => g !== undefined);
    let out = givenAway.length > 0 ? this.giveAway(givenAway, st) : st;
    for (const [target, source] of o.stores ?? []) {
      const to = instantiate(target, call);
      const from = instantiate(source, call);
      if (to !== undefined && from !== undefined && /^[A-Za-z_]\w*$/.test(from)) out = this.storeLockInParameter(out, to, { kind: 'ident', name: from, span: call.span });
    }
    for (const [index, value] of o.outParams) {
      const target = outArgs[index];
      if (!target) continue;
      out = this.forget(out, target, false);
      if (this.tracked.vars.has(target)) out = setFact(out, target, value);
    }
    return out;
  }

  /**
   * The locks the path held before the call and still holds after outcome `o`, which other outcomes of the
   * callee release: marked with where `o` leaves the callee, so that a caller that handles `o` like those
   * others (mm/khugepaged.c __collapse_huge_page_swapin() "if not SCAN_SUCCEED, mmap_lock has been
   * released") reports the odd outcome in the callee.
   */
  private keptByOutcome(after: State, before: State, o: SummaryOutcome, all: SummaryOutcome[], call: CallExpr, resultTarget: string | undefined): State {
    // Only outcomes told by a known value: where the values are unknown, the caller may tell them apart otherwise.
    if (!o.exit || all.length < 2 || o.returns.eq === undefined) return after;
    // What each outcome releases, as this path names the locks.
    const released = new Map(all.map((x) => [x, new Set(x.effects.flatMap((eff) => {
      if (eff.op !== 'release') return [];
      const identity = instantiate(eff.identity, call, resultTarget);
      return identity === undefined ? [] : [this.lockKey(before, eff.family, identity)];
    }))]));
    // The other outcomes told by a known value.
    const others = all.filter((x) => x !== o && x.returns.eq !== undefined);
    let out = after;
    for (const [key, lock] of before.locks) {
      if (lock.status !== 'held' || released.get(o)!.has(key) || after.locks.get(key)?.status !== 'held') continue;
      // Outcomes chosen by what the caller passed (`if (root)` in mm/rmap.c unlock_anon_vma_root()) are
      // told apart by the caller's own knowledge of it: no odd one among them.
      const releasing = others.filter((x) => released.get(x)!.has(key) && !contradicts(o.conditions, x.conditions)).map((x) => x.returns);
      if (releasing.length === 0) continue;
      const keeping = others.filter((x) => !released.get(x)!.has(key)).map((x) => x.returns);
      if (out === after) out = cloneState(after);
      out.locks.set(key, { ...out.locks.get(key)!, keptBy: { callee: call.callee, call: call.span, exit: o.exit, returns: o.returns, releasing, keeping } });
    }
    return out;
  }

  /** The effect takes a lock, not a counting one, that the path holds already. */
  private takesHeldLock(eff: LockEffect, call: CallExpr, s: State, resultTarget: string | undefined): boolean {
    if (eff.op !== 'acquire' || FAMILIES[eff.family].counting || FAMILIES[eff.family].idempotent) return false;
    const identity = effectIdentity(eff, call, resultTarget);
    return identity !== undefined && s.locks.get(this.lockKey(s, eff.family, identity))?.status === 'held';
  }

  private applyEffects(effects: LockEffect[], call: CallExpr, s: State, resultTarget: string | undefined): State {
    for (const eff of effects) {
      const identity = effectIdentity(eff, call, resultTarget);
      if (identity === undefined) continue;
      if (eff.op === 'assert-held') {
        const lock = this.namedLock(s, eff.family, identity, eff.anyFamily);
        if (lock) this.assertHeld(s, lock.family, lock.identity, eff.mode, call);
        continue;
      }
      if (eff.op === 'release-all') {
        for (const [k, l] of s.locks) if (l.family === eff.family) s.locks.delete(k);
        continue;
      }
      // shmem_get_folio(..., &folio, ...) stores a new folio in `folio`: the old one's lock is handed off.
      if (eff.key === 'out-arg' && eff.op === 'acquire') s.locks.delete(`${eff.family}:${identity}`);
      if (eff.op === 'hand-off') {
        const root = s.facts.get(`${ALIAS_FACT}${rootOf(identity)}`)?.eq ?? rootOf(identity);
        // Only a held lock of the row's family goes with the object: one this path already released stays
        // released (mm/migrate.c migrate_folio_undo_src() unlocks the caller's folio, then moves it to the
        // return list), and a spinlock inside the object stays the path's to drop (mm/kmemleak.c
        // kmemleak_scan() puts an object on the gray list under its own object->lock, then unlocks it).
        for (const [k, l] of s.locks) if (l.family === eff.family && l.status === 'held' && rootOf(k.slice(l.family.length + 1)) === root) s.locks.delete(k);
        continue;
      }
      this.lockOp(s, eff.op, eff.family, identity, eff.mode, call, eff.role, eff.marker,
        eff.key === 'result' ? pageTableLockOf(call)?.owner : undefined);
    }
    return s;
  }

  /**
   * The lock an assertion or a lock test names: a lock field (`&mm->mmap_lock` is the mmap_lock), else
   * `family` — or, for calls that take any lock, the family a lock of that identity has on this path or in
   * this function's own lock calls; undefined when nothing says which family it is.
   */
  private namedLock(s: State, family: LockFamily, identity: string, anyFamily = false): { family: LockFamily; identity: string } | undefined {
    // A lock named by a call (`assert_spin_locked(pmd_lockptr(mm, pmd))`, mm/gup.c) is none the path can name.
    if (!FIELD_PATH.test(identity)) return undefined;
    const field = lockOfField(identity);
    if (field) return field;
    if (!anyFamily) return { family, identity };
    for (const l of s.locks.values()) if (l.key === `${l.family}:${identity}`) return { family: l.family, identity };
    const own = familiesByIdentity(this.cfg).get(identity);
    return own ? { family: own, identity } : undefined;
  }

  /** The lock's key as lockOp() would name it on this path (aliases resolved). */
  private lockKey(s: State, family: LockFamily, identity: string): string {
    if (FAMILIES[family].singleton) return `${family}:${identity}`;
    identity = this.alias(s, family, identity);
    const named = s.facts.get(`${ALIAS_FACT}${identity}`)?.eq;
    return named && s.locks.has(`${family}:${named}`) ? `${family}:${named}` : `${family}:${identity}`;
  }

  /**
   * Mutates `s`: the kernel asserts the lock held here. Not taken on this path, it is the caller's, held on
   * entry (a contract like __must_hold); released on this path, the assertion fails.
   */
  private assertHeld(s: State, family: LockFamily, identity: string, mode: LockMode | undefined, call: CallExpr,
    assertedAt?: { site: Span; text: string }): void {
    if (FAMILIES[family].counting) return;
    const key = this.lockKey(s, family, identity);
    const cur = s.locks.get(key);
    const here = { site: call.span, siteText: assertedAt && assertedAt.text !== call.text ? `${call.text}, which asserts ${assertedAt.text}` : call.text };
    if (cur?.status === 'released') this.note('asserted-released', cur, here);
    else if (cur && mode && cur.mode && cur.mode !== mode && !cur.fromCaller) this.note('asserted-wrong-mode', cur, here);
    if (cur) return;
    // Asserted after a call through a pointer was given its object: that call handed it over locked.
    const lockOn = key.slice(family.length + 1);
    // Or a result the path holds says a lock of the family was handed to it (VM_FAULT_LOCKED after
    // ->page_mkwrite() in mm/memory.c do_page_mkwrite()).
    const handedBack = !FAMILIES[family].singleton &&
      [...s.facts].some(([k, v]) => (k.startsWith(HANDED_BACK_FACT) && within(lockOn, k.slice(HANDED_BACK_FACT.length))) || resultSays(v, family, 'held'));
    s.locks.set(key, {
      key, family, name: FAMILIES[family].singleton ? FAMILIES[family].label : key.slice(family.length + 1), mode, status: 'held', fromCaller: !handedBack, count: 0,
      site: call.span, siteText: call.text, assertedAt: handedBack ? undefined : assertedAt ?? { site: call.span, text: call.text },
    });
  }

  /**
   * The locals this function assigns the result of a call that may have locked it, for all it knows: no lock
   * row, and no summary, or one that could not say which results are locked.
   */
  private fromUnknownCall(name: string): boolean {
    if (!this.unknownResults) {
      const out = new Set<string>();
      const walk = (e: Expr): void => {
        // A page-table lock pointer (pte_lockptr()) or another name of the object (page_folio()) is a lookup, not a lock.
        if (e.kind === 'assign' && e.target.kind === 'ident' && e.value.kind === 'call' && !resolveApi(e.value.callee, e.value.args.length) &&
          !PAGE_TABLE_LOCK_POINTERS.has(e.value.callee) && !ALIAS_CALLS.has(e.value.callee)) {
          // A function of this file without a summary does nothing visible to its callers' locks.
          const summary = this.ctx.summaries.get(e.value.callee);
          if (summary ? summary.untoldLockedResult : !this.ctx.localFunctions?.has(e.value.callee)) out.add(e.target.name);
        }
        // `shmem_get_folio_gfp(inode, index, &folio, …)`: what a summarised callee hands back through `&folio`.
        const call = e.kind === 'assign' ? e.value : e;
        if (call.kind === 'call') {
          for (const i of this.ctx.summaries.get(call.callee)?.untoldLockedOut ?? []) {
            const arg = call.args[i];
            if (arg?.kind === 'unary' && arg.op === '&' && arg.arg.kind === 'ident') out.add(arg.arg.name);
          }
        }
        if (e.kind === 'assign') walk(e.value);
      };
      for (const n of this.cfg.nodes) for (const ev of n.events) if (ev.kind === 'eval') walk(ev.expr);
      this.unknownResults = out;
    }
    return this.unknownResults.has(name);
  }

  /** Mutates `s` (already a private copy): one acquire/release/downgrade of the lock `family:identity`. */
  private lockOp(s: State, op: 'acquire' | 'release' | 'downgrade', family: LockFamily, identity: string,
    mode: LockMode | undefined, call: CallExpr, role: string | undefined, marker = false, pageTableOf?: string, origin?: ReleaseOrigin | null): void {
    const traits = FAMILIES[family];
    if (!traits.singleton && !marker) identity = this.alias(s, family, identity);
    const named = marker ? undefined : s.facts.get(`${ALIAS_FACT}${identity}`)?.eq;
    if (named && s.locks.has(`${family}:${named}`)) identity = named;
    const key = `${family}:${identity}`;
    const name = traits.singleton ? traits.label : identity;
    const cur = s.locks.get(key);
    const here = { site: call.span, siteText: call.text };
    if (!traits.singleton && s.facts.has(`${UNSET_FACT}${rootOf(identity)}`)) {
      this.note('unset', { key, family, name, status: 'released', fromCaller: false, count: 0, ...here }, here);
    }
    const record = (status: 'held' | 'released', fromCaller: boolean, count = 0): LockRecord =>
      ({ key, family, name, mode, status, fromCaller, count, ...here, role: role ?? cur?.role, ownerUnknown: cur?.ownerUnknown });
    // A release of what the path never took: here, or where the callee whose summary released it did. Not on
    // an object a call the analysis does not know returned: that call may have locked it (mm/memory-failure.c
    // unmap_poisoned_folio(): `mapping = hugetlb_page_mapping_lock_write(folio)`, mm/hugetlb.c).
    // Nor an IRQ-off section: the _irq lock forms open one the lock table does not model (mm/migrate.c
    // __folio_migrate_mapping(): xas_lock_irq(), xas_unlock(), then local_irq_enable()).
    // `origin` null: a callee's release that says nothing of where it is (its caller's lock, retaken there).
    // Made only for a release of a lock the path does not hold, not on every lock operation.
    const releasedIn = (): ReleaseOrigin | undefined => {
      if (origin !== undefined) return origin ?? undefined;
      if (family === 'irq' || this.fromUnknownCall(rootOf(identity))) return undefined;
      const lockClass = lockClassOf(family, role ?? cur?.role, name);
      return { site: calleeNameSpan(call), text: call.text, function: this.cfg.name, ...(lockClass ? { lockClass } : {}) };
    };

    if (family === 'mmap' && this.tracker && (op === 'acquire' || op === 'release')) this.tracker.onMmap(op, s, call.span, call.text);
    // A parameter's object given to a call through a pointer may have had its caller's lock dropped there:
    // writeout() relocks the folio ->writepage() unlocked, which its caller had locked (mm/migrate.c).
    const viaParam = !cur && !traits.singleton && this.cfg.params.includes(identity) && s.facts.has(`${HANDED_BACK_FACT}${identity}`);
    const unknown = s.facts.get(`${UNKNOWN_LOCK_FACT}${key}`) ?? (viaParam ? { truth: true } : undefined);
    if (unknown && !traits.counting && (op === 'acquire' || op === 'release')) {
      // After a call through a pointer that had the lock's object (indirectCall): no double acquire or release.
      s.facts.delete(`${UNKNOWN_LOCK_FACT}${key}`);
      s.facts.delete(`${HANDED_BACK_FACT}${identity}`);
      const caller = unknown.truth === true;
      const guessed = { ...record(op === 'acquire' ? 'held' : 'released', caller), ownerUnknown: true };
      s.locks.set(key, op === 'acquire' ? { ...guessed, retaken: caller || undefined } : guessed);
      return;
    }
    if (traits.counting) {
      const count = Math.max(-COUNT_LIMIT, Math.min(COUNT_LIMIT, (cur?.count ?? 0) + (op === 'acquire' ? 1 : op === 'release' ? -1 : 0)));
      if (count === 0) s.locks.delete(key);
      else if (op === 'release' && count > 0 && cur) s.locks.set(key, { ...cur, count }); // still held from where it was taken
      else {
        const unmatched = count < 0 && !cur ? releasedIn() : undefined;
        s.locks.set(key, unmatched ? { ...record('released', true, count), releasedIn: unmatched } : record(count > 0 ? 'held' : 'released', count < 0, count));
      }
      return;
    }
    if (op === 'downgrade') {
      s.locks.set(key, { ...(cur ?? record('held', true)), mode: 'read', status: 'held' });
      return;
    }
    if (op === 'acquire') {
      if (cur?.status === 'held') {
        if (!traits.idempotent) this.note('double-acquire', cur, here);
        return;
      }
      const owner = pageTableOf ?? s.facts.get(`${PT_LOCK_FACT}${identity}`)?.eq;
      if (owner !== undefined) this.notePageTableLockAlias(s, key, identity, owner, here);
      const held = record('held', cur?.fromCaller ?? false);
      s.locks.set(key, cur?.fromCaller ? { ...held, retaken: true } : held);
      return;
    }
    // release
    if (family === 'mmap') for (const k of [...s.facts.keys()]) if (k.startsWith(TABLE_FACT)) s.facts.delete(k);
    if (!cur) {
      // An object of this frame (`&range` of a local `struct mmu_notifier_range range`) no caller can hold.
      // Not what its fields point to (`vmf.page`, `pvmw.ptl`): those may be anyone's.
      const ownObject = !traits.singleton && (this.cfg.frameObjects ?? []).includes(identity);
      // Nor on an object a call the analysis does not know returned, which may have locked it (6.1 mm/shmem.c
      // shmem_get_folio_gfp(): `__filemap_get_folio(mapping, index, FGP_ENTRY | FGP_LOCK, 0)`).
      const lockedByUnknownCall = !ownObject && this.fromUnknownCall(rootOf(identity));
      if (!lockedByUnknownCall) this.note(ownObject ? 'release-frame' : 'release-untouched', record('released', !ownObject), here);
      const unmatched = ownObject ? undefined : releasedIn();
      s.locks.set(key, ownObject ? record('released', false)
        : { ...record('released', true), ...(unmatched ? { releasedIn: unmatched } : {}), ...(lockedByUnknownCall ? { ownerUnknown: true } : {}) });
      return;
    }
    if (cur.status === 'released') {
      this.note('double-release', cur, here);
      return;
    }
    if (cur.mode && mode && cur.mode !== mode) this.note('wrong-mode', cur, here);
    else if (!cur.fromCaller) this.note('release-held', cur, here);
    s.locks.set(key, { ...record('released', cur.fromCaller), mode: cur.mode, assertedAt: cur.assertedAt });
  }

  /**
   * On a path that knows `ptl == pml` (split PTE locks off: both are mm->page_table_lock), the PTE lock
   * is the PMD lock: `pte_unmap_unlock(pte, ptl)` releases the pml collapse_pte_mapped_thp() holds, and
   * a `spin_lock(ptl)` under it is a self-deadlock (rule PTL-PML-ALIAS).
   */
  private alias(s: State, family: LockFamily, identity: string): string {
    for (const [k, v] of s.facts) {
      if (v.truth !== true || !k.startsWith('?')) continue;
      const sides = k.slice(1).split('==');
      if (sides.length !== 2) continue;
      const other = sides[0] === identity ? sides[1] : sides[1] === identity ? sides[0] : undefined;
      if (other !== undefined && s.locks.get(`${family}:${other}`)?.status === 'held') return other;
    }
    return identity;
  }

  /**
   * Taking a page-table lock of an mm while holding one of the same mm, at its level or above, that the
   * path has not compared it with: with split page-table locks off both are &mm->page_table_lock and the
   * CPU spins on itself. The kernel compares first: collapse_pte_mapped_thp() `if (ptl != pml)
   * spin_lock_nested(ptl, ...)` (mm/khugepaged.c), move_ptes() and move_huge_pmd() (mm/mremap.c),
   * double_pt_lock() (mm/userfaultfd.c). A level taken under a lower one is against the lock order, which
   * LOCK-ORDER reports.
   */
  private notePageTableLockAlias(s: State, key: string, identity: string, owner: string, here: { site: Span; siteText: string }): void {
    const taken = parseOwner(owner);
    for (const held of s.locks.values()) {
      if (held.key === key || held.status !== 'held' || held.family !== 'spin') continue;
      const other = held.key.slice(held.family.length + 1);
      const heldOwner = s.facts.get(`${PT_LOCK_FACT}${other}`)?.eq;
      const by = heldOwner === undefined ? undefined : parseOwner(heldOwner);
      if (!by || by.mm !== taken.mm || PT_LEVELS.indexOf(by.level) > PT_LEVELS.indexOf(taken.level)) continue;
      const differ = `?${equalityKey(identity, other)}`;
      if (s.facts.get(differ)?.truth === false) continue;
      this.note('pt-lock-alias', held, here, identity);
      // Were they one lock, the path would end here, spinning: it goes on as the one where they differ.
      s.facts.set(differ, { truth: false });
    }
  }

  private note(kind: LockEventKind, lock: LockRecord, at: { site: Span; siteText: string }, taken?: string): void {
    const id = `${kind}@${at.site.startRow}:${at.site.startColumn}@${lock.key}`;
    if (this.events.has(id)) return;
    this.events.set(id, {
      kind, key: lock.key, name: lock.name, family: lock.family, site: at.site, siteText: at.siteText, taken,
      previous: kind === 'release-untouched' || kind === 'release-frame' || kind === 'release-held' ? undefined : { site: lock.site, siteText: lock.siteText },
    });
  }

  // ---- conditions --------------------------------------------------------------------------------------

  private condition(e: Expr, s: State): { t: State[]; f: State[] } {
    // `if (WARN_ON(!ptep))`: a warning's value is its condition's (include/asm-generic/bug.h).
    if (e.kind === 'call' && WARN_MACROS.has(e.callee) && e.args.length > 0) return this.condition(e.args[0], s);
    if (e.kind === 'unary' && e.op === '!') {
      const r = this.condition(e.arg, s);
      return { t: r.f, f: r.t };
    }
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) {
      const left = this.condition(e.left, s);
      const rights = (e.op === '&&' ? left.t : left.f).map((st) => this.condition(e.right, st));
      const rt = rights.flatMap((r) => r.t);
      const rf = rights.flatMap((r) => r.f);
      return e.op === '&&' ? { t: rt, f: [...left.f, ...rf] } : { t: [...left.t, ...rt], f: rf };
    }
    if (e.kind === 'binary' && (e.op === '==' || e.op === '!=')) {
      const r = this.equality(e.left, e.right, e, s);
      return e.op === '==' ? r : { t: r.f, f: r.t };
    }
    const sign = signTest(e);
    if (sign) {
      // `if (ret < 0)` after a killable lock: its failure is a negative error, its success 0.
      const split = this.splitOn(this.expr(sign.x, s, undefined, true), (v) => {
        const negative = isNegative(v);
        return negative === undefined ? undefined : sign.below ? negative : !negative;
      }, undefined, e);
      // The side that found it below zero knows an error code, which a later `error = x; return error`
      // returns (mm/shmem.c shmem_swapin_folio(): `if (split_order < 0) { error = split_order; goto failed; }`).
      const target = isLvalue(sign.x) ? lvalueText(sign.x) : undefined;
      if (target === undefined || !this.tracked.vars.has(target)) return split;
      const below = (st: State) => (isNegative(this.fact(st, target)) === undefined ? setFact(st, target, { truth: true, ne: ['0'], negative: true }) : st);
      return sign.below ? { t: split.t.map(below), f: split.f } : { t: split.t, f: split.f.map(below) };
    }
    if (e.kind === 'binary' && e.op === '&') {
      const mask = flagMask(e.right);
      if (mask) {
        const split = this.splitOn(this.expr(e.left, s, undefined, true), (v) => testMask(v, mask), undefined, e);
        // Each side knows what it tested: `if (ret & VM_FAULT_LOCKED)` then holds what ret says, and a result
        // returned after `ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)` was not taken carries neither.
        const target = isLvalue(e.left) ? lvalueText(e.left) : undefined;
        if (target === undefined || !this.tracked.vars.has(target)) return split;
        const refine = (st: State, set: boolean) => setFact(st, target, refineMask(this.fact(st, target), mask, set));
        return { t: split.t.map((st) => refine(st, true)), f: split.f.map((st) => refine(st, false)) };
      }
    }
    const test = e.kind === 'call' && e.args.length > 0 ? LOCK_TESTS.get(e.callee) : undefined;
    if (test && e.kind === 'call') {
      const lock = this.namedLock(s, test.family, lockIdentity(exprText(e.args[0])), test.anyFamily);
      if (lock && !FAMILIES[lock.family].counting) {
        // Held or released on this path: the test is decided. Neither: in an assertion, the caller holds it;
        // in an `if`, someone may (hpage_collapse_scan_pmd() skips folios others have locked).
        const cur = s.locks.get(this.lockKey(s, lock.family, lock.identity));
        if (cur && isHeld(cur)) return { t: [s], f: [] };
        if (!this.asserting) return { t: [s], f: [s] };
        if (cur) {
          // Released on this path: the assertion fails here. Reported, and the code after it still checked.
          this.note('asserted-released', cur, { site: e.span, siteText: e.text });
          return { t: [s], f: [s] };
        }
        const t = cloneState(s);
        this.assertHeld(t, lock.family, lock.identity, undefined, e);
        return { t: [t], f: [s] };
      }
    }
    if (e.kind === 'opaque' && e.parts.length === 0 && e.text.startsWith('#if ')) return this.predicate(e.text, s);
    if (e.kind === 'opaque' && e.text.startsWith('iterate:')) {
      // An iterator macro assigns its cursor arguments on every iteration, then runs the body or leaves.
      const cursors = e.parts.flatMap((p) => (p.kind === 'call' ? p.args : [])).filter((a) => a.kind === 'ident');
      const states = this.sequence(e.parts, s).map((st) => cursors.reduce((acc, c) => this.forget(acc, exprText(c)), st));
      return { t: states, f: states };
    }
    if (e.kind === 'call' && POINTER_TESTS[e.callee] && e.args.length === 1 && this.tracked.vars.has(exprText(e.args[0]))) {
      // IS_ERR(folio) not yet known: remember the answer in folio's value on each side.
      const x = exprText(e.args[0]);
      const test = POINTER_TESTS[e.callee];
      const v = s.facts.get(x) ?? {};
      const known = test(v);
      if (known !== undefined) return known ? { t: [s], f: [] } : { t: [], f: [s] };
      const err = e.callee === 'IS_ERR' ? { eq: 'ERR_PTR', truth: true } : { truth: false, eq: '0' };
      return { t: [setFact(s, x, err)], f: [setFact(s, x, { ...v, ne: [...(v.ne ?? []), 'ERR_PTR', ...(e.callee === 'IS_ERR' ? [] : ['0'])], truth: e.callee === 'IS_ERR' ? v.truth : true })] };
    }
    const target = e.kind === 'ident' || isLvalue(e) ? lvalueText(e) : undefined;
    // A lock held through a pointer says the pointer is not NULL: `if (pvmw->ptl) spin_unlock(pvmw->ptl)`
    // (mm/page_vma_mapped.c) and `if (folio) folio_unlock(folio)` test for the lock by its pointer.
    if (target !== undefined && heldThrough(s, target)) return { t: [s], f: [] };
    return this.splitOn(this.expr(e, s, undefined, true), (v) => v.truth, target, e);
  }

  /** `a == b`: decided by the values when the path knows them, else by a remembered predicate. */
  private equality(left: Expr, right: Expr, whole: Expr & { kind: 'binary' }, s: State): { t: State[]; f: State[] } {
    if (isZeroLiteral(right) || isZeroLiteral(left)) {
      const other = isZeroLiteral(right) ? left : right;
      const r = this.condition(other, s);
      return { t: r.f, f: r.t };
    }
    const t: State[] = [];
    const f: State[] = [];
    for (const l of this.expr(left, s, undefined, true)) {
      for (const r of this.expr(right, l.s, undefined, true)) {
        const eq = compareValues(l.v, r.v);
        if (eq === true) t.push(r.s);
        else if (eq === false) f.push(r.s);
        else {
          const varText = lvalueText(left);
          const c = literalValue(right);
          if (c?.eq !== undefined && this.tracked.vars.has(varText)) {
            t.push(setFact(r.s, varText, { ...l.v, eq: c.eq, ne: undefined }));
            f.push(setFact(r.s, varText, { ...l.v, ne: [...(l.v.ne ?? []), c.eq] }));
          } else {
            const p = this.predicate(`?${canonicalEquality(whole)}`, r.s);
            t.push(...p.t);
            f.push(...p.f);
          }
        }
      }
    }
    return { t, f };
  }

  /** Splits forked results by a truth test; unknown results go both ways, remembering the outcome in `target`. */
  private splitOn(results: Forked, test: (v: Value) => boolean | undefined, target: string | undefined, e: Expr): { t: State[]; f: State[] } {
    const t: State[] = [];
    const f: State[] = [];
    for (const r of results) {
      const known = test(r.v);
      if (known === true) t.push(r.s);
      else if (known === false) f.push(r.s);
      else if (target && this.tracked.vars.has(target)) {
        const vt = refineTruth(r.v, true);
        const vf = refineTruth(r.v, false);
        // `ci = si->cluster_info; if (ci)` (mm/swapfile.c lock_cluster()) tests the parameter's field too:
        // the outcome's condition on it lets a caller pair two calls with the same argument.
        const source = r.s.facts.get(`${COPY_FACT}${target}`)?.eq;
        const both = (st: State, v: Value) => {
          const out = setFact(st, target, v);
          return source === undefined || v.truth === undefined ? out : setFact(out, source, truthValue(v.truth));
        };
        if (vt) t.push(both(r.s, vt));
        if (vf) f.push(both(r.s, vf));
      } else if (isPure(e) && this.tracked.predicates.has(`?${conditionText(e)}`)) {
        const p = this.predicate(`?${conditionText(e)}`, r.s);
        t.push(...p.t);
        f.push(...p.f);
      } else {
        t.push(r.s);
        f.push(r.s);
      }
    }
    return { t, f };
  }

  /** A condition the path cannot evaluate but may meet again: remember which way it went. */
  private predicate(key: string, s: State): { t: State[]; f: State[] } {
    const known = s.facts.get(key);
    if (known?.truth !== undefined) return known.truth ? { t: [s], f: [] } : { t: [], f: [s] };
    if (!key.startsWith('#if') && !this.tracked.predicates.has(key)) return { t: [s], f: [s] };
    return { t: [setFact(s, key, { truth: true })], f: [setFact(s, key, { truth: false })] };
  }
}

// ---- helpers --------------------------------------------------------------------------------------------

const zeroSpan: Span = { startRow: 0, startColumn: 0, endRow: 0, endColumn: 0 };

/**
 * The locks a path holds at a call, as the callee would name them: `family:$i…` for a lock reached through
 * argument i (`spin:$0->lock`), singletons and globals as they are, with the mode (`mmap:mmap:read`). Locks
 * on anything else, counting sections and locks owned by another are not the callee's to know.
 */
function callerHeldKeys(s: State, call: CallExpr): string[] {
  const args = call.args.map((a) => lockIdentity(exprText(a)));
  const out: string[] = [];
  for (const l of s.locks.values()) {
    const traits = FAMILIES[l.family];
    if (l.status !== 'held' || traits.counting || traits.ownedBy) continue;
    const identity = l.key.slice(l.family.length + 1);
    let named: string | undefined = traits.singleton || isGlobalLockName(identity) ? identity : undefined;
    args.forEach((a, i) => {
      if (named === undefined && a && within(identity, a)) named = `$${i}${identity.slice(a.length)}`;
    });
    if (named !== undefined) out.push(`${l.family}:${named}:${l.mode ?? ''}`);
  }
  return out;
}


/**
 * Fact key: `pt-lock:ptl` = {eq: 'PTE mm'} — the variable points at a page-table lock of that level and
 * mm, as written (PAGE_TABLE_LOCK_POINTERS).
 */
const PT_LOCK_FACT = 'pt-lock:';
const PT_LEVELS = ['PUD', 'PMD', 'PTE'];

/**
 * Whether the path holds a lock whose identity is this very pointer or a field reached through it
 * (`inode->i_rwsem` after inode_lock(inode): the pointer was followed to take it, and a write to it would
 * have handed the lock off).
 */
function heldThrough(s: State, pointer: string): boolean {
  for (const l of s.locks.values()) {
    const traits = FAMILIES[l.family];
    if (l.status !== 'held' || traits.counting || traits.singleton) continue;
    if (l.key === `${l.family}:${pointer}` || l.key.startsWith(`${l.family}:${pointer}->`)) return true;
  }
  return false;
}

/** Where a call puts a page-table lock pointer, and whose lock it is (`PMD mm`). */
function pageTableLockOf(call: CallExpr): { pointer: 'result' | { arg: number }; owner: string } | undefined {
  const spec = PAGE_TABLE_LOCK_POINTERS.get(call.callee);
  const arg = spec && call.args[spec.mm.arg];
  if (!spec || !arg) return undefined;
  const mm = lockIdentity(exprText(arg));
  return { pointer: spec.pointer, owner: `${spec.level} ${spec.mm.field ? `${mm}->${spec.mm.field}` : mm}` };
}

function parseOwner(owner: string): { level: string; mm: string } {
  const space = owner.indexOf(' ');
  return { level: owner.slice(0, space), mm: owner.slice(space + 1) };
}

/** Fact key: `unset:ptl` — the local was declared without a value and nothing on this path has set it. */
const UNSET_FACT = 'unset:';

/** Fact key: `alias:page` = {eq: 'folio'} after `page = folio_file_page(folio, i)`. */
const ALIAS_FACT = 'alias:';

/** Fact key: `lookup:lock_cluster(si,offset)` = {eq: 'ci'} — the variable holding that call's locked result. */
const LOOKUP_FACT = 'lookup:';

function lookupKey(call: CallExpr): string {
  return `${LOOKUP_FACT}${call.callee}(${call.args.map(exprText).join(',')})`;
}

/** Some outcome returns an object it locked (`$ret`): a lookup whose result carries the lock. */
function returnsLockedObject(summary: FunctionSummary | undefined): boolean {
  return summary?.outcomes.some((o) => o.effects.some((e) => e.op === 'acquire' && e.identity.startsWith(RETURNED))) === true;
}

/** Fact key: `copy:ci` = {eq: 'si->cluster_info'} — the local holds a copy of a parameter's field. */
const COPY_FACT = 'copy:';

/**
 * `page = folio_file_page(folio, i)`: the folio's lock can now be released through `page` as well; so can a
 * held lock's object copied as it is (`folio = target.folio` after get_mctgt_type() stored it there, in
 * mm/memcontrol-v1.c mem_cgroup_move_charge_pte_range()).
 */
function recordAlias(s: State, value: Expr, target: string): State {
  const canonical = aliasSource(s, value) ?? heldLockObject(s, value);
  if (!canonical || canonical === target) return s;
  return setFact(s, `${ALIAS_FACT}${target}`, { eq: canonical });
}

/** The lock object `value` names as written, when the path holds a lock on it. */
function heldLockObject(s: State, value: Expr): string | undefined {
  if (!isLvalue(value)) return undefined;
  const text = lvalueText(value);
  for (const l of s.locks.values()) if (isHeld(l) && l.key === `${l.family}:${text}`) return text;
  return undefined;
}

/** The canonical name of the object an alias expression (`folio_file_page(folio, i)`, `&folio->page`) names. */
function aliasSource(s: State, value: Expr): string | undefined {
  const source = value.kind === 'call' && ALIAS_CALLS.has(value.callee) && value.args[0] ? lockIdentity(exprText(value.args[0]))
    : value.kind === 'unary' && value.op === '&' && value.arg.kind === 'opaque' && /^\w+->page$/.test(value.arg.text) ? value.arg.text.split('->')[0]
    : undefined;
  return source && (s.facts.get(`${ALIAS_FACT}${source}`)?.eq ?? source);
}

/** Identity of the caller's locks a function released on objects it looked up itself. */
export const FOUND_OBJECTS = '<found objects>';

/** Fact key: this path mapped the PTE table of the PMD `<text>` and has kept the mmap_lock since. */
const TABLE_FACT = 'table:';

function tableFact(pmdText: string): string {
  return `${TABLE_FACT}${lockIdentity(pmdText)}`;
}

/** The state without the facts `which` picks (the same state when it picks none; only the facts are copied). */
function dropFacts(s: State, which: (key: string) => boolean): State {
  let facts: Map<string, Value> | undefined;
  for (const k of s.facts.keys()) {
    if (!which(k)) continue;
    facts ??= new Map(s.facts);
    facts.delete(k);
  }
  return facts ? { ...s, facts } : s;
}

/** Two outcomes' conditions on the same argument that cannot both hold. */
function contradicts(a: SummaryCondition[], b: SummaryCondition[]): boolean {
  return a.some((c) => b.some((d) => c.arg === d.arg && c.path === d.path && compareValues(c.value, d.value) === false));
}

/** What the path knows of an argument's value: a literal, or a remembered variable. */
function argumentValue(arg: Expr, s: State): Value | undefined {
  return literalValue(arg) ?? (arg.kind === 'ident' ? s.facts.get(arg.name) : undefined);
}

/** The state on which `arg` is `truth`: undefined where the path knows otherwise, unchanged where nothing can be known. */
function assumeArgument(arg: Expr | undefined, truth: boolean, s: State): State | undefined {
  if (!arg) return s;
  const known = argumentValue(arg, s);
  const value = known?.truth ?? (known?.eq === '0' || known?.eq === 'false' ? false : known?.eq !== undefined ? true : undefined);
  if (value !== undefined) return value === truth ? s : undefined;
  return arg.kind === 'ident' ? setFact(s, arg.name, truthValue(truth)) : s;
}

/**
 * An outcome for flags of an argument set (or clear): taken where the path allows it (`onlyKnown`: where it
 * knows it), which then knows them. An argument written out (`FAULT_FLAG_WRITE | FAULT_FLAG_ALLOW_RETRY`) says
 * which flags it has.
 */
function assumeFlags(arg: Expr | undefined, mask: string, set: boolean, onlyKnown: boolean, s: State): State | undefined {
  const written = arg && flagMask(arg);
  if (written !== undefined) return written.split('|').includes(mask) === set ? s : undefined;
  if (arg?.kind !== 'ident') return s;
  const value = s.facts.get(arg.name) ?? {};
  const known = testMask(value, mask);
  if (known !== undefined) return known === set ? s : undefined;
  return onlyKnown ? undefined : setFact(s, arg.name, refineMask(value, mask, set));
}

/**
 * An outcome that writes `truth` through a pointer argument: `&locked` sets `locked`, a pointer parameter
 * passed on sets what it points to. NULL is written by no outcome: only one that writes true happens then.
 */
function writeThrough(arg: Expr | undefined, truth: boolean, s: State): State | undefined {
  if (!arg || isZeroLiteral(arg) || (arg.kind === 'ident' && arg.name === 'NULL')) return truth ? s : undefined;
  const written = truthValue(truth);
  if (arg.kind === 'unary' && arg.op === '&') return setFact(s, lvalueText(arg.arg), written);
  if (arg.kind !== 'ident') return s;
  if (truth) return setFact(s, `*${arg.name}`, written);
  // Cleared through a pointer the path passed on: the pointer was not NULL (`if (locked && *locked == 0)`).
  const pointer = refineTruth(s.facts.get(arg.name) ?? {}, true);
  return pointer ? setFact(setFact(s, `*${arg.name}`, written), arg.name, pointer) : undefined;
}

function setFact(s: State, key: string, v: Value): State {
  const out = withOwnFacts(s);
  out.facts.set(key, v);
  return out;
}

function guardClass(callee: string): string {
  const m = /^guard\((\w+)\)$/.exec(callee);
  return m ? m[1] : '';
}

/** The lock table's row for a call, `guard(spinlock)` being spin_lock()'s (GUARD_CLASSES). */
export function resolveApi(callee: string, argc?: number): ApiRow | undefined {
  const cls = guardClass(callee);
  if (cls) {
    const g = GUARD_CLASSES[cls];
    return g ? apiRow(g.acquire) : undefined;
  }
  return apiRow(callee, argc);
}

/** The lock identity an effect names: the argument's text without `&`, the assigned variable, or the family. */
function effectIdentity(eff: LockEffect, call: CallExpr, resultTarget: string | undefined): string | undefined {
  if (eff.key === 'family') return eff.family;
  if (eff.key === 'result') return resultTarget ?? call.text;
  if (eff.key === 'out-arg') {
    const out = call.args.find((a) => a.kind === 'unary' && a.op === '&');
    return out ? lockIdentity(exprText(out)) : undefined;
  }
  return argumentLock(call, eff.key);
}

/** The lock an argument names: its text without `&`, or what it points to for a `pointee` key. */
function argumentLock(call: CallExpr, key: { arg: number; pointee?: boolean }): string | undefined {
  const arg = call.args[key.arg];
  if (!arg) return undefined;
  return key.pointee ? pointedTo(exprText(arg)) : lockIdentity(exprText(arg));
}

/**
 * The state with what the outcome's paths knew about the callee's parameters, written in the caller's
 * argument texts; undefined when the state already knows otherwise (that outcome cannot happen here). An
 * argument that is no plain name or field path (`&x`, `f(y)`) says nothing the caller could test.
 */
function assumeConditions(o: SummaryOutcome, call: CallExpr, s: State): State | undefined {
  let out = s;
  for (const { arg, path, value } of o.conditions) {
    const target = conditionTarget(call, arg, path);
    if (target === undefined) continue;
    // A lock the path holds through the pointer says it is not NULL (as for a test in this function).
    const known = out.facts.get(target) ?? (heldThrough(out, target) ? { truth: true } : undefined);
    if (known && compareValues(known, value) === false) return undefined;
    out = setFact(out, target, { ...known, ...value });
  }
  return out;
}

/** `x < 0` or `x >= 0` (either way round): the tested value, and whether the test is "below zero". */
/** What PTR_ERR() gives for a pointer of this value. */
function errorCodeOf(v: Value): Value {
  if (v.eq === 'ERR_PTR') return v.errno ? { eq: v.errno, truth: true } : { truth: true, ne: ['0'], negative: true };
  return v.ne?.includes('ERR_PTR') ? { negative: false } : {};
}

function signTest(e: Expr): { x: Expr; below: boolean } | undefined {
  if (e.kind !== 'binary') return undefined;
  if (isZeroLiteral(e.right) && (e.op === '<' || e.op === '>=')) return { x: e.left, below: e.op === '<' };
  if (isZeroLiteral(e.left) && (e.op === '>' || e.op === '<=')) return { x: e.right, below: e.op === '>' };
  return undefined;
}

/** A callee's condition on argument `arg` at `path`, in the caller's terms; undefined when the caller cannot name it. */
function conditionTarget(call: CallExpr, arg: number, path: string): string | undefined {
  const a = call.args[arg];
  const target = a && argumentPath(exprText(a), path);
  return target !== undefined && FIELD_PATH.test(target) ? target : undefined;
}

/** What an assignment or an argument passed by address writes, as written (`*mmap_locked`, `vmf->ptl`). */
function lvalueText(e: Expr): string {
  return exprText(e);
}

function isLvalue(e: Expr): boolean {
  return e.kind === 'ident' || (e.kind === 'unary' && e.op === '*') || (e.kind === 'opaque' && /^[\w.>*-]+$/.test(e.text) && !e.text.includes('('));
}

/** No calls, assignments or increments: evaluating it twice gives the same answer if its variables are unchanged. */
function isPure(e: Expr): boolean {
  switch (e.kind) {
    case 'const':
    case 'ident':
      return true;
    case 'unary':
      return isPure(e.arg);
    case 'binary':
      return isPure(e.left) && isPure(e.right);
    case 'opaque':
      return !e.text.startsWith('iterate:') && e.parts.every(isPure) && !e.text.includes('(');
    case 'call':
      return PURE_TESTS.test(e.callee) && e.args.every(isPure);
    default:
      return false;
  }
}

function conditionText(e: Expr): string {
  return exprText(e);
}

/** `a != b` and `b == a` remember the same predicate. */
function canonicalEquality(e: Expr & { kind: 'binary' }): string {
  return equalityKey(exprText(e.left), exprText(e.right));
}

/** `a==b` in one order whichever side each was written on: the fact key of a remembered comparison. */
function equalityKey(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  return `${x}==${y}`;
}

const mentionPatterns = new Map<string, RegExp>();

function mentions(factKey: string, variable: string): boolean {
  let re = mentionPatterns.get(variable);
  if (!re) {
    const escaped = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    mentionPatterns.set(variable, (re = new RegExp(`(^|[^\\w])${escaped}($|[^\\w])`)));
  }
  return re.test(factKey.replace(/^(\?|table:|lookup:\w+)/, ''));
}

interface Tracking {
  /** Variables (and lvalues such as `*mmap_locked`) whose values a path remembers: `tested` and out-parameters. */
  vars: Set<string>;
  /**
   * Variables whose truth or named value a branch tests (`!pte`, `result != SCAN_SUCCEED`) or that are
   * returned: a call assigned to one of them may fail as far as the code is concerned. `_pte < pte + N`
   * is no such test, so 6.1's never-NULL pte_offset_map_lock() result is not forked into a NULL case.
   */
  tested: Set<string>;
  /** Variables returned as they are (`return result;`): what a caller's summary distinguishes outcomes by. */
  returned: Set<string>;
  /** Conditions that appear more than once: a path remembers which way it took them. */
  predicates: Set<string>;
  /** Roots of the lock expressions of the function's lock calls and of its summarised callees' lock effects. */
  lockRoots: Set<string>;
  /** Parameters that are lock roots or returned: where they are assigned, the path notes it (MOVED_FACT). */
  movable: Set<string>;
  /** Parameters the function never writes (summary.ts writtenPaths): they hold the caller's value throughout. */
  fixedParams: Set<string>;
}

function collectTracking(cfg: FunctionCfg, summaries: ReadonlyMap<string, FunctionSummary>): Tracking {
  const counts = new Map<string, number>();
  const addPredicates = (e: Expr): void => {
    if (e.kind === 'unary' && e.op === '!') return addPredicates(e.arg);
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) { addPredicates(e.left); addPredicates(e.right); return; }
    if (!isPure(e)) return;
    const key = e.kind === 'binary' && (e.op === '==' || e.op === '!=') ? `?${canonicalEquality(e)}` : `?${conditionText(e)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const tested = new Set<string>();
  const addTested = (e: Expr): void => {
    const sign = signTest(e);
    if (e.kind === 'unary' && e.op === '!') addTested(e.arg);
    else if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) { addTested(e.left); addTested(e.right); }
    else if (e.kind === 'binary' && (e.op === '==' || e.op === '!=')) {
      if (literalValue(e.right)) addTested(e.left);
      else if (literalValue(e.left)) addTested(e.right);
    } else if (e.kind === 'binary' && e.op === '&') addTested(e.left);
    else if (e.kind === 'call' && (POINTER_TESTS[e.callee] || WARN_MACROS.has(e.callee)) && e.args[0]) addTested(e.args[0]);
    else if (sign) addTested(sign.x);
    else if (e.kind === 'ident') {
      if (!isNamedConstant(e.name)) tested.add(e.name);
    } else if (isLvalue(e)) tested.add(exprText(e));
  };
  for (const n of cfg.nodes) {
    if (n.condition) { addPredicates(n.condition); addTested(n.condition); }
    if (n.returnValue) addTested(n.returnValue);
  }
  const returned = new Set(cfg.nodes.flatMap((n) => (n.returnValue?.kind === 'ident' ? [n.returnValue.name] : [])));
  // Out-parameters: `*mmap_locked = false` is how hpage_collapse_scan_pmd() tells its caller it dropped the lock.
  const vars = new Set([...tested, ...cfg.params.map((p) => `*${p}`), ...testedByCallees(cfg, summaries)]);
  const lockRoots = new Set([...familiesByIdentity(cfg).keys()].map(rootOf));
  forEachCall(cfg, (call) => {
    for (const o of summaries.get(call.callee)?.outcomes ?? []) {
      for (const eff of o.effects) {
        const arg = /^\$(\d+)/.exec(eff.identity);
        const e = arg && call.args[Number(arg[1])];
        if (e) lockRoots.add(rootOf(lockIdentity(exprText(e))));
      }
    }
  });
  // A comparison of two locks (`ptl != pml`) decides what a later lock call takes, even when made once.
  const comparesLocks = (k: string): boolean => {
    const sides = k.slice(1).split('==');
    return sides.length === 2 && sides.every((side) => FIELD_PATH.test(side) && lockRoots.has(rootOf(side)));
  };
  const predicates = new Set([...counts].filter(([k, c]) => c > 1 || comparesLocks(k)).map(([k]) => k));
  const movable = new Set(cfg.params.filter((p) => lockRoots.has(p) || returned.has(p)));
  const written = writtenPaths(cfg);
  const fixedParams = new Set(cfg.params.filter((p) => !written.has(p)));
  return { vars, tested, returned, predicates, lockRoots, movable, fixedParams };
}

/**
 * What the callees' outcomes test about the arguments this function passes them: `ci` in
 * `unlock_cluster_or_swap_info(si, ci)`, whose outcomes branch on `ci` (mm/swapfile.c). The path must
 * remember those values (the result of `ci = lock_cluster_or_swap_info(si, offset)`) for the callee's
 * outcomes to pair with them.
 */
function testedByCallees(cfg: FunctionCfg, summaries: ReadonlyMap<string, FunctionSummary>): string[] {
  const out: string[] = [];
  forEachCall(cfg, (call) => {
    // A row's outcomes for flags of an argument (handle_mm_fault()'s `fault_flags`) read its value.
    for (const o of resolveApi(call.callee, call.args.length)?.outcomes ?? []) {
      for (const { arg } of o.whenFlags ?? []) if (call.args[arg]?.kind === 'ident') out.push(exprText(call.args[arg]));
    }
    for (const o of summaries.get(call.callee)?.outcomes ?? []) {
      for (const { arg, path } of o.conditions) {
        const target = conditionTarget(call, arg, path);
        if (target !== undefined) out.push(target);
      }
    }
  });
  return out;
}

/**
 * The family each lock identity has in the function's own lock calls (`spin_lock(&khugepaged_mm_lock)`: a
 * spinlock), for annotations and assertions that name a lock without saying what it is.
 */
export function familiesByIdentity(cfg: FunctionCfg): Map<string, LockFamily> {
  const cached = familiesCache.get(cfg);
  if (cached) return cached;
  const out = new Map<string, LockFamily>();
  const walk = (e: Expr): void => {
    if (e.kind === 'call') {
      const row = apiRow(e.callee);
      for (const eff of [...(row?.effects ?? []), ...(row?.outcomes ?? []).flatMap((o) => o.effects)]) {
        const lock = (eff.op === 'acquire' || eff.op === 'release') && typeof eff.key === 'object' ? argumentLock(e, eff.key) : undefined;
        if (lock !== undefined) out.set(lock, eff.family);
      }
      e.args.forEach(walk);
    } else if (e.kind === 'assign') walk(e.value);
    else if (e.kind === 'opaque') e.parts.forEach(walk);
    else if (e.kind === 'unary') walk(e.arg);
    else if (e.kind === 'binary') { walk(e.left); walk(e.right); }
  };
  for (const n of cfg.nodes) for (const ev of n.events) if (ev.kind === 'eval') walk(ev.expr);
  familiesCache.set(cfg, out);
  return out;
}

const familiesCache = new WeakMap<FunctionCfg, Map<string, LockFamily>>();

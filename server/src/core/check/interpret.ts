// A path-sensitive abstract interpreter over one function's CFG (smatch-style): each CFG node keeps the set
// of distinct states that reach it; a call forks the state once per outcome of its API row or of the callee's
// summary; a branch keeps only the states its condition allows. It records everything the lock rules need:
// the states at every exit and the lock events (double acquire, double release, release of an untouched lock).
import type { CfgEvent, CfgNode, Expr, FunctionCfg, Span } from '../cfg/types';
import { FAMILIES, GUARD_CLASSES, apiRow, type ApiRow, type LockEffect, type LockFamily, type LockMode } from '../model/api';
import { cloneState, initialState, stateHash, withTrail, type LockRecord, type State, type Value } from './state';
import type { FunctionSummary, SummaryOutcome } from './summary';
import { compareValues, isNamedConstant, isZeroLiteral, literalValue, refineTruth, testFlag, valueForReturnSpec } from './values';

export interface ExitState {
  state: State;
  value: Value;
  node: CfgNode;
}

export type LockEventKind = 'double-acquire' | 'double-release' | 'release-untouched' | 'release-held' | 'wrong-mode';

export interface LockEvent {
  kind: LockEventKind;
  key: string;
  name: string;
  family: LockFamily;
  site: Span;
  siteText: string;
  /** The earlier acquire/release this event conflicts with. */
  previous?: { site: Span; siteText: string };
}

export interface Interpretation {
  exits: ExitState[];
  events: LockEvent[];
  complete: boolean;
  statesVisited: number;
}

export interface InterpretContext {
  summaries: ReadonlyMap<string, FunctionSummary>;
  /** Locks held on entry by the function's annotations (__must_hold, __releases). */
  entryLocks: LockRecord[];
  /** Upper bound on explored (node, state) pairs; past it the result is marked incomplete. */
  maxStates?: number;
}

/** States kept per CFG node before facts are dropped to merge them. */
const STATES_PER_NODE = 64;
const DEFAULT_MAX_STATES = 200_000;
const COUNT_LIMIT = 3;

export function interpret(cfg: FunctionCfg, ctx: InterpretContext): Interpretation {
  return new Interpreter(cfg, ctx).run();
}

type CallExpr = Expr & { kind: 'call' };
type Forked = { s: State; v: Value }[];

class Interpreter {
  private readonly exits: ExitState[] = [];
  private readonly events = new Map<string, LockEvent>();
  private readonly tracked: Tracking;
  private statesVisited = 0;

  constructor(private readonly cfg: FunctionCfg, private readonly ctx: InterpretContext) {
    this.tracked = collectTracking(cfg);
  }

  run(): Interpretation {
    const start = initialState();
    for (const l of this.ctx.entryLocks) start.locks.set(l.key, l);
    const seen = new Map<number, Set<string>>();
    const work: [number, State][] = [[this.cfg.entry, start]];
    const max = this.ctx.maxStates ?? DEFAULT_MAX_STATES;
    let complete = true;
    while (work.length > 0) {
      if (++this.statesVisited > max) {
        complete = false;
        break;
      }
      const [id, incoming] = work.pop()!;
      const node = this.cfg.nodes[id];
      let state = incoming;
      let set = seen.get(id);
      if (!set) seen.set(id, (set = new Set()));
      let h = stateHash(state);
      if (set.has(h)) continue;
      if (set.size >= STATES_PER_NODE) {
        // Too many distinct facts here: forget them (locks are kept) so the node converges.
        state = { ...state, facts: new Map() };
        h = stateHash(state);
        if (set.has(h)) continue;
      }
      set.add(h);
      for (const [next, s] of this.step(node, state)) work.push([next, s]);
    }
    return { exits: this.exits, events: [...this.events.values()], complete, statesVisited: this.statesVisited };
  }

  private step(node: CfgNode, state: State): [number, State][] {
    if (node.kind === 'return') return this.returnNode(node, state);
    if (node.kind === 'noreturn' || node.kind === 'exit') return [];
    let states = [state];
    for (const ev of node.events) states = states.flatMap((s) => this.event(ev, s));
    if (node.label?.startsWith('goto')) states = states.map((s) => withTrail(s, { label: node.label!, span: node.span! }));
    if (node.kind === 'branch') {
      const out: [number, State][] = [];
      for (const s of states) {
        if (!node.condition) {
          out.push([node.succ[0], s]); // for (;;): always true
          continue;
        }
        const { t, f } = this.condition(node.condition, s);
        for (const ts of t) out.push([node.succ[0], ts]);
        if (node.succ[1] !== undefined) for (const fs of f) out.push([node.succ[1], fs]);
      }
      return out;
    }
    return states.flatMap((s) => node.succ.map((n): [number, State] => [n, s]));
  }

  private returnNode(node: CfgNode, state: State): [number, State][] {
    const results: Forked = node.returnValue ? this.expr(node.returnValue, state, undefined, true) : [{ s: state, v: {} }];
    for (const r of results) {
      let states = [r.s];
      for (const ev of node.events) states = states.flatMap((s) => this.event(ev, s));
      for (const s of states) {
        this.exits.push({ state: withTrail(s, { label: node.label ?? 'return', span: node.span ?? r.s.trail.at(-1)?.span ?? zeroSpan }), value: r.v, node });
      }
    }
    return [];
  }

  private event(ev: CfgEvent, s: State): State[] {
    if (ev.kind === 'eval') return this.expr(ev.expr, s).map((r) => r.s);
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
        return [{ s: this.forget(s, lvalueText(e.target)), v: {} }];
      case 'unary': {
        const inner = this.expr(e.arg, s, undefined, observed || e.op === '!');
        if (e.op === '!') return inner.map((r) => ({ s: r.s, v: r.v.truth === undefined ? {} : { truth: !r.v.truth } }));
        const lit = literalValue(e);
        return inner.map((r) => ({ s: r.s, v: lit ?? (e.op === '&' ? { truth: true } : e.op === '*' ? this.fact(r.s, e.text) : {}) }));
      }
      case 'binary':
        return this.sequence([e.left, e.right], s).map((r) => ({ s: r, v: {} }));
      case 'opaque':
        return this.sequence(e.parts, s).map((r) => ({ s: r, v: e.parts.length === 0 || e.text.startsWith('(') ? {} : this.fact(r, e.text) }));
    }
  }

  private sequence(parts: Expr[], s: State): State[] {
    let states = [s];
    for (const p of parts) states = states.flatMap((st) => this.expr(p, st).map((r) => r.s));
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

  private assign(e: Expr & { kind: 'assign' }, s: State): Forked {
    const target = lvalueText(e.target);
    const observed = this.tracked.vars.has(target);
    return this.expr(e.value, s, target, observed).map((r) => {
      let st = this.forget(r.s, target);
      const value = e.op === '=' ? r.v : {};
      if (observed && e.op === '=') {
        st = st === r.s ? cloneState(st) : st;
        st.facts.set(target, value);
      }
      return { s: st, v: value };
    });
  }

  /** After `x` is written: drop what the path knew about x and about conditions that mention it. */
  private forget(s: State, target: string): State {
    const stale = [...s.facts.keys()].filter((k) => k === target || (k.startsWith('?') && mentions(k, target)));
    if (stale.length === 0) return s;
    const out = cloneState(s);
    for (const k of stale) out.facts.delete(k);
    return out;
  }

  private call(e: CallExpr, s: State, resultTarget: string | undefined, observed: boolean): Forked {
    let states = this.sequence(e.args, s);
    // Arguments passed by address may be written by the callee.
    const outArgs = e.args.map((a) => (a.kind === 'unary' && a.op === '&' ? lvalueText(a.arg) : undefined));
    const row = resolveApi(e.callee);
    const summary = row ? undefined : this.ctx.summaries.get(e.callee);
    states = states.map((st) => outArgs.reduce((acc, t) => (t ? this.forget(acc, t) : acc), st));
    if (row) {
      return states.flatMap((st) => {
        const base = this.applyEffects(row.effects ?? [], e, cloneState(st), resultTarget);
        const outcomes = row.outcomes ?? [];
        if (outcomes.length === 0) return [{ s: base, v: {} }];
        // An unobserved result cannot fail as far as this code is concerned (6.1's pte_offset_map_lock()
        // never returned NULL, and its callers do not test it): take the first, successful, outcome.
        const chosen = observed ? outcomes : outcomes.slice(0, 1);
        return chosen.map((o) => ({ s: this.applyEffects(o.effects, e, cloneState(base), resultTarget), v: valueForReturnSpec(o.returns) }));
      });
    }
    if (summary) {
      return states.flatMap((st) => summary.outcomes.map((o) => ({ s: this.applySummary(o, e, st, outArgs), v: o.returns })));
    }
    return states.map((st) => ({ s: st, v: {} }));
  }

  private applySummary(o: SummaryOutcome, call: CallExpr, s: State, outArgs: (string | undefined)[]): State {
    const st = cloneState(s);
    for (const eff of o.effects) {
      const key = instantiate(eff.identity, call);
      if (key === undefined) continue;
      this.lockOp(st, eff.op, eff.family, key, eff.mode, call, undefined);
    }
    for (const [index, value] of o.outParams) {
      const target = outArgs[index];
      if (target && this.tracked.vars.has(target)) st.facts.set(target, value);
    }
    return st;
  }

  private applyEffects(effects: LockEffect[], call: CallExpr, s: State, resultTarget: string | undefined): State {
    for (const eff of effects) {
      const identity = effectIdentity(eff, call, resultTarget);
      if (identity === undefined) continue;
      if (eff.op === 'release-all') {
        for (const [k, l] of s.locks) if (l.family === eff.family) s.locks.delete(k);
        continue;
      }
      this.lockOp(s, eff.op, eff.family, identity, eff.mode, call, eff.role);
    }
    return s;
  }

  /** Mutates `s` (already a private copy): one acquire/release/downgrade of the lock `family:identity`. */
  private lockOp(s: State, op: 'acquire' | 'release' | 'downgrade', family: LockFamily, identity: string,
    mode: LockMode | undefined, call: CallExpr, role: string | undefined): void {
    const traits = FAMILIES[family];
    const key = `${family}:${identity}`;
    const name = traits.singleton ? traits.label : identity;
    const cur = s.locks.get(key);
    const here = { site: call.span, siteText: call.text };
    const record = (status: 'held' | 'released', fromCaller: boolean, count = 0): LockRecord =>
      ({ key, family, name, mode, status, fromCaller, count, ...here, role: role ?? cur?.role });

    if (traits.counting) {
      const count = Math.max(-COUNT_LIMIT, Math.min(COUNT_LIMIT, (cur?.count ?? 0) + (op === 'acquire' ? 1 : op === 'release' ? -1 : 0)));
      if (count === 0) s.locks.delete(key);
      else s.locks.set(key, record(count > 0 ? 'held' : 'released', count < 0, count));
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
      s.locks.set(key, record('held', cur?.fromCaller ?? false));
      return;
    }
    // release
    if (!cur) {
      this.note('release-untouched', record('released', true), here);
      s.locks.set(key, record('released', true));
      return;
    }
    if (cur.status === 'released') {
      this.note('double-release', cur, here);
      return;
    }
    if (cur.mode && mode && cur.mode !== mode) this.note('wrong-mode', cur, here);
    else if (!cur.fromCaller) this.note('release-held', cur, here);
    s.locks.set(key, { ...record('released', cur.fromCaller), mode: cur.mode });
  }

  private note(kind: LockEventKind, lock: LockRecord, at: { site: Span; siteText: string }): void {
    const id = `${kind}@${at.site.startRow}:${at.site.startColumn}@${lock.key}`;
    if (this.events.has(id)) return;
    this.events.set(id, {
      kind, key: lock.key, name: lock.name, family: lock.family, site: at.site, siteText: at.siteText,
      previous: kind === 'release-untouched' || kind === 'release-held' ? undefined : { site: lock.site, siteText: lock.siteText },
    });
  }

  // ---- conditions --------------------------------------------------------------------------------------

  private condition(e: Expr, s: State): { t: State[]; f: State[] } {
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
    if (e.kind === 'binary' && e.op === '&') {
      const flag = literalValue(e.right);
      if (flag) {
        return this.splitOn(this.expr(e.left, s, undefined, true), (v) => testFlag(v, flag), undefined, e);
      }
    }
    if (e.kind === 'opaque' && e.parts.length === 0 && e.text.startsWith('#if ')) return this.predicate(e.text, s);
    const target = e.kind === 'ident' || isLvalue(e) ? lvalueText(e) : undefined;
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
            t.push(setFact(r.s, varText, { ...r.v, eq: c.eq, ne: undefined }));
            f.push(setFact(r.s, varText, { ...r.v, ne: [...(r.v.ne ?? []), c.eq] }));
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
        if (vt) t.push(setFact(r.s, target, vt));
        if (vf) f.push(setFact(r.s, target, vf));
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

function setFact(s: State, key: string, v: Value): State {
  const out = cloneState(s);
  out.facts.set(key, v);
  return out;
}

function guardClass(callee: string): string {
  const m = /^guard\((\w+)\)$/.exec(callee);
  return m ? m[1] : '';
}

function resolveApi(callee: string): ApiRow | undefined {
  const cls = guardClass(callee);
  if (cls) {
    const g = GUARD_CLASSES[cls];
    return g ? apiRow(g.acquire) : undefined;
  }
  return apiRow(callee);
}

/** The lock identity an effect names: the argument's text without `&`, the assigned variable, or the family. */
function effectIdentity(eff: LockEffect, call: CallExpr, resultTarget: string | undefined): string | undefined {
  if (eff.key === 'family') return eff.family;
  if (eff.key === 'result') return resultTarget ?? call.text;
  const arg = call.args[eff.key.arg];
  return arg ? lockIdentity(exprText(arg)) : undefined;
}

export function lockIdentity(text: string): string {
  let t = text;
  for (;;) {
    const next = t.replace(/^&/, '').replace(/^\((.*)\)$/, '$1');
    if (next === t) return t;
    t = next;
  }
}

/** Summary identities name parameters as $0, $1…: substitute the caller's argument texts. */
function instantiate(identity: string, call: CallExpr): string | undefined {
  const m = /^\$(\d+)(.*)$/.exec(identity);
  if (!m) return identity;
  const arg = call.args[Number(m[1])];
  if (!arg) return undefined;
  return lockIdentity(exprText(arg) + m[2]);
}

export function exprText(e: Expr): string {
  return e.kind === 'ident' ? e.name : e.text;
}

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
    default:
      return false;
  }
}

function conditionText(e: Expr): string {
  return exprText(e);
}

/** `a != b` and `b == a` remember the same predicate. */
function canonicalEquality(e: Expr & { kind: 'binary' }): string {
  const [x, y] = [exprText(e.left), exprText(e.right)].sort();
  return `${x}==${y}`;
}

function mentions(predicateKey: string, variable: string): boolean {
  const escaped = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w])${escaped}($|[^\\w])`).test(predicateKey.slice(1));
}

interface Tracking {
  /** Variables (and lvalues such as `*mmap_locked`) whose values some branch or return depends on. */
  vars: Set<string>;
  /** Conditions that appear more than once: a path remembers which way it took them. */
  predicates: Set<string>;
}

function collectTracking(cfg: FunctionCfg): Tracking {
  const vars = new Set<string>();
  const counts = new Map<string, number>();
  const addVars = (e: Expr): void => {
    if (e.kind === 'ident' && !isNamedConstant(e.name)) vars.add(e.name);
    else if (isLvalue(e)) vars.add(exprText(e));
    if (e.kind === 'unary') addVars(e.arg);
    else if (e.kind === 'binary') { addVars(e.left); addVars(e.right); }
    else if (e.kind === 'assign') { addVars(e.target); addVars(e.value); }
  };
  const addPredicates = (e: Expr): void => {
    if (e.kind === 'unary' && e.op === '!') return addPredicates(e.arg);
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) { addPredicates(e.left); addPredicates(e.right); return; }
    if (!isPure(e)) return;
    const key = e.kind === 'binary' && (e.op === '==' || e.op === '!=') ? `?${canonicalEquality(e)}` : `?${conditionText(e)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const n of cfg.nodes) {
    if (n.condition) { addVars(n.condition); addPredicates(n.condition); }
    if (n.returnValue) addVars(n.returnValue);
  }
  // Out-parameters: `*mmap_locked = false` is how hpage_collapse_scan_pmd() tells its caller it dropped the lock.
  for (const p of cfg.params) vars.add(`*${p}`);
  return { vars, predicates: new Set([...counts].filter(([, c]) => c > 1).map(([k]) => k)) };
}

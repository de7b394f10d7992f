// Follows the collapse protocol along each path of the interpreter: before a call it checks the call's
// requirements (model/protocol.ts) and the lock order, after it records what the call did to the page-table
// state; at a call of a summarised function of the same file it checks the requirements the callee could not
// decide itself. It also keeps, per call site, the lock set and page-table state before and after the call,
// for hovers and the code lens.
import type { Expr, Span } from '../cfg/types';
import { sameSpan } from '../cfg/expr';
import { calleeNameSpan } from '../cfg/calls';
import { FAMILIES, type ApiRow, type LockFamily } from '../model/api';
import { mayDirectReclaim } from '../model/gfp';
import { lockClassOf, lockRank } from '../model/lockOrder';
import { protocolRow, type IsolatedUse, type ProtocolRow, type PtFact } from '../model/protocol';
import type { KernelFacts } from '../model/kernels';
import type { ProtocolVariant } from '../model/protocolMatch';
import { LOCAL_ONLY, checkRequirement, reportedInCallee, type Broken, type RequirementKey } from './requirements';
import { withOwnFacts, withOwnPt, type LockRecord, type PtRecord, type State } from './state';
import type { FunctionSummary } from './summary';
import { instantiate, isGlobalLockName } from './identity';

type CallExpr = Expr & { kind: 'call' };

export interface ProtocolEnv {
  /** What the kernel has of the version-dependent features (model/kernels.ts). */
  kernel: KernelFacts;
  variant: ProtocolVariant;
}

export interface ProtocolViolation extends Broken {
  site: Span;
  /** The call the violation is about, as written. */
  callText: string;
  /** A callee's requirement broken under this function's state: the callee it is reported in, at its line. */
  inFunction?: string;
}

/** A requirement the function could not decide: its callers check it at their call sites. */
export interface EntryRequirement {
  id: RequirementKey;
  /** What needs it, for messages at the call site: "pmdp_collapse_flush() at line 1150". */
  via: string;
  /** Caller locks (keys of globals) the function had released by then: not held when the requirement applies. */
  released?: string[];
  /** The call that needs it, in the function where the requirement arose (a callee's callee, perhaps). */
  origin: { site: Span; text: string; function?: string };
}

export interface CallSiteRecord {
  name: string;
  /** The call as written (normalized). */
  text: string;
  site: Span;
  /** Distinct lock/page-table states before and after the call on the paths through it (at most a few). */
  before: string[];
  after: string[];
  /** Requirements decided at this call, with the outcome on at least one path. */
  checks: { rule: string; ok: boolean }[];
}

const MAX_SNAPSHOTS = 4;

/** Calls whose result is a PMD value that points to a table: set_pmd_at() must never install one. */
const TABLE_PMD_VALUES = new Set(['pmdp_collapse_flush', 'pmdp_get_lockless', 'pmdp_huge_get_and_clear', 'pmdp_get']);

/** Calls that read a PMD slot: after the slot was cleared, what they read is no table. */
const PMD_READS = new Set(['pmdp_get', 'pmdp_get_lockless']);

/** Fact key: `pmdval:_pmd` = {eq: 'table'} — the local holds a PMD value that points to a PTE table. */
const PMD_VALUE_FACT = 'pmdval:';

/** A PMD value of this path that holds a table (PMD_VALUE_FACT): what a later pmd_clear() leaves to restore. */
function savedTableValue(s: State): string | undefined {
  for (const [k, v] of s.facts) if (k.startsWith(PMD_VALUE_FACT) && v.eq === 'table') return k.slice(PMD_VALUE_FACT.length);
  return undefined;
}

/** The exit returns the value of the table it hid: its caller restores it. */
export function returnsHiddenTable(s: State, returned: Expr | undefined): boolean {
  const p = s.pt.get('pmd');
  return p?.value === 'hidden' && p.keeper !== undefined && returned?.kind === 'ident' && returned.name === p.keeper;
}

export class ProtocolTracker {
  readonly violations = new Map<string, ProtocolViolation>();
  readonly entry = new Map<string, EntryRequirement>();
  readonly callSites = new Map<string, CallSiteRecord>();

  /** `params`: the function's parameters, in whose terms its callers are told which of their locks it released. */
  constructor(private readonly env: ProtocolEnv, private readonly params: readonly string[] = [], private readonly functionName = '') {}

  /** Checks a call before its effects; returns the state (unchanged). */
  beforeCall(call: CallExpr, s: State, lockRow: ApiRow | undefined, summary: FunctionSummary | undefined): void {
    const row = protocolRow(call.callee);
    if (!row && !lockRow && !summary) return; // a call the protocol knows nothing about
    const record = this.site(call);
    snapshot(record.before, s);
    const releasedByCall = new Set((lockRow?.effects ?? []).filter((e) => e.op === 'release').map((e) => `${e.family}:${e.family}`));
    const check = (id: RequirementKey, via?: string,
      extra: { use?: IsolatedUse; decisive?: boolean; gfp?: string; released?: string[]; origin?: EntryRequirement['origin'] } = {}) => {
      const released = new Set([...releasedByCall, ...(extra.released ?? [])]);
      const verdict = checkRequirement(id, { state: s, releasedByCall: released, kernel: this.env.kernel, variant: this.env.variant, ...extra });
      if (verdict.kind === 'unknown') {
        const origin = extra.origin ?? { site: calleeNameSpan(call), text: call.text, function: this.functionName };
        if (!LOCAL_ONLY.has(id)) this.requireAtEntry(verdict.passOn ?? id, via ?? `${call.callee}() at line ${call.span.startRow + 1}`, callerLocksReleased(s, this.params, extra.released), origin);
        return;
      }
      const ok = verdict.kind === 'ok';
      for (const p of verdict.kind === 'broken' ? verdict.problems : []) {
        // A callee's requirement broken under this function's state: reported on the callee's line that
        // needs it, this call as a note (the violation happens there, the state comes from here).
        const at = extra.origin;
        if (at?.function && reportedInCallee(id)) {
          // The call first: a patch that added it, not the helper's unchanged line, carries the finding.
          this.report(call, { ...p, related: [{ site: call.span, message: `${this.functionName}() calls ${via ?? call.callee} here` }, ...p.related] }, at);
        } else {
          const needs = at ? [{ site: at.site, message: `${at.text} needs it here` }] : [];
          this.report(call, via ? { ...p, message: `${via}: ${p.message}`, related: [...p.related, ...needs] } : p);
        }
      }
      if (verdict.kind === 'broken') for (const p of verdict.problems) record.checks.push({ rule: p.rule, ok });
    };

    // What the row itself requires.
    // A VMA revalidation owed here includes the exit test (hugepage_vma_revalidate()): one finding, that one.
    const revalidationOwed = row?.requires?.some((id) => id === 'revalidated' || id === 'vma-revalidated') &&
      checkRequirement('vma-revalidated', { state: s, releasedByCall, kernel: this.env.kernel, variant: this.env.variant }).kind === 'broken';
    // A PMD value on this function's stack is no page table: what the row requires of the table does not apply.
    const requires = ownPmdValue(call, row) === undefined && !onKernelTables(call) ? row?.requires ?? [] : [];
    for (const id of requires) if (id !== 'populate-table' && !(id === 'exit-checked' && revalidationOwed)) check(id);
    if (row?.use) check(`unreachable:${row.use}`, undefined, { use: row.use, decisive: row.use === 'refcount' && this.folioLocked(s, call) });
    const gfp = row?.allocates ? call.args.map(argText).find((a) => a.includes('GFP')) : undefined;
    if (row?.allocates) check('no-reclaim-under-rmap', undefined, { gfp });
    if (requires.includes('populate-table')) this.populateTable(call, s);
    // Sleeping: a sleeping call, or taking a sleeping lock without try.
    const sleepingLock = !lockRow?.outcomes && !lockRow?.neverWaits && (lockRow?.effects ?? []).some((e) => e.op === 'acquire' && FAMILIES[e.family].sleeps);
    // An allocation sleeps only through direct reclaim: GFP_ATOMIC / GFP_NOWAIT are fine under a spinlock.
    const callSleeps = row?.sleeps && !(row.allocates && !mayDirectReclaim(gfp));
    if (callSleeps || sleepingLock) {
      if (!(row?.requires?.includes('folio-trylock-only') && this.underPageTableLock(s))) check('not-atomic');
    }
    if (lockRow && !lockRow.outcomes) this.lockOrder(call, s, lockRow);
    // What a same-file callee could not decide: decided here, or passed on to our own callers.
    // (A refcount check reaches a summary only when it was decisive: made with the folio locked.)
    for (const r of summary?.requires ?? []) {
      const use = r.id.startsWith('unreachable:') ? r.id.slice('unreachable:'.length) as IsolatedUse : undefined;
      const released = r.released?.flatMap((k) => inCallerTerms(k, call) ?? []);
      check(r.id, `${call.callee}() (${r.via})`, { released, use, decisive: true, origin: r.origin });
    }
  }

  /** The page-table effects of a call (its row), after its lock effects. */
  afterCall(call: CallExpr, s: State): State {
    const row = protocolRow(call.callee);
    let out = s;
    const setPt = (fact: PtFact, value: string) => {
      out = out === s ? withOwnPt(s) : out;
      out.pt.set(fact, { value, site: call.span, text: call.text });
    };
    // Clearing PTEs makes them unreachable only once flushed and synced, and matters only for a table the
    // path knows is attached: PTEs of a hidden table are not reachable whatever happens to them (D-4).
    const attachedTable = out.pt.get('mapped')?.value === 'live' && out.pt.get('pmd')?.value !== 'hidden';
    const clearsPtes = row?.sets?.some((e) => e.fact === 'ptes') ?? false;
    const own = ownPmdValue(call, row);
    if (own !== undefined) setPt('privateTable', own);
    for (const e of own === undefined && !onKernelTables(call) ? row?.sets ?? [] : []) {
      if (clearsPtes && !attachedTable && (e.fact === 'ptes' || e.fact === 'flushed' || e.fact === 'synced')) continue;
      if (e.fact === 'pmd' && e.value === 'hidden') {
        // A clear that returns the old value keeps the table where it is assigned (onAssign); pmd_clear()
        // returns nothing, so only a PMD value read before it (`_pmd = pmdp_get(pmd)`) keeps the table.
        const keeper = TABLE_PMD_VALUES.has(call.callee) ? undefined : savedTableValue(out);
        out = out === s ? withOwnPt(s) : out;
        out.pt.set('pmd', { value: 'hidden', site: call.span, text: call.text, keeper });
        continue;
      }
      const early = e.fact === 'copied' ? markMadeEarly(out) : undefined;
      if (early) {
        out = out === s ? withOwnPt(s) : out;
        out.pt.set('uptodate', early);
      }
      if (!lookupCounts(e.fact, e.value, out)) continue;
      setPt(e.fact, e.value);
    }
    // A range or order spelled with HPAGE_PMD_SIZE/ORDER/NR (`address + HPAGE_PMD_SIZE` for the notifier,
    // HPAGE_PMD_ORDER for isolate/copy) says the collapse covers the whole PMD.
    if (row && call.args.some((a) => /(^|[^\w])HPAGE_PMD_(SIZE|ORDER|NR)([^\w]|$)/.test(argText(a)))) setPt('wholePmd', 'yes');
    // A trylock of the mmap_lock is how khugepaged enters a foreign mm, which may be exiting.
    if ((call.callee === 'mmap_read_trylock' || call.callee === 'mmap_write_trylock') && out.locks.get('mmap:mmap')?.status === 'held') {
      setPt('exitChecked', 'no');
      setPt('mayExit', 'yes');
    }
    if (MAPS_TABLE.has(call.callee)) {
      const pmdArg = call.args[MAPS_TABLE.get(call.callee)!];
      // Through &_pmd, the saved value of a hidden table; through the live PMD, its PTEs are reachable.
      const viaCopy = pmdArg?.kind === 'unary' && pmdArg.op === '&';
      // Through a PMD value this path filled itself, the table is private: no walker can reach it.
      const privateTable = viaCopy && argText(pmdArg.arg) === out.pt.get('privateTable')?.value;
      if (privateTable) {
        if (out.pt.has('mapped')) {
          out = out === s ? withOwnPt(s) : out;
          out.pt.delete('mapped');
        }
      } else if (out.pt.get('pmd')?.value !== 'hidden' || !viaCopy) setPt('mapped', viaCopy ? 'copy' : 'live');
    }
    if (call.callee === 'pte_unmap' || call.callee === 'pte_unmap_unlock') {
      if (out.pt.has('mapped') && !out.locks.has('pte_map:pte_map')) {
        out = out === s ? withOwnPt(s) : out;
        out.pt.delete('mapped');
      }
    }
    if (row || this.callSites.has(siteKey(call))) snapshot(this.site(call).after, out);
    return out;
  }

  /** A summarised callee's page-table effects on this outcome. */
  applySummaryPt(call: CallExpr, s: State, pt: [PtFact, string][]): State {
    if (pt.length === 0) return s;
    const out = withOwnPt(s);
    for (const [fact, value] of pt) {
      if (!lookupCounts(fact, value, out)) continue;
      const early = fact === 'copied' ? markMadeEarly(out) : undefined;
      if (early) out.pt.set('uptodate', early);
      out.pt.set(fact, { value, site: call.span, text: call.text, fromCallee: true });
    }
    return out;
  }

  /** The mmap_lock taken or dropped by this path (directly or through a callee). */
  onMmap(op: 'acquire' | 'release', s: State, at: Span, text: string): void {
    // Retaken after this path dropped it: an mm that may exit (khugepaged's, entered by trylock with only
    // mm_count held: mm/khugepaged.c hpage_collapse_test_exit()) may have started exiting in the gap, so the
    // exit test is owed again; whether the mm is such a one, the callers say when this path does not know.
    if (op === 'acquire' && s.pt.get('exitChecked')?.value === 'dropped') {
      s.pt.set('exitChecked', { value: s.pt.has('mayExit') ? 'no' : 'regained', site: at, text });
    }
    if (op === 'release') {
      s.pt.set('staleVma', { value: 'yes', site: at, text });
      s.pt.set('stalePmd', { value: 'yes', site: at, text });
      s.pt.set('exitChecked', { value: 'dropped', site: at, text });
    }
  }

  /** `_pmd = pmdp_collapse_flush(...)`: `_pmd` holds a table PMD value. */
  onAssign(target: string, value: Expr, s: State): State {
    s = this.keepHiddenTable(target, value, s);
    const isTable = value.kind === 'call' && TABLE_PMD_VALUES.has(value.callee);
    const key = `${PMD_VALUE_FACT}${target}`;
    if (!isTable && !s.facts.has(key)) return s;
    const out = withOwnFacts(s);
    if (isTable) out.facts.set(key, { eq: 'table' });
    else out.facts.delete(key); // `_pmd = folio_mk_pmd(...)`: now a huge PMD value
    return out;
  }

  /** `if (is_pmd_order(order))`, `if (order == HPAGE_PMD_ORDER)`: whether the collapse covers the whole PMD. */
  onCondition(e: Expr, taken: boolean, s: State): State {
    const text = e.kind === 'ident' ? e.name : e.text;
    const positive = /^is_pmd_order\(|^(\w+)==HPAGE_PMD_ORDER$|^HPAGE_PMD_ORDER==(\w+)$/.test(text);
    const negative = /^(\w+)!=HPAGE_PMD_ORDER$|^HPAGE_PMD_ORDER!=(\w+)$/.test(text);
    if (!positive && !negative) return s;
    const out = withOwnPt(s);
    out.pt.set('wholePmd', { value: taken === positive ? 'yes' : 'no', site: e.span, text });
    return out;
  }

  /**
   * The variable that keeps a hidden table: the one the clearing call (or a callee that returns the cleared
   * value) is assigned to. Reading the cleared slot into it again drops the table's value; a new value built
   * in it does not (collapse_huge_page() builds the huge PMD in `_pmd` after keeping the table in `pgtable`).
   */
  private keepHiddenTable(target: string, value: Expr, s: State): State {
    const p = s.pt.get('pmd');
    if (p?.value !== 'hidden') return s;
    const fromClear = value.kind === 'call' && sameSpan(value.span, p.site);
    const reread = value.kind === 'call' && PMD_READS.has(value.callee);
    if (!fromClear && !(reread && p.keeper === target)) return s;
    const out = withOwnPt(s);
    out.pt.set('pmd', { ...p, keeper: fromClear ? target : undefined });
    return out;
  }

  /**
   * BACKOFF-RESTORES-PMD: no exit may leave a cleared table unrestored. A path that dropped the cleared value
   * removed the entry for good (mm/pgtable-generic.c pmd_clear_bad()); one that returns it hands the restore to
   * its caller (pmdp_huge_clear_flush()).
   */
  atExit(s: State, exitSpan: Span, label: string, returned?: Expr): void {
    const p = s.pt.get('pmd');
    if (p?.value !== 'hidden' || !p.keeper || returnsHiddenTable(s, returned)) return;
    const key = `BACKOFF-RESTORES-PMD@${p.site.startRow}`;
    if (this.violations.has(key)) return;
    this.violations.set(key, {
      rule: 'BACKOFF-RESTORES-PMD', site: exitSpan, callText: label,
      message: `leaves the PMD cleared (by ${p.text} at line ${p.site.startRow + 1}) on this path: restore the same table with pmd_populate() under the PMD lock, or install the huge PMD, before returning`,
      related: [{ site: p.site, message: 'PMD cleared here' }],
    });
  }

  private populateTable(call: CallExpr, s: State): void {
    const value = call.args[3];
    if (!value || value.kind !== 'ident' || s.facts.get(`${PMD_VALUE_FACT}${value.name}`)?.eq !== 'table') return;
    this.report(call, { rule: 'POPULATE-NOT-SET-PMD-AT',
      message: `installs '${value.name}', a PMD value that points to a PTE table, with set_pmd_at(): use pmd_populate(mm, pmd, pmd_pgtable(${value.name})) to re-attach a table`, related: [] });
  }

  private lockOrder(call: CallExpr, s: State, lockRow: ApiRow): void {
    for (const eff of lockRow.effects ?? []) {
      if (eff.op !== 'acquire') continue;
      const name = typeof eff.key === 'object' ? argText(call.args[eff.key.arg] ?? call) : '';
      const taking = lockClassOf(eff.family, eff.role, name.replace(/^&/, ''));
      if (!taking || taking === 'folio_lock' && this.underPageTableLock(s)) continue; // TRYLOCK-FOLIO-UNDER-PTL says it
      const inner = [...s.locks.values()].find((l) => {
        const c = lockClassOf(l.family, l.role, l.name);
        return l.status === 'held' && c !== undefined && lockRank(c) > lockRank(taking) && !(c === 'vma_write' && taking === 'vma_write');
      });
      if (!inner) continue;
      this.report(call, { rule: 'LOCK-ORDER',
        message: `takes ${className(taking)} while holding ${describe(inner)} (taken at line ${inner.site.startRow + 1}), which mm/rmap.c orders inside it: an ABBA deadlock with a path that takes them in order; use a trylock with a backoff`,
        related: [{ site: inner.site, message: `${describe(inner)} taken here` }] });
    }
  }

  private underPageTableLock(s: State): boolean {
    return [...s.locks.values()].some((l) => {
      const c = lockClassOf(l.family, l.role, l.name);
      return l.status === 'held' && (c === 'pml' || c === 'ptl' || (l.family === 'anon_vma' && l.mode === 'write'));
    });
  }

  private folioLocked(s: State, call: CallExpr): boolean {
    const arg = call.args[0];
    const id = arg ? argText(arg).replace(/^&/, '').replace(/->page$/, '') : '';
    return [...s.locks.values()].some((l) => l.family === 'folio' && l.status === 'held' && (l.name === id || id === ''));
  }

  private requireAtEntry(id: RequirementKey, via: string, released: string[], origin: EntryRequirement['origin']): void {
    if (!this.entry.has(id)) this.entry.set(id, { id, via, ...(released.length ? { released } : {}), origin });
  }

  private report(call: CallExpr, p: Broken, inCallee?: EntryRequirement['origin']): void {
    const site = inCallee?.site ?? call.span;
    const key = `${p.rule}@${site.startRow}:${site.startColumn}`;
    if (this.violations.has(key)) return;
    this.violations.set(key, inCallee ? { ...p, site, callText: inCallee.text, inFunction: inCallee.function } : { ...p, site, callText: call.text });
  }

  private site(call: CallExpr): CallSiteRecord {
    const key = siteKey(call);
    let r = this.callSites.get(key);
    if (!r) this.callSites.set(key, (r = { name: call.callee, text: call.text, site: call.span, before: [], after: [], checks: [] }));
    return r;
  }
}

/**
 * Keys of the caller's locks this path has released (plus those passed down): singletons, globals, and locks
 * reached through a parameter, written `$i` (`spin:$0->lock`) — mm/swapfile.c swap_reclaim_full_clusters()
 * drops its caller's `si->lock` before cond_resched().
 */
function callerLocksReleased(s: State, params: readonly string[], already: string[] = []): string[] {
  const keys = [...s.locks.values()].filter((l) => l.fromCaller && l.status === 'released').flatMap((l) => {
    if (FAMILIES[l.family].singleton || isGlobalLockName(l.name)) return [l.key];
    const identity = l.key.slice(l.family.length + 1);
    const root = /^[A-Za-z_]\w*/.exec(identity)?.[0];
    const i = root === undefined ? -1 : params.indexOf(root);
    return i < 0 ? [] : [`${l.family}:$${i}${identity.slice(root!.length)}`];
  });
  return [...new Set([...already, ...keys])];
}

/** A released-lock key of a callee (callerLocksReleased) in the caller's names; undefined when an argument is missing. */
/**
 * A copy after __folio_mark_uptodate() leaves the mark "early": copying after it is what matters. The mark keeps
 * its place, which UPTODATE-BEFORE-MAP names.
 */
function markMadeEarly(s: State): PtRecord | undefined {
  const marked = s.pt.get('uptodate');
  return marked?.value === 'yes' ? { ...marked, value: 'early' } : undefined;
}

function inCallerTerms(key: string, call: CallExpr): string | undefined {
  const family = key.slice(0, key.indexOf(':'));
  const identity = instantiate(key.slice(family.length + 1), call);
  return identity === undefined ? undefined : `${family}:${identity}`;
}

/** The name of the PMD value on the stack a PMD-changing call is given (`&_pmd`), or undefined. */
function ownPmdValue(call: CallExpr, row: ProtocolRow | undefined): string | undefined {
  const arg = row?.pmdArg === undefined ? undefined : call.args[row.pmdArg];
  return arg?.kind === 'unary' && arg.op === '&' && arg.arg.kind === 'ident' ? arg.arg.name : undefined;
}

/**
 * A call given `&init_mm` changes the kernel's own page tables (mm/vmalloc.c vunmap_pte_range():
 * `ptep_get_and_clear(&init_mm, addr, pte)`): no fault, GUP, rmap walk or secondary MMU reaches them, so
 * the rules that exclude those walkers do not apply, and the path's user page-table state does not change.
 */
function onKernelTables(call: CallExpr): boolean {
  return call.args.some((a) => a.kind === 'unary' && a.op === '&' && a.arg.kind === 'ident' && a.arg.name === 'init_mm');
}

/** Calls that map a PTE table, by the index of their PMD argument. */
const MAPS_TABLE = new Map<string, number>([
  ['pte_offset_map_lock', 1], ['__pte_offset_map_lock', 1], ['pte_offset_map', 0], ['__pte_offset_map', 0],
  ['pte_offset_map_nolock', 1], ['pte_offset_map_ro_nolock', 1], ['pte_offset_map_rw_nolock', 1],
]);

/**
 * A lookup of the VMA or the PMD, or an exit test, counts only under the mmap_lock: one made while this path
 * has the lock dropped (before mmap_write_lock(), not after it) is stale as soon as it returns. With no record
 * of the mmap_lock the path is still under its caller's.
 */
function lookupCounts(fact: PtFact, value: string, s: State): boolean {
  const fresh = ((fact === 'staleVma' || fact === 'stalePmd') && value === 'no') || (fact === 'exitChecked' && value === 'yes');
  if (!fresh) return true;
  const m = s.locks.get('mmap:mmap');
  return !m || m.status === 'held';
}

function siteKey(call: CallExpr): string {
  return `${call.span.startRow}:${call.span.startColumn}`;
}

function argText(e: Expr): string {
  return e.kind === 'ident' ? e.name : e.text;
}

function describe(l: LockRecord): string {
  return FAMILIES[l.family].singleton ? FAMILIES[l.family].label : `${l.role ?? FAMILIES[l.family].label} '${l.name}'`;
}

function className(c: string): string {
  return ({ mmap_lock: 'the mmap_lock', folio_lock: 'a folio lock', vma_write: 'a VMA write lock', i_mmap: 'the i_mmap_rwsem',
    anon_vma: 'the anon_vma lock', pml: 'the PMD lock', ptl: 'a PTE lock', lru_lock: 'the LRU lock' } as Record<string, string>)[c] ?? c;
}

/** A compact description of a path's locks and page-table state, for hovers. */
export function describeState(s: State): string {
  const locks = [...s.locks.values()]
    .filter((l) => (FAMILIES[l.family].counting ? l.count > 0 : l.status === 'held'))
    .map((l) => `${FAMILIES[l.family].singleton ? FAMILIES[l.family].label : l.name}${l.mode ? `:${l.mode === 'write' ? 'W' : 'R'}` : ''}${l.fromCaller ? ' (caller)' : ''}`);
  const pt = [...s.pt.entries()].filter(([k]) => k !== 'exitChecked').map(([k, v]) => `${k}=${v.value}`);
  return `locks: ${locks.length ? locks.join(', ') : 'none taken here'}${pt.length ? `; ${pt.join(', ')}` : ''}`;
}

function snapshot(into: string[], s: State): void {
  if (into.length >= MAX_SNAPSHOTS) return;
  const d = describeState(s);
  if (!into.includes(d)) into.push(d);
}

export type { LockFamily };

// Analyses one C document: finds its functions, builds their CFGs, computes callee summaries first
// (callees before callers, within the file), and checks each function. Results are cached per function, so
// after an edit only the functions whose code changed, and their callers whose callee summaries changed,
// are interpreted again; a function that merely moved, or whose layout alone changed (a blank, a comment),
// has its cached results moved (moves.ts).
import type { Node, Tree } from 'web-tree-sitter';
import { buildCfg } from './cfg/build';
import { forEachCall } from './cfg/calls';
import { confinedLocals } from './cfg/confined';
import type { Expr, FunctionCfg } from './cfg/types';
import { familiesByIdentity, interpret, resolveApi, type Interpretation } from './check/interpret';
import { UNTAKEN_RELEASE, checkLockPair } from './check/lockPair';
import type { LockRecord, Value } from './check/state';
import { summarize, type FunctionSummary } from './check/summary';
import type { Finding } from './findings';
import { FAMILIES, type LockFamily, type LockMode } from './model/api';
import { kernelFacts, type KernelFacts } from './model/kernels';
import { mayRegisterEntryPoints, registeredEntryPoints, unmatchedReleasesAtEntryPoint, unmetAtEntryPoint } from './check/entryPoints';
import { inParameterNames } from './check/identity';
import { DocumentMoves, relaidOut, moveCallSites, moveFindings, moveSummary, movedBy, type FunctionMove } from './moves';
import { codeLayout } from './parse/layout';
import { FunctionFactsMemo, MAX_SYNTAX_DEPTH, findFunctions, type FunctionSite } from './parse/functions';
import { protocolFindings } from './check/protocolFindings';
import type { CallSiteRecord, ProtocolEnv } from './check/protocolTracker';
import type { ProtocolVariant } from './model/protocolMatch';
import type { CParser } from './parse/parser';

export interface AnalysisOptions {
  /** Upper bound on explored states per function (see ANALYSIS-LIMIT findings). */
  maxStatesPerFunction?: number;
  /**
   * Time budget for one document's analysis in milliseconds: past it, the functions not yet checked get an
   * ANALYSIS-LIMIT notice instead of findings, so a pathological file never freezes the editor.
   */
  timeLimitMs?: number;
  /** Which collapse protocol to check against; 'auto' picks it from the file (see detectVariant). */
  protocolVariant?: ProtocolVariant | 'auto';
  /**
   * The kernel the code is of ("6.12", from --kernel-version or a kernel tree's Makefile): decides which
   * version-dependent rules apply (model/kernels.ts). Unknown, they apply as warnings that say so.
   */
  kernelVersion?: string;
  /**
   * What calls of functions defined elsewhere do, by name: the summaries of a kernel tree's headers
   * (Checker.summariesOf(), `--kernel-tree`), so that `inode_lock()` or `unlock_page_lruvec()` are locks
   * without a row of their own. The lock table and the file's own functions come first.
   */
  externalSummaries?: ReadonlyMap<string, FunctionSummary>;
}

/**
 * The protocol a file follows: the merged mTHP collapse (7.x: is_pmd_order(), collapse_max_ptes_none()),
 * Dev Jain's RFC (vma_collapse_anon_folio()), else the mainline PMD collapse.
 */
export function detectVariant(text: string): ProtocolVariant {
  // The plain substring searches first: the regular expression takes a tenth of a millisecond to scan a
  // whole kernel file that has none of them, on every re-check.
  const merged = text.includes('is_pmd_order(') || text.includes('collapse_max_ptes_none(') || text.includes('mthp_');
  if (merged && /\bis_pmd_order\(|\bcollapse_max_ptes_none\(|\bmthp_/.test(text)) return 'merged-mthp';
  if (/\bvma_collapse_anon_folio\(/.test(text)) return 'proposed-mthp';
  return 'mainline';
}

export interface FunctionReport {
  name: string;
  startLine: number;
  endLine: number;
  parseProblems: number;
  statesVisited: number;
  complete: boolean;
  findings: Finding[];
  /** What a call to this function does to its caller's locks (absent when it does nothing visible). */
  summary: FunctionSummary | undefined;
  /** Lock and page-table state around each call, for hovers and the protocol code lens. */
  callSites: CallSiteRecord[];
  /** Served from the cache without interpreting again. */
  cached: boolean;
}

/** The callees a result was made with: names, the contexts they were called in, and their summaries then. */
interface MadeWith {
  /**
   * Every name called (calledFunctions), whether a function of this file or not: a result is made with the
   * summaries of all of them (undefined for the others), so that a name which becomes a function of the file
   * (an edit ends the parse error that hid its definition) or stops being one makes the result stale.
   */
  callees: string[];
  callContexts: Map<string, Set<string>>;
  /** In calleeSummariesOf order. */
  calleeSummaries: (FunctionSummary | undefined)[];
}

/** A callee's summary for one call context. */
interface ContextSummary extends MadeWith {
  summary: FunctionSummary | undefined;
}

/** A static function's findings under the contexts its callers call it in (checkInCallerContexts, checkUnderCallersLocks). */
interface ContextFindings extends MadeWith {
  findings: Finding[];
  /** Under its callers' locks: what it holds at its own calls then, and where the function was. */
  heldAtCalls?: Map<string, Set<string>>;
  startRow?: number;
  endRow?: number;
}

/**
 * Findings kept for a function's text, moved to where the function now starts; undefined when they quote a
 * line outside the function (a callee's, which may have moved otherwise): then they are made again.
 */
function keptAt(kept: ContextFindings | undefined, startRow: number, endRow: number): ContextFindings | undefined {
  if (!kept || kept.startRow === undefined || kept.endRow === undefined || kept.startRow === startRow) return kept;
  const from = kept.startRow;
  const to = kept.endRow;
  if (to - from !== endRow - startRow) return undefined;
  const inside = (line: number) => line - 1 >= from && line - 1 <= to;
  const quoted = (text: string) => [...text.matchAll(/\bline (\d+)/g)].every((m) => inside(Number(m[1])));
  const local = kept.findings.every((f) => inside(f.line) && quoted(f.message) &&
    f.related.every((r) => r.file !== undefined || (inside(r.line) && quoted(r.message))));
  if (!local) return undefined;
  const moves = new DocumentMoves();
  const own = movedBy(from, to, startRow - from);
  moves.add(own);
  return { ...kept, findings: moveFindings(kept.findings, own, moves), startRow, endRow };
}

interface CacheEntry {
  /** The function's text, where it started, and its codeLayout: what the next run compares against. */
  text: string;
  startRow: number;
  startColumn: number;
  layout: string;
  endRow: number;
  callSites: CallSiteRecord[];
  /** For each same-file callee: the pointer-argument contexts this function calls it with ('' = unknown). */
  callContexts: Map<string, Set<string>>;
  /** The callee summaries this function was interpreted with, in calleeSummariesOf order. */
  calleeSummaries: (FunctionSummary | undefined)[];
  /** Every name it calls (MadeWith.callees). */
  callees: string[];
  /** For each same-file callee: the locks held at every call of it here, in its terms (callerHeldKeys). */
  heldAtCalls: Map<string, Set<string>>;
  findings: Finding[];
  summary: FunctionSummary | undefined;
  statesVisited: number;
  complete: boolean;
}

export class FileAnalyzer {
  /**
   * The caches of the last runs, newest first, each keyed by the function's text (and file, for the findings'
   * `file`), with the file and protocol settings it was made under (`scope`: results made under others do not
   * apply). A run starts from the one most like its text: usually the last, but after an undo the one before
   * it, and for the images of a patch series re-checked after an edit of patch k, the image's own previous
   * version (one document analyses the images in turn, some of them under another protocol variant:
   * review/, Checker.series()).
   */
  private generations: { scope: string; cache: Map<string, CacheEntry> }[] = [];
  private readonly functionFacts = new FunctionFactsMemo();
  /** The names each function's branches test, by codeLayout, from the last run (see summaryAt). */
  private tested = new Map<string, Set<string>>();
  /**
   * Contextual summaries of earlier runs, by scope, callee, context and the callee's code and place (see
   * summaryAt); the least recently used go first once there are MAX_CONTEXT_SUMMARIES.
   */
  private readonly contextSummaries = new Map<string, ContextSummary>();
  /** checkInCallerContexts' findings of earlier runs, by scope, the function's text and place, and the contexts. */
  private readonly contextFindings = new Map<string, ContextFindings>();
  /** The protocol variant of the last analysed text. */
  lastVariant: ProtocolVariant = 'mainline';
  /**
   * How many times the last run interpreted a function under a caller's argument values, besides each function's
   * own interpretation: context summaries (summaryAt) and static functions' findings (checkInCallerContexts).
   */
  lastContextInterpretations = 0;

  constructor(private readonly parser: CParser, private readonly options: AnalysisOptions = {}) {}

  /** `overlays`: functions re-parsed on their own since `tree` was parsed (parse/overlays.ts), by start offset. */
  analyze(file: string, text: string, tree: Tree, overlays?: ReadonlyMap<number, Node>): FunctionReport[] {
    const started = performance.now();
    const variant = !this.options.protocolVariant || this.options.protocolVariant === 'auto' ? detectVariant(text) : this.options.protocolVariant;
    const protocol: ProtocolEnv = { kernel: kernelFacts(this.options.kernelVersion, text), variant };
    this.lastVariant = variant;
    this.lastContextInterpretations = 0;
    const deadline = this.options.timeLimitMs !== undefined ? started + this.options.timeLimitMs : undefined;
    const sites = findFunctions(tree, this.parser, this.functionFacts, overlays);
    const scope = `${file}\u0000${protocol.variant}\u0000${JSON.stringify(protocol.kernel)}`;
    // Each key is a copy of the function's text: made once per run, as hashing it again is not free.
    const keys = new Map(sites.map((s) => [s, cacheKey(file, s)]));
    // One generation for the whole run, so that the line numbers its results quote move consistently: the one
    // with the most functions of the same text (the newest of equals; the last when none has any, as when the
    // only function of the file changed: its layout may still be the same). Its results stand where they still
    // apply, callers included: after an undo, those the edit had re-interpreted for a changed summary.
    // Cheaply (the keys are whole texts: comparing them is not free): only the older ones with the most of the
    // functions the newest lacks (usually the one just edited) are counted in full.
    const candidates = this.generations.filter((g) => g.scope === scope).map((g) => g.cache);
    let cache = candidates[0] ?? new Map<string, CacheEntry>();
    const lacking = sites.filter((site) => !cache.has(keys.get(site)!));
    const hits = (generation: Map<string, CacheEntry>, among: FunctionSite[]) => among.filter((site) => generation.has(keys.get(site)!)).length;
    const lackingHits = candidates.map((g, i) => (i === 0 ? 0 : hits(g, lacking)));
    const most = Math.max(0, ...lackingHits);
    let best = sites.length - lacking.length;
    for (let i = 1; i < candidates.length && most > 0; i++) {
      if (lackingHits[i] !== most) continue;
      const all = hits(candidates[i], sites);
      if (all > best) [cache, best] = [candidates[i], all];
    }

    // What each function was in the previous run: the same text, perhaps moved, or the same code in another
    // layout (a blank typed before a ';', a comment edited). Either way its cached results stand, moved.
    const previous = new Map<FunctionSite, { entry: CacheEntry; move: FunctionMove; sameText: boolean }>();
    const layouts = new Map<FunctionSite, string>();
    for (const site of sites) {
      const entry = cache.get(keys.get(site)!);
      if (entry) {
        previous.set(site, { entry, sameText: true, move: movedBy(entry.startRow, entry.endRow, site.node.startPosition.row - entry.startRow) });
        layouts.set(site, entry.layout);
      }
    }
    let byLayout: Map<string, CacheEntry> | undefined;
    for (const site of sites) {
      if (previous.has(site) || site.tooDeep) continue;
      if (!byLayout) {
        const claimed = new Set([...previous.values()].map((p) => p.entry));
        byLayout = new Map([...cache.values()].filter((e) => !claimed.has(e)).map((e) => [e.layout, e]));
      }
      const text = site.node.text;
      const layout = codeLayout(text);
      layouts.set(site, layout);
      const entry = byLayout.get(layout);
      if (!entry) continue;
      byLayout.delete(layout); // one function each
      const move = relaidOut(entry.text, { row: entry.startRow, column: entry.startColumn }, text, site.node.startPosition);
      previous.set(site, { entry, move, sameText: false });
    }
    const layoutOf = (site: FunctionSite): string => {
      let layout = layouts.get(site);
      if (layout === undefined) layouts.set(site, (layout = codeLayout(site.node.text)));
      return layout;
    };
    // Where each function of the previous text is now: message texts of reused findings quote lines of their
    // own function and of callees ("alloc_charge_folio() at line 1824"), which may have moved by other amounts.
    const moves = new DocumentMoves();
    for (const { move } of previous.values()) moves.add(move);
    const byName = new Map(sites.map((s) => [s.name, s]));
    const summaries = new Map<string, FunctionSummary>(this.options.externalSummaries ?? []);
    const reports = new Map<FunctionSite, FunctionReport>();
    const nextCache = new Map<string, CacheEntry>();
    const cfgs = new Map<FunctionSite, FunctionCfg>();
    const cfgOf = (site: FunctionSite): FunctionCfg => {
      let cfg = cfgs.get(site);
      if (!cfg) cfgs.set(site, (cfg = buildCfg(site.node, site.name, site.params)));
      return cfg;
    };
    /**
     * One interpretation of a function, entered with `entryFacts` (a caller's argument values) or without; the
     * contexts of its calls to summarised functions go to `callContexts`.
     */
    const localFunctions = new Set(byName.keys());
    // Members of recursive cycles not analysed yet in this run (see the fixpoint after the first pass).
    const pendingFunctions = new Set<string>();
    const interpretSite = (site: FunctionSite, cfg: FunctionCfg, callContexts: Map<string, Set<string>>, entryFacts?: Map<string, Value>,
      heldAtCalls?: Map<string, Set<string>>, callersHold: LockRecord[] = []) =>
      interpret(cfg, {
        summaries, summaryAt, onSummaryCall: noteCallContext(callContexts),
        onHeldAtCall: heldAtCalls && noteHeldAtCall(heldAtCalls), localFunctions, pendingFunctions,
        entryLocks: [...entryLocks(site, cfg), ...callersHold], entryFacts, maxStates: this.options.maxStatesPerFunction, deadline, protocol,
      });

    // Callees first, so each function is checked with the summaries of the functions it calls.
    const order: FunctionSite[] = [];
    const inCycle = new Set<FunctionSite>();
    const state = new Map<FunctionSite, 'visiting' | 'done'>();
    // Depth-first post-order with an explicit stack: a generated 8,000-deep call chain must not exhaust ours.
    const calleesOf = (site: FunctionSite): FunctionSite[] => {
      if (site.tooDeep) return [];
      const cached = previous.get(site)?.entry;
      const names = cached ? cached.callees : calledFunctions(cfgOf(site));
      return names.map((c) => byName.get(c)).filter((c): c is FunctionSite => c !== undefined && c !== site);
    };
    for (const root of sites) {
      if (state.has(root)) continue;
      const stack: { site: FunctionSite; next: FunctionSite[] }[] = [{ site: root, next: calleesOf(root) }];
      state.set(root, 'visiting');
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const callee = top.next.shift();
        if (callee) {
          if (!state.has(callee)) {
            state.set(callee, 'visiting');
            stack.push({ site: callee, next: calleesOf(callee) });
          } else if (state.get(callee) === 'visiting') {
            // A recursive cycle: the functions on the stack from the callee up are analysed before some callee
            // of theirs has a summary, and again once it has (below).
            for (let i = stack.findIndex((f) => f.site === callee); i < stack.length; i++) inCycle.add(stack[i].site);
          }
          continue;
        }
        state.set(top.site, 'done');
        order.push(top.site);
        stack.pop();
      }
    }

    // The variables each function's branches test, by layout: without it, every run would build the CFG of
    // every callee that a caller passes known values, only to find them.
    const nextTested = new Map<string, Set<string>>();

    // Summaries of a callee for the values its pointer arguments carry at a call (context-sensitive), made
    // on demand and shared by all callers in this run.
    const contextual = new Map<string, FunctionSummary | undefined>();
    const contextCounts = new Map<string, number>();
    const summaryAt = (name: string, pointerArgs: ReadonlyMap<number, Value>): FunctionSummary | undefined => {
      const site = byName.get(name);
      if (!site) return undefined;
      // Only values the callee's branches look at make a different summary.
      const layout = layoutOf(site);
      let tested = this.tested.get(layout) ?? nextTested.get(layout);
      if (!tested) tested = testedNames(cfgOf(site));
      nextTested.set(layout, tested);
      const relevant = new Map([...pointerArgs].filter(([i]) => {
        const param = site.params[i >= 0 ? i : -1 - i];
        return param !== undefined && tested.has(i >= 0 ? `*${param}` : param);
      }));
      if (relevant.size === 0) return summaries.get(name);
      pointerArgs = relevant;
      const contextKey = `${name}${JSON.stringify([...pointerArgs])}`;
      if (contextual.has(contextKey)) return contextual.get(contextKey);
      // A few contexts per callee: a caller looping over many result codes (khugepaged_do_scan() passing
      // &result) would otherwise re-analyse the callee for each.
      const count = (contextCounts.get(name) ?? 0) + 1;
      contextCounts.set(name, count);
      if (count > MAX_CONTEXTS_PER_CALLEE) return summaries.get(name);
      // Made in an earlier run from the same code of the callee, at the same place, and the same summaries of
      // its own callees (exactly: their messages quote lines): reuse it, so that editing a caller, or a callee
      // deeper down whose summaries stay the same, does not re-analyse the callee for each context again.
      // The layout by two independent 32-bit hashes and its length: the key of a huge function stays small.
      const persistentKey = `${scope}\u0000${contextKey}\u0000${site.node.startPosition.row}\u0000${layout.length}:${hashText(layout)}:${hashText(layout, 0x9747b28c)}`;
      const kept = this.contextSummaries.get(persistentKey);
      if (kept) {
        contextual.set(contextKey, kept.summary); // a recursive call sees it
        if (sameSummaryList(calleeSummariesOf(kept.callees, kept.callContexts), kept.calleeSummaries)) {
          remember(this.contextSummaries, persistentKey, kept); // now the most recently used
          return kept.summary;
        }
      }
      contextual.set(contextKey, summaries.get(name)); // a recursive call sees the context-free summary
      const cfg = cfgOf(site);
      const entryFacts = contextFacts(site, pointerArgs);
      const callContexts = new Map<string, Set<string>>();
      this.lastContextInterpretations++;
      const result = interpretSite(site, cfg, callContexts, entryFacts);
      const leaked = result.complete ? lockPairOf(file, site, cfg, result).leaked : undefined;
      // Nothing visible to callers for these values (mm/z3fold.c __z3fold_alloc() with can_sleep false does
      // not sleep): a summary that says so, not the context-free one.
      const summary = summarize(cfg, result, leaked) ?? (result.complete ? noEffects(name) : summaries.get(name));
      contextual.set(contextKey, summary);
      if (result.complete) {
        const callees = calledFunctions(cfg);
        remember(this.contextSummaries, persistentKey, { summary, callees, callContexts, calleeSummaries: calleeSummariesOf(callees, callContexts) });
      }
      return summary;
    };
    // A caller's result depends on its callees' summaries, including the context-sensitive ones it was given
    // for calls with known argument values: all are part of the cache key. Editing a callee's body without
    // changing any of them does not re-interpret its callers (the contextual summaries come from this run, or
    // from an earlier one when the callee and the summaries of its own callees are unchanged).
    const calleeSummariesOf = (callees: string[], contexts: Map<string, Set<string>>) =>
      callees.flatMap((c) => {
        const summary = summaries.get(c);
        const known = summary ? [...(contexts.get(c) ?? [])].filter((k) => k !== '') : [];
        return [summary, ...known.map((k) => summaryAt(c, new Map(JSON.parse(k) as [number, Value][])) ?? summary)];
      });

    const analyseSite = (site: FunctionSite): void => {
      const key = keys.get(site)!;
      const { row: startRow, column: startColumn } = site.node.startPosition;
      const endRow = site.node.endPosition.row;
      const prev = previous.get(site);
      const cached = prev?.entry;
      let entry: CacheEntry;
      const calleeSummaries = cached && calleeSummariesOf(cached.callees, cached.callContexts);
      const reused = prev !== undefined && sameSummaries(prev.entry.calleeSummaries, calleeSummaries!, moves);
      const where = { text: prev?.sameText ? prev.entry.text : site.node.text, startRow, startColumn, layout: layoutOf(site), endRow };
      if (prev && reused) {
        entry = {
          ...prev.entry, ...where, calleeSummaries: calleeSummaries!, findings: moveFindings(prev.entry.findings, prev.move, moves),
          // Also when this function stayed: a requirement it passes on from a callee quotes the callee's line.
          summary: moveSummary(prev.entry.summary, moves),
          callSites: moveCallSites(prev.entry.callSites, prev.move),
        };
      } else if (site.tooDeep) {
        entry = {
          ...where, callContexts: new Map(), callees: [], calleeSummaries: [], summary: undefined, statesVisited: 0, complete: false, callSites: [], heldAtCalls: new Map(),
          findings: [{ ...limitFinding(file, site, 0), message: `${site.name}() is nested deeper than ${MAX_SYNTAX_DEPTH} levels; mm-review did not analyse it` }],
        };
      } else if (deadline !== undefined && performance.now() > deadline) {
        entry = {
          ...where, callContexts: new Map(), callees: [], calleeSummaries: [], summary: undefined, statesVisited: 0, complete: false, callSites: [], heldAtCalls: new Map(),
          findings: [limitFinding(file, site, 0, this.options.timeLimitMs)],
        };
      } else {
        const cfg = cfgOf(site);
        const callees = calledFunctions(cfg);
        const callContexts = new Map<string, Set<string>>();
        const heldAtCalls = new Map<string, Set<string>>();
        const result = interpretSite(site, cfg, callContexts, undefined, heldAtCalls);
        const checked = result.complete
          ? lockPairOf(file, site, cfg, result)
          : { findings: [limitFinding(file, site, result.statesVisited, deadline !== undefined && performance.now() > deadline ? this.options.timeLimitMs : undefined)], leaked: new Set<string>() };
        const findings = result.complete
          ? [...checked.findings, ...protocolFindings(file, site.name, result.protocol?.violations ?? [])]
          : checked.findings;
        entry = {
          ...where, callContexts, callees, calleeSummaries: calleeSummariesOf(callees, callContexts), findings, callSites: result.protocol?.callSites ?? [], heldAtCalls,
          summary: summarize(cfg, result, checked.leaked), statesVisited: result.statesVisited, complete: result.complete,
        };
      }
      // A run cut short by the clock says nothing about the text: do not keep it for the next edit.
      if (entry.complete || deadline === undefined) nextCache.set(key, entry);
      if (entry.summary) summaries.set(site.name, entry.summary);
      reports.set(site, {
        name: site.name,
        startLine: startRow + 1,
        endLine: site.node.endPosition.row + 1,
        parseProblems: site.parseProblems,
        statesVisited: entry.statesVisited,
        complete: entry.complete,
        findings: entry.findings,
        summary: entry.summary,
        callSites: entry.callSites,
        cached: reused,
      });
    };
    for (const site of inCycle) pendingFunctions.add(site.name);
    for (const site of order) {
      analyseSite(site);
      pendingFunctions.delete(site.name);
    }
    // Recursive cycles to a fixpoint: a function analysed before a callee of its cycle had a summary
    // (mm/hugetlb.c hugepage_subpool_put_pages() -> unlock_or_release_subpool() -> hugetlb_acct_memory() -> ...
    // -> free_huge_folio() -> hugepage_subpool_put_pages()) is analysed again while its callees' summaries
    // change, and so is every caller that used a summary that changed, a bounded number of rounds.
    for (let round = 0; round < MAX_CYCLE_ROUNDS && inCycle.size > 0; round++) {
      let changed = false;
      for (const site of order) {
        const entry = nextCache.get(keys.get(site)!);
        if (!entry || sameSummaries(entry.calleeSummaries, calleeSummariesOf(entry.callees, entry.callContexts), moves)) continue;
        analyseSite(site);
        changed = true;
      }
      if (!changed) break;
    }
    this.generations = [{ scope, cache: nextCache }, ...this.generations].slice(0, MAX_GENERATIONS);
    this.tested = nextTested;
    this.checkInCallerContexts({ file, scope, sites, entries: [...nextCache.values()], reports, cfgOf, interpretSite, calleeSummariesOf });
    this.checkUnderCallersLocks({ file, text, scope, summaries, callersFirst: [...order].reverse(), entries: nextCache, keys, reports, cfgOf, interpretSite, calleeSummariesOf });
    const taken = new Map<string, ReadonlySet<string>>();
    decideAtEntryPoints(file, text, sites, reports, protocol.kernel, (fn, locks) => {
      let set = taken.get(fn);
      if (!set) taken.set(fn, (set = locksTaken(nextCache.get(keys.get(byName.get(fn)!)!)?.callees ?? [], summaries)));
      return locks.some((l) => set!.has(l));
    });
    return sites.map((s) => reports.get(s)!);
  }


  /**
   * A static function is only ever entered the way its callers in this file enter it. When every call
   * passes known values behind its pointer arguments (`bool mmap_locked = true; scan(..., &mmap_locked)`),
   * its findings are those of the analyses under those entry values: a path that only an impossible entry
   * value (`*mmap_locked == false` with the caller's mmap_lock held) allows is information that says so, not
   * an error or a warning: caller values add findings, they never hide one.
   */
  private checkInCallerContexts(run: {
    file: string; scope: string; sites: FunctionSite[]; entries: CacheEntry[]; reports: Map<FunctionSite, FunctionReport>;
    cfgOf: (s: FunctionSite) => FunctionCfg;
    interpretSite: (site: FunctionSite, cfg: FunctionCfg, callContexts: Map<string, Set<string>>, entryFacts?: Map<string, Value>) => Interpretation;
    calleeSummariesOf: (callees: string[], contexts: Map<string, Set<string>>) => (FunctionSummary | undefined)[];
  }): void {
    const { file, sites, entries, reports, cfgOf, interpretSite, calleeSummariesOf } = run;
    const contexts = callContextsByCallee(entries);
    for (const site of sites) {
      const known = contexts.get(site.name);
      const report = reports.get(site)!;
      if (!site.isStatic || !known || known.has('') || !report.complete || report.findings.length === 0) continue;
      // Made in an earlier run from the same text at the same place, for the same contexts, with the same
      // summaries of its callees: the findings stand as they are (a patch series analyses many such images).
      const text = site.node.text;
      const { row, column } = site.node.startPosition;
      const key = `${run.scope}\u0000${row}:${column}\u0000${text.length}:${hashText(text)}:${hashText(text, 0x9747b28c)}\u0000${[...known].sort().join('\n')}`;
      const kept = this.contextFindings.get(key);
      if (kept && sameSummaryList(calleeSummariesOf(kept.callees, kept.callContexts), kept.calleeSummaries)) {
        remember(this.contextFindings, key, kept);
        report.findings = kept.findings;
        continue;
      }
      const cfg = cfgOf(site);
      const findings = new Map<string, Finding>();
      const callContexts = new Map<string, Set<string>>();
      let complete = true;
      for (const context of known) {
        const args = new Map<number, Value>(JSON.parse(context) as [number, Value][]);
        const entryFacts = contextFacts(site, args);
        this.lastContextInterpretations++;
        const result = interpretSite(site, cfg, callContexts, entryFacts);
        complete &&= result.complete;
        const lockPair = lockPairOf(file, site, cfg, result).findings;
        for (const f of [...lockPair, ...protocolFindings(file, site.name, result.protocol?.violations ?? [])]) {
          findings.set(`${f.line}:${f.column}:${f.rule}:${f.message}`, f);
        }
      }
      if (!complete) continue; // keep the context-free findings
      // The entry values only decide what is an error here: a finding only other entry values reach stays,
      // as information that names the entries no call in this file makes (a later patch may add one).
      const reached = new Set([...findings.values()].map((f) => `${f.line}:${f.rule}`));
      const entries = [...known].map((c) => entryText(site, JSON.parse(c) as [number, Value][])).join(' or ');
      const otherEntries = report.findings.filter((f) => f.severity !== 'info' && !reached.has(`${f.line}:${f.rule}`)).map((f): Finding => ({
        ...f, severity: 'info', message: `${f.message} (only on entries no call in this file makes: every call of ${site.name}() enters it with ${entries})`,
      }));
      report.findings = [...findings.values(), ...otherEntries];
      const callees = calledFunctions(cfg);
      remember(this.contextFindings, key, { findings: report.findings, callees, callContexts, calleeSummaries: calleeSummariesOf(callees, callContexts) });
    }
  }
  /**
   * A static function called only by name in this file is entered holding what every call of it holds:
   * collapse_huge_page() with the mmap_lock its callers read-locked. Checked under those locks too, it reports
   * what only they reveal (taking the mmap_lock for write without first dropping the read lock the callers
   * hold: a self-deadlock). Its own findings stay: the callers' state adds findings, never hides one.
   */
  private checkUnderCallersLocks(run: {
    file: string; text: string; scope: string; callersFirst: FunctionSite[]; summaries: ReadonlyMap<string, FunctionSummary>; entries: Map<string, CacheEntry>; keys: Map<FunctionSite, string>;
    reports: Map<FunctionSite, FunctionReport>;
    cfgOf: (s: FunctionSite) => FunctionCfg;
    interpretSite: (site: FunctionSite, cfg: FunctionCfg, callContexts: Map<string, Set<string>>, entryFacts?: Map<string, Value>,
      heldAtCalls?: Map<string, Set<string>>, callersHold?: LockRecord[]) => Interpretation;
    calleeSummariesOf: (callees: string[], contexts: Map<string, Set<string>>) => (FunctionSummary | undefined)[];
  }): void {
    const { file, reports, cfgOf, interpretSite, calleeSummariesOf } = run;
    const sites = run.callersFirst;
    let code: string | undefined; // the text without comments, for usedAsPointer()
    // What each function holds at its calls, by caller: first from its own interpretation, then, for a function
    // itself entered under its callers' locks, from that interpretation (callers first, so it reaches down).
    const byCaller = new Map<string, Map<string, Set<string>>>();
    for (const site of sites) {
      const entry = run.entries.get(run.keys.get(site)!);
      if (!entry?.complete) return; // a function not fully seen: no inference
      byCaller.set(site.name, entry.heldAtCalls);
    }
    // The argument values the callers pass (checkInCallerContexts): `*mmap_locked` is true where the lock is held.
    const argContexts = callContextsByCallee(run.entries.values());
    const heldAtEveryCall = (callee: string): string[] => {
      let out: Set<string> | undefined;
      for (const calls of byCaller.values()) {
        const set = calls.get(callee);
        if (set) out = out ? intersectHeld(out, set) : set;
      }
      return [...(out ?? [])].sort();
    };
    for (const site of sites) {
      const inferred = heldAtEveryCall(site.name);
      const report = reports.get(site)!;
      if (!site.isStatic || inferred.length === 0 || !report.complete) continue;
      // A function that takes, drops or asserts none of those locks' families, itself or through a callee's
      // summary, meets them only in requirements, which its callers already check at their calls.
      const families = lockFamiliesTouched(run.entries.get(run.keys.get(site)!)?.callees ?? [], run.summaries);
      if (!inferred.some((k) => families.has(k.slice(0, k.indexOf(':')) as LockFamily))) {
        // Still held, untouched, at each of its own calls: passed on to its callees (those it can name
        // without an argument; a lock reached through one would need the call's arguments).
        const passed = inferred.filter((k) => !k.includes(':$'));
        const own = byCaller.get(site.name);
        if (own && passed.length > 0) byCaller.set(site.name, new Map([...own].map(([callee, set]) => [callee, new Set([...set, ...passed])])));
        continue;
      }
      if (usedAsPointer((code ??= withoutComments(run.text)), site.name)) continue;
      const text = site.node.text;
      const { row, column } = site.node.startPosition;
      const known = argContexts.get(site.name);
      const contexts = known && !known.has('') ? [...known].sort() : [undefined];
      // By the function's text, not its place: an edit above it moves it, and its findings move with it
      // (keptAt()), so typing in a file does not interpret every such function again.
      const key = `held\u0000${run.scope}\u0000${column}\u0000${text.length}:${hashText(text)}:${hashText(text, 0x9747b28c)}\u0000${inferred.join('\n')}\u0000${contexts.join('\n')}`;
      const callersHold = callersLocks(site, inferred);
      let kept = keptAt(this.contextFindings.get(key), row, site.node.endPosition.row);
      if (!kept || !sameSummaryList(calleeSummariesOf(kept.callees, kept.callContexts), kept.calleeSummaries)) {
        const cfg = cfgOf(site);
        const callContexts = new Map<string, Set<string>>();
        const heldAtCalls = new Map<string, Set<string>>();
        const findings: Finding[] = [];
        let complete = true;
        for (const context of contexts) {
          const entryFacts = context === undefined ? undefined : contextFacts(site, new Map<number, Value>(JSON.parse(context) as [number, Value][]));
          const result = interpretSite(site, cfg, callContexts, entryFacts, heldAtCalls, callersHold);
          complete &&= result.complete;
          findings.push(
            ...lockPairOf(file, site, cfg, result).findings,
            ...protocolFindings(file, site.name, result.protocol?.violations ?? []));
        }
        if (!complete) continue;
        const callees = calledFunctions(cfg);
        const unique = [...new Map(findings.map((f) => [`${f.line}:${f.column}:${f.rule}:${f.message}`, f])).values()];
        kept = { findings: unique, callees, callContexts, calleeSummaries: calleeSummariesOf(callees, callContexts), heldAtCalls, startRow: row, endRow: site.node.endPosition.row };
      }
      remember(this.contextFindings, key, kept);
      if (kept.heldAtCalls) byCaller.set(site.name, kept.heldAtCalls);
      // Inferred from the callers' states, which may hold on paths the callers' argument values rule out
      // (mm/userfaultfd.c mfill_atomic_hugetlb() retakes its caller's lock only when dst_vma is NULL, which no
      // first call passes): a warning that says under what it holds, not an error.
      const own = new Set(report.findings.map((f) => `${f.line}:${f.rule}`));
      const under = callersHold.map((l) => (FAMILIES[l.family].singleton ? FAMILIES[l.family].label : `'${l.name}'`)).join(', ');
      const added = kept.findings.filter((f) => !own.has(`${f.line}:${f.rule}`)).map((f): Finding => ({
        ...f, severity: f.severity === 'error' ? 'warning' : f.severity,
        message: `${f.message} (entered holding ${under}, as every call of ${site.name}() in this file enters it)`,
      }));
      // A release of a lock on a path that did not take it is its caller's lock there: where every call
      // holds it and the check under those locks finds the release balanced, what is left is the guess that
      // the callers might not (mfill_atomic_hugetlb() releases its caller's map_changing_lock on the first
      // pass and its own after a retry).
      const underCallers = new Set(kept.findings.map((f) => `${f.line}:${f.rule}`));
      const settled = (f: Finding) => f.severity === 'error' && UNTAKEN_RELEASE.test(f.message) && !underCallers.has(`${f.line}:${f.rule}`);
      const settledOwn = report.findings.map((f): Finding => (settled(f) ? { ...f, severity: 'warning',
        message: `${f.message}; every call of ${site.name}() in this file holds ${under}: on this path it is the caller's` } : f));
      report.findings = [...settledOwn, ...added];
    }
  }
}

/**
 * A function the kernel enters holding no lock (a kernel thread, a work item, a system call) decides what its
 * callees left to their callers: the requirements still open there are unmet, reported where they arose.
 */
function decideAtEntryPoints(file: string, text: string, sites: FunctionSite[], reports: Map<FunctionSite, FunctionReport>, kernel: KernelFacts,
  takes: (fn: string, locks: readonly string[]) => boolean): void {
  const byName = new Map(sites.map((s) => [s.name, s]));
  const names = new Set(byName.keys());
  const registered = mayRegisterEntryPoints(text) ? registeredEntryPoints(withoutComments(text), names) : new Map<string, string>();
  for (const site of sites) {
    const context = site.entry ?? registered.get(site.name);
    const report = reports.get(site)!;
    if (!context || !report.complete) continue;
    const { row, column } = site.node.startPosition;
    const root = { name: site.name, params: site.params, context, summary: report.summary, site: { startRow: row, startColumn: column, endRow: row, endColumn: column } };
    for (const f of [...unmetAtEntryPoint(file, root, kernel, names, takes), ...unmatchedReleasesAtEntryPoint(file, root, names)]) {
      const target = reports.get(byName.get(f.function)!)!;
      if (!target.findings.some((g) => g.line === f.line && g.rule === f.rule)) target.findings = [...target.findings, f];
    }
  }
}

/** LOCK-PAIR for one interpretation of a function. */
function lockPairOf(file: string, site: FunctionSite, cfg: FunctionCfg, result: Interpretation): ReturnType<typeof checkLockPair> {
  return checkLockPair({ file, functionName: site.name, params: site.params, interpretation: result, contract: site.contract,
    confined: confinedLocals(cfg), frameObjects: cfg.frameObjects });
}

/** The text with its comments blanked (string literals are left: a function name in one is rare). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
}

/** The lock effects of the calls of a function (by name): by the lock table's row, or by a callee's summary. */
function* calleeLockEffects(callees: readonly string[], summaries: ReadonlyMap<string, FunctionSummary>): Generator<{ op: string; family: LockFamily; role?: string }> {
  for (const callee of callees) {
    const row = resolveApi(callee);
    yield* row?.effects ?? [];
    for (const o of row?.outcomes ?? []) yield* o.effects;
    for (const o of summaries.get(callee)?.outcomes ?? []) yield* o.effects;
  }
}

/** The lock families the calls of a function (by name) take, drop or assert: by the lock table, or by a callee's summary. */
function lockFamiliesTouched(callees: readonly string[], summaries: ReadonlyMap<string, FunctionSummary>): ReadonlySet<LockFamily> {
  const out = new Set<LockFamily>();
  for (const eff of calleeLockEffects(callees, summaries)) out.add(eff.family);
  for (const callee of callees) for (const c of summaries.get(callee)?.expects ?? []) out.add(c.family);
  return out;
}

/**
 * The locks the calls of a function (by name) take: their families, and `family:role` where a row says what
 * the lock is (`spin:PMD lock`).
 */
function locksTaken(callees: readonly string[], summaries: ReadonlyMap<string, FunctionSummary>): ReadonlySet<string> {
  const out = new Set<string>();
  for (const eff of calleeLockEffects(callees, summaries)) {
    if (eff.op !== 'acquire') continue;
    out.add(eff.family);
    if (eff.role !== undefined) out.add(`${eff.family}:${eff.role}`);
  }
  return out;
}

/** Whether the file names the function other than by calling it (`kthread_run(khugepaged, ...)`, an ops table). */
function usedAsPointer(text: string, name: string): boolean {
  return new RegExp(`\\b${name}\\b(?!\\s*\\()`).test(text);
}

/** Lock records for the locks every caller holds (callerHeldKeys), in the function's own parameter names. */
function callersLocks(site: FunctionSite, keys: string[]): LockRecord[] {
  const p = site.node.startPosition;
  const span = { startRow: p.row, startColumn: p.column, endRow: p.row, endColumn: p.column + site.name.length };
  return keys.flatMap((k) => {
    const m = /^(\w+):(.*):(read|write|)$/.exec(k);
    if (!m) return [];
    const family = m[1] as LockFamily;
    const identity = inParameterNames(m[2], site.params);
    if (identity === undefined) return [];
    const traits = FAMILIES[family];
    return [{
      key: `${family}:${identity}`, family, name: traits.singleton ? traits.label : identity, mode: (m[3] || undefined) as LockMode | undefined,
      status: 'held' as const, fromCaller: true, count: 0, site: span, siteText: `every call of ${site.name}() in this file holds it`,
    }];
  });
}

/**
 * The locks held in both sets (callerHeldKeys: `family:identity:mode`); one held in two modes is held in a mode
 * the callers do not agree on (`mmap:mmap:`).
 */
function intersectHeld(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const lockOf = (k: string) => k.slice(0, k.lastIndexOf(':'));
  const modes = new Map<string, string[]>();
  for (const k of b) modes.set(lockOf(k), [...(modes.get(lockOf(k)) ?? []), k]);
  const out = new Set<string>();
  for (const k of a) {
    const other = modes.get(lockOf(k));
    if (other) out.add(other.includes(k) ? k : `${lockOf(k)}:`);
  }
  return out;
}

/** Keeps, per callee, the intersection of the lock sets held at its calls (callerHeldKeys). */
function noteHeldAtCall(into: Map<string, Set<string>>): (callee: string, held: string[]) => void {
  return (callee, held) => {
    const prev = into.get(callee);
    into.set(callee, prev ? intersectHeld(prev, new Set(held)) : new Set(held));
  };
}

/** The pointer-argument contexts of every call of each function, over all its callers' entries. */
function callContextsByCallee(entries: Iterable<CacheEntry>): Map<string, Set<string>> {
  const contexts = new Map<string, Set<string>>();
  for (const e of entries) {
    for (const [callee, set] of e.callContexts) {
      const all = contexts.get(callee) ?? new Set<string>();
      set.forEach((c) => all.add(c));
      contexts.set(callee, all);
    }
  }
  return contexts;
}

/** `key` → `value` in a map kept as a least-recently-used cache of MAX_CONTEXT_SUMMARIES entries. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_CONTEXT_SUMMARIES) cache.delete(cache.keys().next().value!);
}

/** Whether two lists of callee summaries are the same, exactly (the line numbers they quote included). */
function sameSummaryList(a: (FunctionSummary | undefined)[], b: (FunctionSummary | undefined)[]): boolean {
  return a.length === b.length && a.every((x, i) => summaryKey(x) === summaryKey(b[i]));
}

/** Records, by callee, the pointer-argument contexts of the calls an interpretation made ('' = none known). */
function noteCallContext(into: Map<string, Set<string>>): (callee: string, pointerArgs: ReadonlyMap<number, Value>) => void {
  return (callee, pointerArgs) => {
    const set = into.get(callee) ?? new Set<string>();
    set.add(pointerArgs.size === 0 ? '' : JSON.stringify([...pointerArgs]));
    into.set(callee, set);
  };
}

function cacheKey(file: string, site: FunctionSite): string {
  return `${file}\u0000${site.node.text}`;
}

const MAX_CONTEXTS_PER_CALLEE = 4;
/** Rounds of re-analysis of a recursive cycle whose summaries still change. */
const MAX_CYCLE_ROUNDS = 3;
/** Runs whose caches are kept: every image of a path in a series of up to 23 patches (see generations). */
const MAX_GENERATIONS = 24;
/** Enough for every context of a few files' worth of functions; each key holds the texts' hashes only. */
const MAX_CONTEXT_SUMMARIES = 512;

const summaryKeys = new WeakMap<FunctionSummary, string>();

/** A summary's identity, computed once per summary object (summaries are not changed once made). */
function summaryKey(summary: FunctionSummary | undefined): string {
  if (!summary) return '-';
  let k = summaryKeys.get(summary);
  if (k === undefined) summaryKeys.set(summary, (k = String(hashText(JSON.stringify(summary, replacer)))));
  return k;
}

/** FNV-1a over the text (from another offset basis with `seed`): cheap identity for cache keys. */
function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}

/** The entry values of one call context (as in contextFacts()), as a reader writes them: `*mmap_locked == true`. */
function entryText(site: FunctionSite, args: [number, Value][]): string {
  const one = (i: number, v: Value): string => {
    const name = i >= 0 ? `*${site.params[i] ?? `argument ${i}`}` : site.params[-1 - i] ?? `argument ${-1 - i}`;
    if (v.truth !== undefined && (v.eq === undefined || v.eq === '0' || v.eq === '1')) return `${name} == ${v.truth}`;
    if (v.eq !== undefined) return `${name} == ${v.eq}`;
    if (v.ne?.length) return `${name} != ${v.ne.join(' and != ')}`;
    return `${name} set`;
  };
  return args.length === 0 ? 'the same values' : args.map(([i, v]) => one(i, v)).join(', ');
}

/**
 * A call context as entry facts of the callee: index i ≥ 0 is the value behind pointer parameter i
 * (`*mmap_locked`), index -1-i the value of parameter i itself (a named constant such as HPAGE_PMD_ORDER).
 */
/** A summary of a call that does nothing its caller can see. */
function noEffects(name: string): FunctionSummary {
  return { name, outcomes: [{ returns: {}, pt: [], effects: [], outParams: new Map(), givenAway: [], conditions: [] }], requires: [], expects: [] };
}

function contextFacts(site: FunctionSite, args: ReadonlyMap<number, Value>): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const [i, v] of args) {
    const param = site.params[i >= 0 ? i : -1 - i];
    if (param) out.set(i >= 0 ? `*${param}` : param, v);
  }
  return out;
}

/**
 * Whether a function's callees still summarise as they did when it was interpreted. A callee that only moved
 * quotes other line numbers; the function's cached findings are moved the same way, so that is no change:
 * inserting a line above every function re-interprets none of them.
 */
function sameSummaries(before: (FunctionSummary | undefined)[], now: (FunctionSummary | undefined)[], moves: DocumentMoves): boolean {
  return before.length === now.length && before.every((s, i) => s === now[i] || summaryKey(moveSummary(s, moves)) === summaryKey(now[i]));
}

function limitFinding(file: string, site: FunctionSite, states: number, timeLimitMs?: number): Finding {
  const p = site.node.startPosition;
  const why = timeLimitMs !== undefined ? `the document's ${timeLimitMs} ms budget ran out` : `${states} states`;
  return {
    file, line: p.row + 1, column: p.column + 1, endLine: p.row + 1, endColumn: p.column + 1 + site.name.length,
    severity: 'info', rule: 'ANALYSIS-LIMIT', function: site.name, related: [],
    message: `analysis of ${site.name}() stopped after ${why}; its locks were not checked`,
  };
}

const testedCache = new WeakMap<FunctionCfg, Set<string>>();

/** Variables (and `*p`) mentioned in the function's branch conditions. */
function testedNames(cfg: FunctionCfg): Set<string> {
  let out = testedCache.get(cfg);
  if (out) return out;
  out = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'ident') out!.add(e.name);
    else if (e.kind === 'unary') {
      if (e.op === '*' && e.arg.kind === 'ident') out!.add(`*${e.arg.name}`);
      walk(e.arg);
    } else if (e.kind === 'binary') { walk(e.left); walk(e.right); }
    else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'opaque') e.parts.forEach(walk);
    else if (e.kind === 'assign') walk(e.value);
  };
  for (const n of cfg.nodes) if (n.condition) walk(n.condition);
  testedCache.set(cfg, out);
  return out;
}

/** Every call in the CFG, for the call graph. */
export function calledFunctions(cfg: FunctionCfg): string[] {
  const names = new Set<string>();
  forEachCall(cfg, (call) => names.add(call.callee));
  return [...names];
}

/**
 * Locks the annotations say are held on entry. Their family is the one this function's own lock calls
 * use for the same expression (`__releases(&khugepaged_mm_lock)` with `spin_lock(&khugepaged_mm_lock)`).
 */
function entryLocks(site: FunctionSite, cfg: FunctionCfg): LockRecord[] {
  const held = [...new Set([...site.contract.mustHold, ...site.contract.releases])];
  if (held.length === 0) return [];
  const families = familiesByIdentity(cfg);
  const p = site.node.startPosition;
  const span = { startRow: p.row, startColumn: p.column, endRow: p.row, endColumn: p.column + 1 };
  return held.map((identity) => {
    const family: LockFamily = families.get(identity) ?? 'spin';
    return {
      key: `${family}:${identity}`, family, name: identity, status: 'held', fromCaller: true, count: 0,
      site: span, siteText: `${site.name}() annotation`,
    };
  });
}

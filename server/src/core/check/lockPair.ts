// Rule LOCK-PAIR (../shared/PROTOCOL.md §7): every lock taken is released on every path to every return,
// with the same mode; no double acquire; no release without hold. Reported like smatch's "inconsistent
// returns": the lock, where it was taken, and the exits (with the gotos that led there) that still hold it.
import type { Span } from '../cfg/types';
import type { Finding, FindingFix, RelatedLocation } from '../findings';
import { FAMILIES, RELEASE_OF, resultSays, type LockFamily } from '../model/api';
import type { ExitState, Interpretation, LockEvent } from './interpret';
import { ENTRY_NAME, HANDED_BACK_FACT, MOVED_FACT, STORED_FACT, UNKNOWN_LOCK_FACT, isHeld, type KeptBy, type LockRecord, type Value } from './state';
import { sameSpan } from '../cfg/expr';
import { rootOf, within } from './identity';
import { compareValues, sameValue } from './values';

export interface FunctionContract {
  /** Lock identities (as written, without `&`) from __must_hold / __acquires / __releases / __cond_acquires. */
  mustHold: string[];
  acquires: string[];
  releases: string[];
  condAcquires: string[];
  /** The declared return type's shape, to tell a conditional-acquire function's success from failure. */
  returns: 'pointer' | 'bool' | 'int' | 'void';
}

export interface LockPairInput {
  file: string;
  functionName: string;
  params: string[];
  interpretation: Interpretation;
  contract: FunctionContract;
  /** Locals whose value never leaves the function (cfg/confined.ts): a lock on one cannot be handed on. */
  confined?: ReadonlySet<string>;
  /** Objects of the function's own frame (cfg/build.ts): a lock on one is gone with it when the function returns. */
  frameObjects?: readonly string[];
}

export const LOCK_PAIR = 'LOCK-PAIR';
/** The message of a release reached both holding a lock this function took and without having taken it. */
const UNTAKEN_RELEASE_TEXT = ' is released here on a path where this function did not take it';
export const UNTAKEN_RELEASE = new RegExp(`${UNTAKEN_RELEASE_TEXT}$`);
export const PTL_PML_ALIAS = 'PTL-PML-ALIAS';

export interface LockPairResult {
  findings: Finding[];
  /** Keys of the locks reported as leaked: the function's summary leaves them out (see summarize()). */
  leaked: Set<string>;
}

export function checkLockPair(input: LockPairInput): LockPairResult {
  const make = (span: Span, message: string, related: RelatedLocation[], severity: Finding['severity'] = 'error'): Finding => ({
    file: input.file, ...toRange(span), severity, rule: LOCK_PAIR, message, function: input.functionName, related,
  });
  const leaked = new Set<string>();
  const findings = [
    ...leaks(input, make, leaked),
    ...ambiguousReleases(input, make),
    ...eventFindings(input.interpretation.events, make),
    ...contractFindings(input, make),
  ];
  return { findings, leaked };
}

type Make = (span: Span, message: string, related: RelatedLocation[], severity?: Finding['severity']) => Finding;

function leaks(input: LockPairInput, make: Make, leaked: Set<string>): Finding[] {
  const { exits } = input.interpretation;
  const expected = new Set([...input.contract.acquires, ...input.contract.condAcquires, ...input.contract.mustHold]);
  // Group the exits that hold each lock this function took, by the place it was taken.
  const held = new Map<string, { lock: LockRecord; exits: ExitState[] }>();
  for (const exit of exits) {
    for (const lock of exit.state.locks.values()) {
      if (!takenHereAndHeld(lock) || expected.has(identityOf(lock))) continue;
      const id = `${lock.key}@${lock.site.startRow}:${lock.site.startColumn}`;
      const entry = held.get(id) ?? { lock, exits: [] };
      entry.exits.push(exit);
      held.set(id, entry);
    }
  }
  const out: Finding[] = [];
  for (const { lock, exits: leaking } of held.values()) {
    // Exits where this function itself released the lock (not those where it never took it). A counting
    // lock (RCU, PTE map) leaves no record once its count is back to zero.
    const releasing = FAMILIES[lock.family].counting
      ? exits.filter((e) => !isHeld(e.state.locks.get(lock.key)))
      : exits.filter((e) => e.state.locks.get(lock.key)?.status === 'released');
    // Never released here: the function hands the lock to its caller (its summary says so) — unless the
    // caller has no way to name it (`pmd_ptl` of __collapse_huge_page_copy_failed() with its unlock deleted).
    const root = rootOf(identityOf(lock));
    // Or the lock is the function's own stack object (`&range` of a local `struct mmu_notifier_range range`):
    // whatever calls it was given, it does not outlive the return.
    const ownFrame = identityOf(lock) === root && input.frameObjects?.includes(root);
    const confined = !FAMILIES[lock.family].singleton && !FAMILIES[lock.family].counting && root !== '' && (input.confined?.has(root) || ownFrame);
    if (releasing.length === 0 && !confined) continue;
    // Stored where the caller reaches it (`fw->ptl = ptl`) on every exit that holds it: the caller's now.
    if (leaking.every((e) => e.state.facts.has(`${STORED_FACT}${lock.key}`))) continue;
    // Held exactly when it reports success: a conditional acquire such as a trylock wrapper. Or held on exits
    // whose result says so (VM_FAULT_LOCKED): the caller is told it has the lock.
    if (isConditionalAcquire(leaking, releasing, input.contract.returns)) continue;
    if (leaking.every((e) => resultSays(e.value, lock.family, 'held'))) continue;
    // Held where the result is not known here and released where it says failure (NULL, an error): callers
    // that test the result may well be told they have the lock (mm/pagewalk.c folio_walk_start() returns
    // page_folio(page) with the page-table lock held, NULL without it). That rests on a guess: a warning, and
    // the summary keeps the lock on those exits.
    const guess = releasing.length > 0 && leaking.every((e) => e.value.eq === undefined && classify(e.value, input.contract.returns) === 'unknown') &&
      releasing.every((e) => classify(e.value, input.contract.returns) === 'failure');
    if (!guess) leaked.add(lock.key);
    const odd = oddOutcome(leaking, lock.key, exits);
    if (odd) {
      out.push(inCallee(odd, make, lock, input.functionName, `leaks it (${describeExit(leaking[0])})`, guess ? 'warning' : 'error'));
      continue;
    }
    const paths = uniqueExits(leaking);
    const where = paths.map((e) => describeExit(e)).join('; ');
    const what = lockDescription(lock);
    const finding = make(lock.site,
      `${what} taken here (${lock.siteText}) is still held on ${paths.length === 1 ? 'the path' : `${paths.length} paths`} to ${where}, ` +
      (releasing.length === 0 ? `and released on none: no caller can release it, as '${root}' ${ownFrame ? 'is an object on this function\'s stack' : 'never leaves this function'}`
        : guess ? `returning a value not known here, and released on ${releasing.length === 1 ? 'another path' : 'other paths'}, returning failure: ` +
          'unless callers take that value as saying they hold it, it is never released'
        : `but released on ${releasing.length === 1 ? 'another path' : 'other paths'}`),
      dedupe(paths.flatMap((e) => exitRelated(e, what))), guess ? 'warning' : 'error');
    const fixes = unlockFixes(lock, paths, input.interpretation.heldAt);
    out.push(fixes.length > 0 ? { ...finding, fixes } : finding);
  }
  return out;
}

/**
 * The callee outcome that kept the lock on these exits (LockRecord.keptBy), when the caller tells the callee's
 * outcomes apart (another outcome that keeps the lock, SCAN_SUCCEED, goes elsewhere) but handles this one like
 * those that release it: some exit reaches the same place by the same last goto with the lock released by
 * that very call. Then the odd one out is the callee's path, not the caller's handling (mm/khugepaged.c
 * __collapse_huge_page_swapin(): "if not SCAN_SUCCEED, mmap_lock has been released"). A caller that ignores
 * the result keeps the finding.
 */
function oddOutcome(kept: ExitState[], key: string, exits: ExitState[]): KeptBy | undefined {
  const by = kept[0]?.state.locks.get(key)?.keptBy;
  if (!by || by.keeping.length === 0) return undefined;
  if (!kept.every((e) => { const k = e.state.locks.get(key)?.keptBy; return k?.callee === by.callee && sameValue(k.returns, by.returns); })) return undefined;
  const lastGoto = (e: ExitState) => [...e.state.trail].reverse().find((t) => t.label.startsWith('goto'))?.span.startRow;
  const alike = exits.some((r) => {
    const l = r.state.locks.get(key);
    return l?.status === 'released' && sameSpan(l.site, by.call) && kept.some((k) => k.node === r.node && lastGoto(k) === lastGoto(r));
  });
  return alike ? by : undefined;
}

/** A finding about the caller's lock, in the callee whose odd outcome makes it. */
function inCallee(by: KeptBy, make: Make, lock: LockRecord, caller: string, what: string, severity: Finding['severity']): Finding {
  const label = FAMILIES[lock.family].singleton ? FAMILIES[lock.family].label : `'${lock.name}'`;
  const others = [...new Set(by.releasing.map(valueText))].slice(0, 3).join(', ');
  const finding = make(by.exit.site,
    `${by.callee}() keeps its caller's ${label} on the path to this ${by.exit.text} (returning ${valueText(by.returns)}) and releases it ` +
    `returning ${others}: ${caller}() (line ${by.call.startRow + 1}) handles both alike and ${what}`,
    [{ ...toRange(by.call), message: `${caller}() calls ${by.callee}() here holding ${label}` }], severity);
  return { ...finding, function: by.callee };
}

/** A returned value as a message says it. */
function valueText(v: Value): string {
  return v.eq ?? (v.ne ? `not ${v.ne.join('/')}` : 'an unknown value');
}

function dedupe(related: RelatedLocation[]): RelatedLocation[] {
  const seen = new Set<string>();
  return related.filter((r) => {
    const key = `${r.line}:${r.column}:${r.message}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

/**
 * A lock the caller holds on entry, released on some exits and kept on others that the caller cannot tell
 * apart (same possible return value, nothing written through a pointer parameter to say so). Callers then
 * unlock twice or not at all: Dev Jain's RFC 08/12 collapse_huge_page() kept the mmap_lock for mTHP orders
 * while every caller assumed "collapse_huge_page will return with the mmap_lock released".
 */
function ambiguousReleases(input: LockPairInput, make: Make): Finding[] {
  const out: Finding[] = [];
  const { exits } = input.interpretation;
  // Only locks the caller can name: the mmap_lock, or one reached through a parameter. A lock released on
  // an object the function looked up itself (a loop cursor) is not the caller's to track.
  const callerNamed = (l: LockRecord) => FAMILIES[l.family].singleton || input.params.includes(rootOf(identityOf(l)));
  // Nor one released through a parameter the path assigned another object (MOVED_FACT).
  const movedAt = (e: ExitState, l: LockRecord) => e.state.facts.has(`${MOVED_FACT}${rootOf(identityOf(l))}`);
  const keys = new Set(exits.flatMap((e) => [...e.state.locks.values()]
    .filter((l) => l.fromCaller && !l.ownerUnknown && l.status === 'released' && !FAMILIES[l.family].counting && callerNamed(l) && !movedAt(e, l))
    .map((l) => l.key)));
  for (const key of keys) {
    const family = key.slice(0, key.indexOf(':')) as LockFamily;
    const released = exits.filter((e) => e.state.locks.get(key)?.status === 'released');
    // An exit whose path gave the lock's object to a call through a pointer does not know it kept it.
    const kept = exits.filter((e) => e.state.locks.get(key)?.status !== 'released' && !lockUnknownAt(e, key));
    const writesOut = (e: ExitState) => [...e.state.facts.keys()].some((k) => k.startsWith('*'));
    // Exits that took other branches on which object the caller passed (`if (ci)`) or on its state
    // (`if (vma->anon_vma)`) are told apart by the caller's own knowledge of them: the summary carries those
    // conditions. A value the caller passes for another purpose (an order) is not: keeping the caller's lock
    // for some orders and not others is the contract callers got wrong in Dev Jain's RFC 08/12
    // collapse_huge_page(); only NULL-or-not counts for a plain argument.
    const otherArguments = (a: ExitState, b: ExitState) => [...a.state.facts].some(([k, v]) => {
      const w = b.state.facts.get(k);
      // `root@entry`: what the path knew of the parameter's first value before it assigned it.
      const path = k.replace(ENTRY_NAME, '').split(/->|\./);
      if (w === undefined || !input.params.includes(path[0])) return false;
      return path.length > 1 ? compareValues(v, w) === false : v.truth !== undefined && w.truth !== undefined && v.truth !== w.truth;
    });
    // A result that says the lock was released (VM_FAULT_RETRY) tells callers apart from one that does not say so.
    const toldReleased = (r: ExitState, k: ExitState) => resultSays(r.value, family, 'released') && !resultSays(k.value, family, 'released');
    // `root = lock_anon_vma_root(root, anon_vma)` (mm/rmap.c): one exit gives the argument back with its lock,
    // the other releases it and returns another object it locked. Either way the lock goes with the result.
    const object = rootOf(key.slice(family.length + 1));
    const handsOver = (r: ExitState, k: ExitState) => returnsMovedLocked(r, family) && k.node.returnValue?.kind === 'ident' &&
      k.node.returnValue.name === object && !k.state.facts.has(`${MOVED_FACT}${object}`);
    // A result flag that stands for either of two locks (VM_FAULT_RETRY: the mmap_lock or the per-VMA lock the
    // fault holds) on an exit that released the other: the flag tells about that one, and callers hold one of
    // the two (mm/memory.c do_wp_page() returns VM_FAULT_RETRY after vma_end_read() only under
    // FAULT_FLAG_VMA_LOCK, keeping no mmap_lock it never had).
    const releasedTheOther = (k: ExitState) => resultSays(k.value, family, 'released') && [...k.state.locks.values()].some((l) =>
      l.family !== family && l.fromCaller && l.status === 'released' && resultSays(k.value, l.family, 'released'));
    const alike = (r: ExitState, k: ExitState) => compareValues(r.value, k.value) !== false && !writesOut(r) && !writesOut(k) &&
      !otherArguments(r, k) && !toldReleased(r, k) && !handsOver(r, k) && !releasedTheOther(k);
    // Certain only when both exits return one known value: where either value is unknown (a `ret` built
    // from VM_FAULT_* bits in mm/memory.c, a void function whose callers branch on their own state), the
    // callers may well tell them apart, and the finding rests on that guess.
    const certain = (r: ExitState, k: ExitState) => r.value.eq !== undefined && sameValue(r.value, k.value);
    const clashes = kept.flatMap((k) => released.filter((r) => alike(r, k)).map((r) => ({ k, r })));
    const pair = clashes.find(({ r, k }) => certain(r, k)) ?? clashes[0];
    if (!pair) continue;
    const { k: clash, r: rel } = pair;
    const lock = rel.state.locks.get(key)!;
    const odd = oddOutcome([clash], key, exits);
    if (odd) {
      const sure = certain(rel, clash);
      out.push(inCallee(odd, make, lock, input.functionName,
        `returns ${valueText(clash.value)} both with it held (line ${(clash.node.span ?? lock.site).startRow + 1}) and${sure ? '' : ' perhaps'} with it released (line ${lock.site.startRow + 1})`, sure ? 'error' : 'warning'));
      continue;
    }
    const label = FAMILIES[lock.family].singleton ? FAMILIES[lock.family].label : `'${lock.name}'`;
    const site = clash.node.span ?? lock.site;
    const sure = certain(rel, clash);
    const unknownBoth = valueText(clash.value) === 'an unknown value' && valueText(rel.value) === 'an unknown value';
    out.push(make(site,
      `the caller's ${label} is released on some paths (${lock.siteText}, line ${lock.site.startRow + 1}) and kept on this one, ` +
      (sure ? `both returning ${valueText(clash.value)}: callers cannot tell whether they still hold it`
        : `${unknownBoth ? 'with return values not known here' : `returning ${valueText(clash.value)} here and ${valueText(rel.value)} there`}: ` +
          'unless callers tell the paths apart by what they know, they cannot tell whether they still hold it'),
      [{ ...toRange(lock.site), message: `${label} released here on another path returning ${valueText(rel.value)}` }], sure ? 'error' : 'warning'));
  }
  return out;
}

/**
 * "Release it before this goto/return": offered only where it is mechanical and safe — the statement
 * stands in a { } block (not the lone body of an unbraced if), the lock is held on every path reaching it
 * (so no other path would release it twice), and the release call follows from the acquiring call alone.
 */
function unlockFixes(lock: LockRecord, paths: ExitState[], heldAt: Map<string, Set<string>>): FindingFix[] {
  const call = /^([A-Za-z_]\w*)\((.*)\)$/.exec(lock.siteText);
  const pair = call && RELEASE_OF[call[1]];
  if (!call || !pair) return [];
  const args = splitTopLevel(call[2]);
  if (pair.args.some((i) => args[i] === undefined)) return [];
  const text = `${pair.release}(${pair.args.map((i) => args[i]).join(', ')});`;
  const fixes = new Map<string, FindingFix>();
  for (const e of paths) {
    const at = [...e.state.trail].reverse().find((t) => t.label.startsWith('goto')) ?? e.state.trail.at(-1);
    if (!at?.braced) continue;
    const key = `${at.span.startRow}:${at.span.startColumn}`;
    if (!heldAt.get(key)?.has(lock.key) || fixes.has(key)) continue;
    fixes.set(key, { title: `Add ${text.replace(/;$/, '')} before this ${at.label} (line ${at.span.startRow + 1})`, before: toRange(at.span), text });
  }
  return [...fixes.values()];
}

function splitTopLevel(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of args) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** The exit's path gave the lock's object to a call through a pointer, and did not lock or unlock it since. */
function lockUnknownAt(e: ExitState, key: string): boolean {
  const identity = key.slice(key.indexOf(':') + 1);
  if (e.state.locks.has(key)) return false;
  return e.state.facts.has(`${UNKNOWN_LOCK_FACT}${key}`) ||
    [...e.state.facts.keys()].some((k) => k.startsWith(HANDED_BACK_FACT) && within(identity, k.slice(HANDED_BACK_FACT.length)));
}

function takenHereAndHeld(lock: LockRecord): boolean {
  const traits = FAMILIES[lock.family];
  if (traits.ownedBy) return false;
  if (traits.counting) return lock.count > 0;
  return lock.status === 'held' && !lock.fromCaller;
}

/** The exit returns a parameter it assigned, holding a lock of `family` it took on that object. */
function returnsMovedLocked(e: ExitState, family: LockFamily): boolean {
  const returned = e.node.returnValue?.kind === 'ident' ? e.node.returnValue.name : undefined;
  if (!returned || !e.state.facts.has(`${MOVED_FACT}${returned}`)) return false;
  return [...e.state.locks.values()].some((l) => l.family === family && l.status === 'held' && !l.fromCaller && within(identityOf(l), returned));
}

function identityOf(lock: LockRecord): string {
  return lock.key.slice(lock.family.length + 1);
}

function isConditionalAcquire(leaking: ExitState[], releasing: ExitState[], returns: FunctionContract['returns']): boolean {
  if (leaking.every((e) => classify(e.value, returns) === 'success') && releasing.every((e) => classify(e.value, returns) === 'failure')) return true;
  // Locked unless IS_ERR(): include/linux/err.h error pointers tell failure from success, NULL or not. Every
  // releasing exit returns an ERR_PTR() and no holding one does (mm/shmem.c shmem_alloc_and_add_folio()
  // returns the folio it allocated, locked, or unlocks it and returns ERR_PTR(error)).
  const isError = (v: Value) => v.eq === 'ERR_PTR';
  return returns === 'pointer' && leaking.every((e) => !isError(e.value)) && releasing.every((e) => isError(e.value));
}

function classify(v: Value, returns: FunctionContract['returns']): 'success' | 'failure' | 'unknown' {
  if (v.eq?.startsWith('-')) return 'failure';
  if (v.eq === 'SCAN_SUCCEED') return 'success';
  if (v.eq?.startsWith('SCAN_')) return 'failure';
  if (returns === 'pointer' || returns === 'bool') return v.truth === true ? 'success' : v.truth === false ? 'failure' : 'unknown';
  // The kernel's convention for int results: 0 on success, an error otherwise. Held exactly when it returns
  // 0 and released on every non-zero return: mm/filemap.c filemap_add_folio() keeps the new folio locked.
  if (returns === 'int') return v.eq === '0' ? 'success' : v.truth === true ? 'failure' : 'unknown';
  return 'unknown';
}

function uniqueExits(exits: ExitState[]): ExitState[] {
  const seen = new Map<string, ExitState>();
  for (const e of exits) {
    const key = e.state.trail.map((t) => `${t.label}@${t.span.startRow}`).join('>');
    if (!seen.has(key)) seen.set(key, e);
  }
  return [...seen.values()].sort((a, b) => (a.node.span?.startRow ?? 0) - (b.node.span?.startRow ?? 0)).slice(0, 8);
}

function describeExit(e: ExitState): string {
  const steps = e.state.trail.slice(-3).map((t) => `${t.label} (line ${t.span.startRow + 1})`);
  return steps.join(' → ');
}

function exitRelated(e: ExitState, what: string): RelatedLocation[] {
  const gotos = e.state.trail.filter((t) => t.label.startsWith('goto')).slice(-1);
  const last = e.state.trail.at(-1);
  const out: RelatedLocation[] = gotos.map((t) => ({ ...toRange(t.span), message: `${what} still held at this ${t.label}` }));
  if (last) out.push({ ...toRange(last.span), message: `${what} still held at this ${last.label}` });
  return out;
}

function lockDescription(lock: LockRecord): string {
  const traits = FAMILIES[lock.family];
  if (traits.singleton) return lock.family === 'mmap' && lock.mode ? `mmap_lock (${lock.mode})` : traits.label;
  const label = lock.role ?? traits.label;
  return `${label} '${lock.name}'${lock.mode ? ` (${lock.mode})` : ''}`;
}

function eventFindings(events: LockEvent[], make: Make): Finding[] {
  const out: Finding[] = [];
  const untouchedAt = new Map<string, LockEvent>();
  const heldAt = new Map<string, LockEvent>();
  const unsetAt = new Set<string>();
  for (const ev of events) {
    const at = `${ev.site.startRow}:${ev.site.startColumn}:${ev.key}`;
    const label = FAMILIES[ev.family].singleton ? FAMILIES[ev.family].label : `'${ev.name}'`;
    const prev = ev.previous ? [{ ...toRange(ev.previous.site), message: `previously here (${ev.previous.siteText})` }] : [];
    if (ev.kind === 'double-acquire') {
      out.push(make(ev.site, `${label} is acquired again while already held (taken at line ${ev.previous!.site.startRow + 1})`, prev));
    } else if (ev.kind === 'double-release') {
      out.push(make(ev.site, `${label} is released again although it was already released at line ${ev.previous!.site.startRow + 1}`, prev));
    } else if (ev.kind === 'wrong-mode') {
      out.push(make(ev.site, `${label} is released with ${ev.siteText.split('(')[0]}() but is held in the other mode (taken at line ${ev.previous!.site.startRow + 1})`, prev));
    } else if (ev.kind === 'asserted-released') {
      // One cause, one finding: a release this path repeats later is already reported as released again.
      const sameRelease = (o: LockEvent) => o.kind === 'double-release' && o.key === ev.key && o.previous?.site.startRow === ev.previous?.site.startRow;
      if (events.some(sameRelease)) continue;
      out.push(make(ev.site, `${label} is asserted held here (${ev.siteText}), but this path released it at line ${ev.previous!.site.startRow + 1}`, prev));
    } else if (ev.kind === 'asserted-wrong-mode') {
      out.push(make(ev.site, `${label} is held in another mode (taken at line ${ev.previous!.site.startRow + 1}) than the one asserted here (${ev.siteText})`, prev));
    } else if (ev.kind === 'unset') {
      unsetAt.add(at);
      const root = /^[A-Za-z_]\w*/.exec(ev.name)?.[0] ?? ev.name;
      out.push(make(ev.site, `${ev.siteText.split('(')[0]}() on '${ev.name}', but nothing on this path has set '${root}' (declared without a value)`, []));
    } else if (ev.kind === 'pt-lock-alias') {
      // Its own rule: the lock pairing is right on every path, the locks may just be one.
      out.push({ ...make(ev.site, `${ev.siteText.split('(')[0]}() takes a page-table lock of the same mm as '${ev.name}', held since line ${ev.previous!.site.startRow + 1}, `
        + `with no check that they differ: where split page-table locks are off both are mm->page_table_lock and this spins on itself; `
        + `take it only if (${ev.taken} != ${ev.name})`, prev), rule: PTL_PML_ALIAS });
    } else if (ev.kind === 'release-untouched') {
      untouchedAt.set(at, ev);
    } else if (ev.kind === 'release-frame') {
      const root = /^[A-Za-z_]\w*/.exec(ev.name)?.[0] ?? ev.name;
      out.push(make(ev.site, `${label} is released here, but nothing on this path took it, and no caller can hold it: '${root}' is a local of this function`, []));
    } else {
      heldAt.set(at, ev);
    }
  }
  // The same release is reached both holding a lock taken in this function and without having taken it:
  // on the second path it releases a lock it does not hold.
  for (const [at, ev] of untouchedAt) {
    if (!heldAt.has(at) || unsetAt.has(at)) continue; // an unset lock: reported as that, once
    const label = FAMILIES[ev.family].singleton ? FAMILIES[ev.family].label : `'${ev.name}'`;
    out.push(make(ev.site, `${label}${UNTAKEN_RELEASE_TEXT}`, []));
  }
  return out;
}

function contractFindings(input: LockPairInput, make: Make): Finding[] {
  const out: Finding[] = [];
  const { contract } = input;
  const check = (identity: string, wantHeld: boolean, why: string): void => {
    for (const exit of input.interpretation.exits) {
      const lock = [...exit.state.locks.values()].find((l) => identityOf(l) === identity);
      if (!lock) continue;
      if (isHeld(lock) !== wantHeld && exit.node.span) {
        out.push(make(exit.node.span, `'${identity}' is ${wantHeld ? 'not held' : 'still held'} at this exit, but the function is annotated ${why}`, []));
        return;
      }
    }
  };
  for (const id of contract.mustHold) check(id, true, `__must_hold(${id})`);
  for (const id of contract.releases) if (!contract.acquires.includes(id)) check(id, false, `__releases(${id})`);
  for (const id of contract.acquires) if (!contract.releases.includes(id)) check(id, true, `__acquires(${id})`);
  return out;
}

export function toRange(span: Span): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: span.startRow + 1, column: span.startColumn + 1, endLine: span.endRow + 1, endColumn: span.endColumn + 1 };
}

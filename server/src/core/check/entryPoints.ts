// The file's entry points — functions a kernel API starts holding no lock (model/entryPoints.ts) — decide
// what their callees left to the callers: a requirement no function on the way decided (a PMD cleared by a
// helper whose callers were to hold the rmap lock) is unmet there, since nothing was held on entry and
// nothing on the way took it. Reported on the line that needs it, in the function it is in.
import type { Span } from '../cfg/types';
import type { Finding } from '../findings';
import { FAMILIES } from '../model/api';
import { ENTRY_REGISTRATIONS } from '../model/entryPoints';
import { assumedFeature, type KernelFacts } from '../model/kernels';
import type { RequirementId } from '../model/protocol';
import { RULES } from '../rules';
import { inParameterNames } from './identity';
import { LOCK_PAIR, toRange } from './lockPair';
import { UNMET_WITHOUT_LOCKS } from './requirements';
import type { FunctionSummary } from './summary';

const REGISTRATION = new RegExp(`\\b(${ENTRY_REGISTRATIONS.map((r) => r.name).join('|')})\\s*\\(`, 'g');

/** Whether the text may register an entry point: most files do not, and need no closer look. */
export function mayRegisterEntryPoints(text: string): boolean {
  return text.includes('kthread_') || text.includes('_WORK');
}

/**
 * The functions of `functions` that the code (without comments) registers as entry points
 * (`kthread_run(khugepaged, NULL, "khugepaged")`, `DECLARE_WORK(name, fn)`), with what each becomes.
 */
export function registeredEntryPoints(code: string, functions: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of code.matchAll(REGISTRATION)) {
    const registration = ENTRY_REGISTRATIONS.find((r) => r.name === m[1])!;
    const fn = argumentsAt(code, m.index + m[0].length)[registration.fnArg]?.trim().replace(/^&\s*/, '');
    if (fn && functions.has(fn)) out.set(fn, registration.context);
  }
  return out;
}

/** The top-level arguments of the call whose argument list starts at `from` (just after its parenthesis). */
function argumentsAt(code: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < code.length && i < from + 2000; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ')' || c === ',') {
      args.push(code.slice(start, i));
      start = i + 1;
      if (c === ')') return args;
    } else if (c === ';') break;
  }
  return args;
}

export interface EntryPoint {
  name: string;
  params: readonly string[];
  /** What the kernel makes of it: "a kernel thread". */
  context: string;
  /** Where its definition starts. */
  site: Span;
  summary: FunctionSummary | undefined;
}

/**
 * The requirements the entry point's summary still carries that an entry holding no lock leaves unmet, one
 * finding per line and rule (PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS names every lock missing at once). Only lines of
 * this file's functions (`functions`): a header's requirement has its line elsewhere.
 */
export function unmetAtEntryPoint(file: string, root: EntryPoint, kernel: KernelFacts, functions: ReadonlySet<string>,
  takes: (fn: string, locks: readonly string[]) => boolean): Finding[] {
  const byPlace = new Map<string, { finding: Finding; needs: string[]; chain: string; callee: string; assumes?: string }>();
  for (const req of root.summary?.requires ?? []) {
    const unmet = UNMET_WITHOUT_LOCKS[req.id as RequirementId];
    const has = unmet?.feature ? kernel[unmet.feature] : 'yes';
    const inFunction = req.origin.function || root.name;
    if (!unmet || has === 'no' || !functions.has(inFunction)) continue;
    // `via` nests the calls on the way: "khugepaged_do_scan() (… (pmdp_collapse_flush() at line 1201))".
    const calls = [...req.via.matchAll(/(\w+)\(\)/g)].map((m) => m[1]);
    const way = [root.name, ...calls.slice(0, -1)];
    // A function on the way takes such a lock, on paths this one did not follow: a condition decides when it
    // is needed (mm/mremap.c move_pgt_entry() takes the rmap locks only `if (need_rmap_locks)`, a value
    // copy_vma() computes), and the analysis did not tie it to this path. Not decided here.
    if (way.some((fn) => takes(fn, unmet.locks))) continue;
    const key = `${req.origin.site.startRow}:${req.origin.site.startColumn}:${unmet.rule}`;
    let place = byPlace.get(key);
    if (!place) {
      const chain = way.map((fn) => `${fn}()`).join(' → ');
      place = {
        needs: [], chain, callee: /^[\w>.-]+(?=\()/.exec(req.origin.text)?.[0] ?? req.origin.text,
        finding: {
          file, ...toRange(req.origin.site), rule: unmet.rule, function: inFunction, severity: RULES[unmet.rule]?.severity ?? 'warning', message: '',
          related: [{ ...toRange(root.site), message: `${root.name}() starts here as ${root.context}, holding no lock` }],
        },
      };
      byPlace.set(key, place);
    }
    if (!place.needs.includes(unmet.needs)) place.needs.push(unmet.needs);
    if (has === 'unknown') place.assumes = assumedFeature(unmet.feature!);
  }
  return [...byPlace.values()].map(({ finding, needs, chain, callee, assumes }) => ({
    ...finding,
    severity: assumes ? 'warning' : finding.severity,
    message: `${callee}(): needs ${needs.join(' and ')}, which nothing takes on the way from ${chain}, ${root.context} entered holding no lock` +
      (assumes ? ` (${assumes})` : ''),
  }));
}

/**
 * Releases of locks no function on the way from the entry point took (the summary's releases that carry where
 * they are): a lock released that nothing held, one finding per line (LOCK-PAIR). `anon_vma_unlock_write()`
 * reached from khugepaged() with its `anon_vma_lock_write()` deleted.
 */
export function unmatchedReleasesAtEntryPoint(file: string, root: EntryPoint, functions: ReadonlySet<string>): Finding[] {
  const out = new Map<string, Finding>();
  for (const effect of (root.summary?.outcomes ?? []).flatMap((o) => o.effects)) {
    const origin = effect.origin;
    if (!origin || (effect.op !== 'release' && effect.op !== 'release-all') || !functions.has(origin.function)) continue;
    const key = `${origin.site.startRow}:${origin.site.startColumn}`;
    if (out.has(key)) continue;
    const traits = FAMILIES[effect.family];
    const what = traits.singleton ? `the ${traits.label}` : effect.op === 'release-all' ? `a lock (${traits.label})` : `${traits.label} '${inParameterNames(effect.identity, root.params) ?? effect.identity}'`;
    out.set(key, {
      file, ...toRange(origin.site), rule: LOCK_PAIR, function: origin.function, severity: 'error',
      message: `${origin.text} releases ${what} that nothing took on the way from ${root.name}(), ${root.context} entered holding no lock`,
      related: [{ ...toRange(root.site), message: `${root.name}() starts here as ${root.context}, holding no lock` }],
    });
  }
  return [...out.values()];
}

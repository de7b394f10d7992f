// Abstract values of C expressions: enough to follow trylocks, NULL checks, and functions whose return value
// says whether they dropped a lock (`if (result != SCAN_SUCCEED) goto out_nolock;`).
import type { Expr } from '../cfg/types';
import { FLAG_MASKS, isFlagBit, type ReturnSpec } from '../model/api';
import type { Value } from './state';

const ZERO: Value = { eq: '0', truth: false };

/** ALL_CAPS identifiers are enumerators or macros: distinct names are distinct values. */
export function isNamedConstant(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) && name !== 'NULL';
}

export function constValue(text: string): Value {
  if (text === 'NULL' || text === 'false' || text === '0' || text === '0UL' || text === '0L') return ZERO;
  if (text === 'true') return { eq: '1', truth: true };
  const n = Number(text.replace(/[uUlL]+$/, ''));
  if (!Number.isNaN(n)) return { eq: String(n), truth: n !== 0 };
  if (text.startsWith('"')) return { truth: true };
  return {};
}

/** The value of a constant-like expression (literal, named constant, -ERRNO), or undefined. */
export function literalValue(e: Expr): Value | undefined {
  if (e.kind === 'const') return constValue(e.text);
  if (e.kind === 'ident' && (e.name === 'NULL' || e.name === 'true' || e.name === 'false')) return constValue(e.name);
  if (e.kind === 'ident' && isNamedConstant(e.name)) return isFlagBit(e.name) ? { eq: e.name, truth: true } : { eq: e.name };
  if (e.kind === 'unary' && e.op === '-' && e.arg.kind === 'ident' && isNamedConstant(e.arg.name)) {
    return { eq: `-${e.arg.name}`, truth: true };
  }
  if (e.kind === 'unary' && e.op === '-' && e.arg.kind === 'const') return constValue(`-${e.arg.text}`);
  return undefined;
}

export function isZeroLiteral(e: Expr): boolean {
  const v = literalValue(e);
  return v !== undefined && v.truth === false;
}

export function valueForReturnSpec(spec: ReturnSpec): Value {
  if (spec === 'zero') return ZERO;
  if (spec === 'nonzero') return { truth: true, ne: ['0'] };
  if (spec === 'negative') return { truth: true, ne: ['0'], negative: true };
  if (spec === 'valid-pointer') return { truth: true, ne: ['0', 'ERR_PTR'] };
  if (spec === 'error-pointer') return { eq: 'ERR_PTR', truth: true };
  if (spec === 'any') return {};
  if ('eq' in spec) return { eq: spec.eq, truth: spec.eq === '0' ? false : isFlagBit(spec.eq) ? true : undefined };
  if ('clear' in spec) return { clear: [spec.clear] };
  return { ne: [spec.ne] };
}

/** Whether a and b are equal: true, false, or undefined when the path does not know. */
export function compareValues(a: Value, b: Value): boolean | undefined {
  if (a.eq !== undefined && b.eq !== undefined) return a.eq === b.eq;
  if (a.eq !== undefined && b.ne?.includes(a.eq)) return false;
  if (b.eq !== undefined && a.ne?.includes(b.eq)) return false;
  if (a.truth !== undefined && b.truth !== undefined && a.truth !== b.truth) return false;
  if (a.negative !== undefined && b.negative === undefined && isNegative(b) !== undefined && isNegative(b) !== a.negative) return false;
  if (b.negative !== undefined && a.negative === undefined && isNegative(a) !== undefined && isNegative(a) !== b.negative) return false;
  // One has a bit of a mask set that the other is known clear of, or is 0.
  // Or exactly some flags (`FOLL_TOUCH|FOLL_WRITE`) and a mask of which it has none, or a flag known clear.
  const apart = (x: Value, y: Value) => {
    const exact = exactFlags(y);
    return (x.bits ?? []).some((m) => y.eq === '0' || (y.clear ?? []).some((c) => within(m, c)) || (exact !== undefined && !flagsOf(m).some((f) => exact.includes(f)))) ||
      (exact !== undefined && (x.clear ?? []).some((m) => flagsOf(m).some((f) => exact.includes(f))));
  };
  if (apart(a, b) || apart(b, a)) return false;
  return undefined;
}

/**
 * A flag mask as written in a test (`VM_FAULT_LOCKED`, `(VM_FAULT_ERROR | VM_FAULT_NOPAGE)`): its named flags
 * sorted and joined by '|'; undefined for anything else.
 */
export function flagMask(e: Expr): string | undefined {
  const flags = (x: Expr): string[] | undefined => {
    if (x.kind === 'ident' && isNamedConstant(x.name)) return [...(FLAG_MASKS.get(x.name) ?? [x.name])];
    if (x.kind === 'binary' && x.op === '|') {
      const l = flags(x.left);
      const r = flags(x.right);
      return l && r ? [...l, ...r] : undefined;
    }
    return undefined;
  };
  const f = flags(e);
  return f && [...new Set(f)].sort().join('|');
}

const flagsOf = (mask: string) => mask.split('|');
/** A named flag that stands for itself, not for a mask of others (VM_FAULT_ERROR). */
const isSingleFlag = (f: string) => isNamedConstant(f) && !FLAG_MASKS.has(f);

/** The single flags a value is exactly made of (`FOLL_TOUCH`, `FOLL_TOUCH|FOLL_WRITE`), if it is. */
function exactFlags(v: Value): string[] | undefined {
  const flags = v.eq?.split('|');
  return flags?.every(isSingleFlag) ? flags : undefined;
}

/** The masks of the lists, once each, in order: how bits and clear stay comparable (sameValue). */
const masks = (...lists: (readonly string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))].sort();
const within = (inner: string, outer: string) => flagsOf(inner).every((f) => flagsOf(outer).includes(f));

/** `v & MASK`: known when v is one of its flags, carries a set mask inside it, is known clear of it, or is 0. */
export function testMask(v: Value, mask: string): boolean | undefined {
  if (v.eq !== undefined && flagsOf(mask).includes(v.eq)) return true;
  // Exactly these flags (`FOLL_TOUCH | FOLL_WRITE`, ORed from named flags): any of the mask's is among them or not.
  const exact = exactFlags(v);
  if (exact && exact.length > 1 && flagsOf(mask).every(isSingleFlag)) return flagsOf(mask).some((f) => exact.includes(f));
  if (v.truth === false) return false;
  // A named flag tested with `&` is one bit: another one, known exactly, has none of the mask's.
  if (v.eq !== undefined && isNamedConstant(v.eq) && !FLAG_MASKS.has(v.eq)) return false;
  // An outcome declared as "not this flag" (api.ts do_swap_page(): not VM_FAULT_RETRY).
  if (flagsOf(mask).every((f) => v.ne?.includes(f))) return false;
  if (v.bits?.some((b) => within(b, mask))) return true;
  if (v.clear?.some((c) => within(mask, c))) return false;
  return undefined;
}

/** What a path learns from `v & MASK` taken (some bit set) or not (none set). */
export function refineMask(v: Value, mask: string, set: boolean): Value {
  if (set) return { ...v, bits: masks(v.bits, [mask]), truth: true };
  return { ...v, clear: masks(v.clear, [mask]) };
}

/** A value known only as true (nonzero) or false (0). */
export function truthValue(truth: boolean): Value {
  return truth ? { truth: true } : ZERO;
}

/** What a path learns about a value from a branch on its truthiness. */
export function refineTruth(v: Value, truth: boolean): Value | null {
  if (v.truth !== undefined) return v.truth === truth ? v : null;
  if (!truth) return v.ne?.includes('0') ? null : ZERO;
  return { ...v, truth: true };
}

export function sameValue(a: Value, b: Value): boolean {
  if (a.eq !== b.eq || a.truth !== b.truth || a.negative !== b.negative || a.errno !== b.errno || (a.ne?.length ?? 0) !== (b.ne?.length ?? 0)) return false;
  if ((a.bits ?? []).join(',') !== (b.bits ?? []).join(',') || (a.clear ?? []).join(',') !== (b.clear ?? []).join(',')) return false;
  return !a.ne || a.ne.every((x, i) => x === b.ne![i]);
}

/**
 * What two values have in common, for a condition that holds on either of two paths: the same exact value,
 * truth and sign, the excluded values and flag masks known set or clear on both. Undefined when nothing is.
 */
export function commonValue(a: Value, b: Value): Value | undefined {
  if (sameValue(a, b)) return a;
  const both = (x: string[] | undefined, y: string[] | undefined) => (x ?? []).filter((m) => (y ?? []).includes(m));
  const out: Value = {
    ...(a.eq !== undefined && a.eq === b.eq ? { eq: a.eq } : {}),
    ...(a.truth !== undefined && a.truth === b.truth ? { truth: a.truth } : {}),
    ...(a.negative !== undefined && a.negative === b.negative ? { negative: a.negative } : {}),
    ...(a.errno !== undefined && a.errno === b.errno ? { errno: a.errno } : {}),
    ...(both(a.ne, b.ne).length > 0 ? { ne: both(a.ne, b.ne) } : {}),
    ...(both(a.bits, b.bits).length > 0 ? { bits: both(a.bits, b.bits) } : {}),
    ...(both(a.clear, b.clear).length > 0 ? { clear: both(a.clear, b.clear) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `a | b`: the flag masks either side is known to carry (`ret | VM_FAULT_LOCKED`), and non-zero once any is
 * set. What `a` was known clear of stays clear only when `b` is exactly known (a named flag or 0).
 */
export function orValues(a: Value, b: Value): Value {
  if (a.eq === '0') return b;
  if (b.eq === '0') return a;
  // Named flags ORed together are exactly those flags (mm/gup.c populate_vma_page_range()'s `gup_flags`).
  const exactA = exactFlags(a);
  const exactB = exactFlags(b);
  if (exactA && exactB) {
    const all = masks(exactA, exactB);
    return { eq: all.join('|'), bits: all, truth: true };
  }
  const exact = (v: Value) => v.eq !== undefined && isNamedConstant(v.eq);
  const setIn = (v: Value) => (exact(v) ? [v.eq!] : v.bits);
  const bits = masks(setIn(a), setIn(b));
  const keep = (v: Value, other: Value) => (exact(other) ? (v.clear ?? []).filter((m) => !flagsOf(m).includes(other.eq!)) : []);
  const clear = masks(keep(a, b), keep(b, a));
  if (bits.length === 0) return {};
  return clear.length > 0 ? { bits, clear, truth: true } : { bits, truth: true };
}

/** Whether the value is below zero: a negative error code, a negative literal or `-ERRNO`; 0 is not. */
export function isNegative(v: Value): boolean | undefined {
  if (v.negative || v.eq?.startsWith('-')) return true;
  if (v.eq === '0' || v.truth === false || v.negative === false) return false;
  return undefined;
}

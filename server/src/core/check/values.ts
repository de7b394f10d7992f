// Abstract values of C expressions: enough to follow trylocks, NULL checks, and functions whose return value
// says whether they dropped a lock (`if (result != SCAN_SUCCEED) goto out_nolock;`).
import type { Expr } from '../cfg/types';
import type { ReturnSpec } from '../model/api';
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
  if (e.kind === 'ident' && isNamedConstant(e.name)) return { eq: e.name };
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
  if (spec === 'valid-pointer') return { truth: true, ne: ['0', 'ERR_PTR'] };
  if (spec === 'error-pointer') return { eq: 'ERR_PTR', truth: true };
  if ('eq' in spec) return { eq: spec.eq, truth: spec.eq === '0' ? false : undefined };
  return { ne: [spec.ne] };
}

/** Whether a and b are equal: true, false, or undefined when the path does not know. */
export function compareValues(a: Value, b: Value): boolean | undefined {
  if (a.eq !== undefined && b.eq !== undefined) return a.eq === b.eq;
  if (a.eq !== undefined && b.ne?.includes(a.eq)) return false;
  if (b.eq !== undefined && a.ne?.includes(b.eq)) return false;
  if (a.truth !== undefined && b.truth !== undefined && a.truth !== b.truth) return false;
  return undefined;
}

/** `v & FLAG`: known when v is exactly FLAG or known not to be it. */
export function testFlag(v: Value, flag: Value): boolean | undefined {
  if (flag.eq === undefined) return undefined;
  if (v.eq !== undefined && v.eq === flag.eq) return true;
  if (v.ne?.includes(flag.eq)) return false;
  if (v.truth === false) return false;
  return undefined;
}

/** What a path learns about a value from a branch on its truthiness. */
export function refineTruth(v: Value, truth: boolean): Value | null {
  if (v.truth !== undefined) return v.truth === truth ? v : null;
  if (!truth) return v.ne?.includes('0') ? null : ZERO;
  return { ...v, truth: true };
}

export function sameValue(a: Value, b: Value): boolean {
  if (a.eq !== b.eq || a.truth !== b.truth || (a.ne?.length ?? 0) !== (b.ne?.length ?? 0)) return false;
  return !a.ne || a.ne.every((x, i) => x === b.ne![i]);
}

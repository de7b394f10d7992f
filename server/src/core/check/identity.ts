// Lock identities as text: the expression that names a lock (`&vma->anon_vma` is `vma->anon_vma`), the
// callee-relative form summaries use (`$0->lock`, `$ret->lock`), and how a caller's call instantiates it.
import type { Expr } from '../cfg/types';

export function exprText(e: Expr): string {
  return e.kind === 'ident' ? e.name : e.text;
}

/** The text without leading `&` and enclosing parentheses. */
export function lockIdentity(text: string): string {
  let t = text;
  for (;;) {
    const next = t.replace(/^&/, '').replace(/^\((.*)\)$/, '$1');
    if (next === t) return t;
    t = next;
  }
}

/** A summary identity's root that stands for the returned value: `$ret->lock`. */
export const RETURNED = '$ret';

/** `*$3`: what the callee's parameter 3 points to (an object handed back through `struct folio **foliop`). */
const POINTEE = /^\*\$(\d+)$/;

/**
 * What a pointer argument points to, as a lock identity: `folio` for `&folio`, `*foliop` for a pointer the
 * caller was itself passed; undefined for anything else.
 */
export function pointedTo(text: string): string | undefined {
  return text.startsWith('&') ? lockIdentity(text) : /^[A-Za-z_]\w*$/.test(text) ? `*${text}` : undefined;
}

/**
 * A callee-relative identity (`$0->lock`, `$ret->lock`, a global's name) in the caller's terms at `call`: the
 * argument's text, or the variable the result is assigned to; undefined when that is missing.
 */
export function instantiate(identity: string, call: Expr & { kind: 'call' }, resultTarget?: string): string | undefined {
  // The returned object: the variable the caller assigns it to (none: the caller drops it).
  if (identity.startsWith(RETURNED)) return resultTarget === undefined ? undefined : lockIdentity(resultTarget + identity.slice(RETURNED.length));
  const pointee = POINTEE.exec(identity);
  if (pointee) {
    const arg = call.args[Number(pointee[1])];
    return arg && pointedTo(exprText(arg));
  }
  const m = /^\$(\d+)(.*)$/.exec(identity);
  if (!m) return identity;
  const arg = call.args[Number(m[1])];
  if (!arg) return undefined;
  return lockIdentity(argumentPath(exprText(arg), m[2]));
}

/**
 * The caller's name for field `path` (`->anon_vma`) of a callee's parameter given `text`: `vp.anon_vma` for
 * `&vp` (mm/vma.c passes its on-stack `struct vma_prepare` by address), `vma->anon_vma` for `vma`.
 */
export function argumentPath(text: string, path: string): string {
  const local = /^&\s*([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*)$/.exec(text);
  return local && path.startsWith('->') ? `${local[1]}.${path.slice(2)}` : text + path;
}

/** Whether the lock `identity` is the object's own or one inside it (`folio`, `vmf->page`, `range.lock`). */
export function within(identity: string, object: string): boolean {
  return identity === object || identity.startsWith(`${object}->`) || identity.startsWith(`${object}.`);
}

/** A global lock by its name (`khugepaged_mm_lock`): the same lock in every function. */
export function isGlobalLockName(identity: string): boolean {
  return /^[a-z_]\w*_lock$/.test(identity);
}

/** The name a lock identity or field path starts from (`vma` of `vma->anon_vma`, `root` of `root@entry->rwsem`). */
export function rootOf(identity: string): string {
  return /^[A-Za-z_]\w*/.exec(identity)?.[0] ?? '';
}

/**
 * A callee-relative identity (`$0->lock`) in the function's own parameter names (`vma->lock`); a global's name
 * as it is; undefined when the function has no such parameter.
 */
export function inParameterNames(identity: string, params: readonly string[]): string | undefined {
  const pointee = POINTEE.exec(identity);
  if (pointee) return params[Number(pointee[1])] === undefined ? undefined : `*${params[Number(pointee[1])]}`;
  const m = /^\$(\d+)(.*)$/.exec(identity);
  if (!m) return identity;
  const param = params[Number(m[1])];
  return param === undefined ? undefined : `${param}${m[2]}`;
}

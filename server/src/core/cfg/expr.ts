// Converts tree-sitter expression nodes into the small Expr language of cfg/types.ts.
// Kernel idioms are unwrapped here once, so the interpreter never sees them: likely()/unlikely(),
// casts, parentheses, and GNU statement expressions (`({ ... })`), whose statements become the parts of an
// opaque expression evaluated in order.
import type { Node } from 'web-tree-sitter';
import type { Expr, Span } from './types';

/** Calls that only annotate a value for the compiler: `if (unlikely(!pte))` is `if (!pte)`. */
const TRANSPARENT_CALLS = new Set(['likely', 'unlikely', 'READ_ONCE', 'data_race']);

export function spanOf(node: Node): Span {
  return {
    startRow: node.startPosition.row,
    startColumn: node.startPosition.column,
    endRow: node.endPosition.row,
    endColumn: node.endPosition.column,
  };
}

/** The same place in the source, to the column at both ends. */
export function sameSpan(a: Span, b: Span): boolean {
  return a.startRow === b.startRow && a.startColumn === b.startColumn && a.endRow === b.endRow && a.endColumn === b.endColumn;
}

/** Source text without whitespace or comments, so `vma->anon_vma` and `vma -> anon_vma` are the same lock. */
export function normalizeText(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, '');
}

export function toExpr(node: Node): Expr {
  const span = spanOf(node);
  const text = () => normalizeText(node.text);
  switch (node.type) {
    case 'identifier':
    case 'field_identifier':
      return { kind: 'ident', name: node.text, span };
    case 'number_literal':
    case 'char_literal':
    case 'string_literal':
    case 'concatenated_string':
    case 'true':
    case 'false':
    case 'null':
      return { kind: 'const', text: node.text, span };
    case 'parenthesized_expression': {
      const inner = node.namedChildren.filter(isPresent);
      if (inner.length === 1 && inner[0].type === 'compound_statement') {
        return { kind: 'opaque', parts: statementExpressionParts(inner[0]), span, text: text() };
      }
      return inner.length === 1 ? toExpr(inner[0]) : opaque(node);
    }
    case 'cast_expression': {
      const value = node.childForFieldName('value');
      return value ? toExpr(value) : opaque(node);
    }
    case 'call_expression':
      return callExpr(node);
    case 'conditional_expression': {
      const out = opaque(node);
      const [condition, consequence, alternative] = ['condition', 'consequence', 'alternative'].map((f) => node.childForFieldName(f));
      return out.kind === 'opaque' && condition && consequence && alternative
        ? { ...out, ternary: { condition: toExpr(condition), consequence: toExpr(consequence), alternative: toExpr(alternative) } } : out;
    }
    case 'unary_expression':
    case 'pointer_expression': {
      const arg = node.childForFieldName('argument');
      const op = node.childForFieldName('operator')?.text ?? node.child(0)?.text ?? '';
      if (!arg) return opaque(node);
      return { kind: 'unary', op, arg: toExpr(arg), span, text: text() };
    }
    case 'binary_expression': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? '';
      if (!left || !right) return opaque(node);
      return { kind: 'binary', op, left: toExpr(left), right: toExpr(right), span, text: text() };
    }
    case 'assignment_expression': {
      const target = node.childForFieldName('left');
      const value = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? '=';
      if (!target || !value) return opaque(node);
      return { kind: 'assign', op, target: toExpr(target), value: toExpr(value), span, text: text() };
    }
    case 'update_expression': {
      const target = node.childForFieldName('argument');
      const prefix = node.child(0)?.type === '++' || node.child(0)?.type === '--';
      if (!target) return opaque(node);
      // tree-sitter-c 0.24 parses `!pte++` as `(!pte)++` (and `*p++` as `(*p)++`); in C the postfix operator
      // binds tighter, so move it inside: `!(pte++)`, as __collapse_huge_page_swapin() means it.
      if (!prefix && (target.type === 'unary_expression' || target.type === 'pointer_expression')) {
        const inner = target.childForFieldName('argument');
        const op = target.childForFieldName('operator')?.text ?? target.child(0)?.text ?? '';
        if (inner) {
          const update: Expr = { kind: 'update', target: toExpr(inner), prefix: false, span, text: `${normalizeText(inner.text)}++` };
          return { kind: 'unary', op, arg: update, span, text: text() };
        }
      }
      return { kind: 'update', target: toExpr(target), prefix, span, text: text() };
    }
    default:
      return opaque(node);
  }
}

function callExpr(node: Node): Expr {
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  const args = argList ? argList.namedChildren.filter(isPresent).filter((a) => a.type !== 'comment').map(toExpr) : [];
  const callee = fn ? calleeName(fn) : '';
  if (TRANSPARENT_CALLS.has(callee) && args.length === 1) return args[0];
  return { kind: 'call', callee, args, span: spanOf(node), text: normalizeText(node.text) };
}

/** `foo(...)` → foo; `guard(spinlock)(&l)` → guard(spinlock); `ops->fn(...)` → ops->fn. */
function calleeName(fn: Node): string {
  if (fn.type === 'identifier') return fn.text;
  return normalizeText(fn.text);
}

function opaque(node: Node): Expr {
  const parts = node.namedChildren
    .filter(isPresent)
    .filter((c) => c.type !== 'comment' && !c.type.endsWith('type_descriptor') && c.type !== 'type_identifier' &&
      c.type !== 'primitive_type' && c.type !== 'field_identifier')
    .map((c) => (c.type === 'compound_statement' ? { kind: 'opaque' as const, parts: statementExpressionParts(c), span: spanOf(c), text: '' } : toExpr(c)));
  return { kind: 'opaque', parts, span: spanOf(node), text: normalizeText(node.text) };
}

/** The statements of `({ ... })` as expressions evaluated in order (declarations contribute their initializers). */
function statementExpressionParts(block: Node): Expr[] {
  const parts: Expr[] = [];
  for (const stmt of block.namedChildren) {
    if (!stmt) continue;
    if (stmt.type === 'expression_statement') {
      const e = stmt.namedChildren.find((c) => c && c.type !== 'comment');
      if (e) parts.push(toExpr(e));
    } else if (stmt.type === 'declaration') {
      parts.push(...declarationAssignments(stmt));
    }
  }
  return parts;
}

/** `spinlock_t *ptl = pmd_lock(mm, pmd);` → the assignment `ptl = pmd_lock(mm, pmd)`. */
export function declarationAssignments(decl: Node): Expr[] {
  const out: Expr[] = [];
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d || d.type !== 'init_declarator') continue;
    const name = declaredName(d.childForFieldName('declarator'));
    const value = d.childForFieldName('value');
    if (!name || !value || value.type === 'initializer_list') continue;
    out.push({
      kind: 'assign', op: '=', target: { kind: 'ident', name: name.text, span: spanOf(name) },
      value: toExpr(value), span: spanOf(d), text: normalizeText(d.text),
    });
  }
  return out;
}

export function declaredName(node: Node | null): Node | null {
  let cur = node;
  while (cur && cur.type !== 'identifier') {
    cur = cur.childForFieldName('declarator') ?? cur.namedChildren.find((c) => c?.type === 'identifier') ?? null;
  }
  return cur;
}

function isPresent(n: Node | null): n is Node {
  return n !== null && !n.isMissing;
}

// Builds the control-flow graph of one function_definition: if/else, switch/case/default with fallthrough,
// for/while/do, break/continue, goto and labels, return, noreturn calls, kernel iterator macros
// (`list_for_each_entry(...) {` parses as a call, a MISSING ";" and a block: a loop here), cleanup.h
// guard()/scoped_guard() (released on every exit from their scope), and #if/#ifdef blocks (a branch on the
// preprocessor condition, so two blocks under the same condition stay correlated on each path).
import type { Node } from 'web-tree-sitter';
import { BUG_ON_MACROS, NORETURN_FUNCTIONS, WARN_MACROS } from '../model/api';
import { declarationAssignments, declaredName, normalizeText, spanOf, toExpr } from './expr';
import type { CfgEvent, CfgNode, CfgNodeKind, Expr, FunctionCfg, Span } from './types';

type CallExpr = Expr & { kind: 'call' };

interface Scope {
  guards: CallExpr[];
}

interface JumpTarget {
  node: number;
  scopeDepth: number;
}

interface PendingGoto {
  from: number;
  label: string;
  activeGuards: CallExpr[];
}

const ITERATOR_GUARD_MACROS = new Set(['scoped_guard', 'scoped_cond_guard']);

export function buildCfg(fn: Node, name: string, params: string[]): FunctionCfg {
  return new CfgBuilder(name, params).build(fn);
}

class CfgBuilder {
  private readonly nodes: CfgNode[] = [];
  private readonly scopes: Scope[] = [];
  private readonly breakTargets: JumpTarget[] = [];
  private readonly continueTargets: JumpTarget[] = [];
  private readonly labels = new Map<string, { node: number; activeGuards: CallExpr[] }>();
  private readonly gotos: PendingGoto[] = [];
  private switchCases: number[][] = [];
  private exitNode = -1;

  constructor(private readonly name: string, private readonly params: string[]) {}

  build(fn: Node): FunctionCfg {
    const entry = this.node('entry');
    this.exitNode = this.node('exit');
    // A function's body, or the block that is one (a SYSCALL_DEFINE body, parse/functions.ts).
    const body = fn.type === 'compound_statement' ? fn : fn.childForFieldName('body');
    const start = this.node('block');
    this.edge(entry, start);
    const end = body ? this.statement(body, start) : start;
    if (end !== null) {
      // Falling off the end is an implicit `return;`.
      const ret = this.node('return', body ? endSpan(body) : undefined);
      this.nodes[ret].label = 'end of function';
      this.edge(end, ret);
      this.edge(ret, this.exitNode);
    }
    this.resolveGotos();
    const declarations = body ? body.descendantsOfType('declaration').filter((d): d is Node => d !== null) : [];
    const locals = [
      ...declarations.flatMap((d) => declaredNames(d)),
      ...(body ? body.descendantsOfType('call_expression').flatMap((c) => macroDeclaredName(c)) : []),
    ];
    const frameObjects = declarations.flatMap((d) => declaredObjects(d));
    return { name: this.name, params: this.params, locals: [...new Set(locals)], frameObjects: [...new Set(frameObjects)], nodes: this.nodes, entry, exit: this.exitNode };
  }

  private node(kind: CfgNodeKind, span?: Span): number {
    const id = this.nodes.length;
    this.nodes.push({ id, kind, events: [], succ: [], span });
    return id;
  }

  private edge(from: number, to: number): void {
    this.nodes[from].succ.push(to);
  }

  /** A fresh block that `cur` falls into. */
  private continueFrom(cur: number | null): number {
    const next = this.node('block');
    if (cur !== null) this.edge(cur, next);
    return next;
  }

  private activeGuards(fromDepth = 0): CallExpr[] {
    return this.scopes.slice(fromDepth).flatMap((s) => s.guards);
  }

  private releaseGuards(node: number, guards: CallExpr[], span?: Span): void {
    for (const acquire of [...guards].reverse()) {
      this.nodes[node].events.push({ kind: 'guard-release', acquire, span: span ?? acquire.span });
    }
  }

  /** Builds `s` with control arriving at block `cur`; returns the block where control continues, or null. */
  private statement(s: Node, cur: number | null): number | null {
    if (cur === null) {
      // Unreachable code still matters when a label inside it is a goto target.
      if (!containsEntryPoint(s)) return null;
      cur = this.node('block');
    }
    switch (s.type) {
      case 'compound_statement':
        return this.block(s.namedChildren.filter(isNode), cur);
      case 'expression_statement':
        return this.expressionStatement(s, cur);
      case 'declaration': {
        const unset = declaredWithoutValue(s);
        if (unset.length > 0) this.nodes[cur].events.push({ kind: 'declare', names: unset });
        let at: number | null = cur;
        for (const e of declarationAssignments(s)) {
          const armed = e.kind === 'assign' ? nullArmTernary(e) : undefined;
          if (armed) at = this.armed(at, armed);
          else if (at !== null) this.eval(at, e);
        }
        return at;
      }
      case 'if_statement':
        return this.ifStatement(s, cur);
      case 'while_statement':
        return this.loop(cur, s.childForFieldName('condition'), s.childForFieldName('body'), null, null);
      case 'for_statement':
        return this.forStatement(s, cur);
      case 'do_statement':
        return this.doStatement(s, cur);
      case 'switch_statement':
        return this.switchStatement(s, cur);
      case 'case_statement':
        return this.caseStatement(s, cur);
      case 'break_statement':
        return this.jump(cur, this.breakTargets.at(-1), s);
      case 'continue_statement':
        return this.jump(cur, this.continueTargets.at(-1), s);
      case 'return_statement':
        return this.returnStatement(s, cur);
      case 'goto_statement': {
        const label = s.childForFieldName('label')?.text ?? '';
        const from = this.node('block', spanOf(s));
        this.nodes[from].label = `goto ${label}`;
        this.nodes[from].braced = s.parent?.type === 'compound_statement';
        this.edge(cur, from);
        this.gotos.push({ from, label, activeGuards: this.activeGuards() });
        return null;
      }
      case 'labeled_statement': {
        const label = s.childForFieldName('label')?.text ?? '';
        const target = this.labelNode(label);
        this.edge(cur, target);
        const inner = s.namedChildren.filter(isNode).find((c) => c.type !== 'statement_identifier');
        return inner ? this.statement(inner, target) : target;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
        return this.preprocessorIf(s, cur);
      case 'preproc_else':
        return this.block(s.namedChildren.filter(isNode), cur);
      case 'attributed_statement': {
        const inner = s.namedChildren.filter(isNode).find((c) => c.type !== 'attribute_declaration');
        return inner ? this.statement(inner, cur) : cur;
      }
      case 'ERROR':
        // Best effort inside a parse error: keep every statement and call we can recognise.
        return this.block(s.namedChildren.filter(isNode), cur);
      case 'comment':
      case 'type_definition':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        return cur;
      default:
        if (isExpressionNode(s)) this.eval(cur, toExpr(s));
        return cur;
    }
  }

  /** A statement list, with the iterator-macro and guard idioms recognised across sibling statements. */
  private block(children: Node[], cur: number | null): number | null {
    this.scopes.push({ guards: [] });
    for (let i = 0; i < children.length; i++) {
      const s = children[i];
      const macro = iteratorMacroCall(s);
      const body = children[i + 1];
      if (macro && body && isStatementNode(body)) {
        const call = toExpr(macro) as CallExpr;
        cur = ITERATOR_GUARD_MACROS.has(call.callee)
          ? this.scopedGuard(call, body, cur)
          : this.loop(cur, macro, body, null, null, true);
        i++;
        continue;
      }
      // `if (c) list_for_each_entry(...) stmt;` (mm/vma.c mm_drop_all_locks()): the if ends at the macro, which
      // has no semicolon, and the loop's body is the next statement.
      const consequence = s.type === 'if_statement' && !s.childForFieldName('alternative') ? s.childForFieldName('consequence') : null;
      const nested = consequence ? iteratorMacroCall(consequence) : null;
      if (nested && body && isStatementNode(body)) {
        const cond = s.childForFieldName('condition');
        const b = this.branch(cur, cond ? toExpr(cond) : undefined, cond ? spanOf(cond) : spanOf(s));
        const call = toExpr(nested) as CallExpr;
        const thenEnd = ITERATOR_GUARD_MACROS.has(call.callee)
          ? this.scopedGuard(call, body, this.continueFrom(b))
          : this.loop(this.continueFrom(b), nested, body, null, null, true);
        cur = this.join(thenEnd, this.continueFrom(b));
        i++;
        continue;
      }
      cur = this.statement(s, cur);
    }
    const scope = this.scopes.pop()!;
    if (cur !== null && scope.guards.length > 0) this.releaseGuards(cur, scope.guards);
    return cur;
  }

  private expressionStatement(s: Node, cur: number): number | null {
    const e = s.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!e) return cur;
    const expr = toExpr(e);
    if (expr.kind === 'call' && expr.args.length > 0 && (BUG_ON_MACROS.has(expr.callee) || WARN_MACROS.has(expr.callee))) {
      // `BUG_ON(c)` is `if (c) BUG();`, and a warning statement reads the same (WARN_MACROS)
      const b = this.branch(cur, expr.args[0], expr.span);
      this.nodes[b].assertion = true;
      const stop = this.node('noreturn', spanOf(s));
      this.edge(b, stop);
      this.edge(stop, this.exitNode);
      return this.continueFrom(b);
    }
    // `pte = (mm == &init_mm) ? pte_offset_kernel(...) : pte_alloc_map_lock(...)` (mm/memory.c
    // apply_to_pte_range()) runs one arm, and `f(…, locked ? locked : &local_locked)` gets one pointer: a branch
    // on the condition, which a later test of it then repeats, and the statement in each arm.
    const armed = ternaryAssignment(e) ?? ternaryArgument(e, expr) ?? (expr.kind === 'assign' ? nullArmTernary(expr) : undefined);
    if (armed) return this.armed(cur, armed);
    this.eval(cur, expr);
    if (expr.kind === 'call' && expr.callee.startsWith('guard(')) this.scopes.at(-1)?.guards.push(expr);
    if (expr.kind === 'call' && NORETURN_FUNCTIONS.has(expr.callee)) {
      const stop = this.node('noreturn', spanOf(s));
      this.edge(cur, stop);
      this.edge(stop, this.exitNode);
      return null;
    }
    return cur;
  }

  /** A branch on the condition, and the statement in each arm. */
  private armed(cur: number | null, armed: Armed): number | null {
    const b = this.branch(cur, armed.condition, armed.conditionSpan);
    const thenStart = this.continueFrom(b);
    this.eval(thenStart, armed.arms[0]);
    const elseStart = this.continueFrom(b);
    this.eval(elseStart, armed.arms[1]);
    return this.join(thenStart, elseStart);
  }

  private eval(cur: number, expr: Expr): void {
    this.nodes[cur].events.push({ kind: 'eval', expr } satisfies CfgEvent);
  }

  private branch(cur: number | null, condition: Expr | undefined, span?: Span): number {
    const b = this.node('branch', span);
    this.nodes[b].condition = condition;
    if (cur !== null) this.edge(cur, b);
    return b;
  }

  private ifStatement(s: Node, cur: number): number | null {
    const cond = s.childForFieldName('condition');
    const b = this.branch(cur, cond ? toExpr(cond) : undefined, cond ? spanOf(cond) : spanOf(s));
    const thenEnd = this.statement(s.childForFieldName('consequence')!, this.continueFrom(b));
    const alt = s.childForFieldName('alternative');
    const elseStart = this.continueFrom(b);
    const altBody = alt?.type === 'else_clause' ? alt.namedChildren.find(isNode) : alt;
    const elseEnd = altBody ? this.statement(altBody, elseStart) : elseStart;
    return this.join(thenEnd, elseEnd);
  }

  private join(...ends: (number | null)[]): number | null {
    const live = ends.filter((e): e is number => e !== null);
    if (live.length === 0) return null;
    const j = this.node('block');
    for (const e of live) this.edge(e, j);
    return j;
  }

  /**
   * A loop `while (cond) body` (or `for (;cond;update)`, or an iterator macro whose body runs zero or more
   * times). The header is a branch: true → body, false → after the loop.
   */
  private loop(cur: number | null, cond: Node | null, body: Node | null, update: Node | null,
    initDone: null, iteratorMacro = false): number | null {
    void initDone;
    const condExpr: Expr | undefined = cond
      ? iteratorMacro
        ? { kind: 'opaque', parts: [toExpr(cond)], span: spanOf(cond), text: `iterate:${normalizeText(cond.text)}` }
        : toExpr(cond)
      : undefined;
    const header = this.branch(cur, condExpr, cond ? spanOf(cond) : undefined);
    const after = this.node('block');
    const cont = update ? this.node('block') : header;
    this.breakTargets.push({ node: after, scopeDepth: this.scopes.length });
    this.continueTargets.push({ node: cont, scopeDepth: this.scopes.length });
    const bodyStart = this.continueFrom(header);
    const bodyEnd = body ? this.statement(body, bodyStart) : bodyStart;
    this.breakTargets.pop();
    this.continueTargets.pop();
    if (bodyEnd !== null) this.edge(bodyEnd, cont);
    if (update) {
      this.eval(cont, toExpr(update));
      this.edge(cont, header);
    }
    this.edge(header, after); // condition false (an absent condition is `true`: the interpreter prunes this edge)
    return after;
  }

  private forStatement(s: Node, cur: number): number | null {
    const init = s.childForFieldName('initializer');
    if (init) {
      if (init.type === 'declaration') for (const e of declarationAssignments(init)) this.eval(cur, e);
      else this.eval(cur, toExpr(init));
    }
    return this.loop(cur, s.childForFieldName('condition'), s.childForFieldName('body'), s.childForFieldName('update'), null);
  }

  private doStatement(s: Node, cur: number): number | null {
    const bodyStart = this.continueFrom(cur);
    const cond = s.childForFieldName('condition');
    const after = this.node('block');
    const header = this.node('branch', cond ? spanOf(cond) : undefined);
    this.nodes[header].condition = cond ? toExpr(cond) : undefined;
    this.breakTargets.push({ node: after, scopeDepth: this.scopes.length });
    this.continueTargets.push({ node: header, scopeDepth: this.scopes.length });
    const bodyEnd = this.statement(s.childForFieldName('body')!, bodyStart);
    this.breakTargets.pop();
    this.continueTargets.pop();
    if (bodyEnd !== null) this.edge(bodyEnd, header);
    this.edge(header, bodyStart);
    this.edge(header, after);
    return after;
  }

  /**
   * A switch on a variable is lowered to a chain of `x == value` tests, so each case knows the value (a
   * fallthrough from `case 1:` into `case 2:` still carries `x == 1`). A switch on anything else dispatches
   * to every case without knowing which.
   */
  private switchStatement(s: Node, cur: number): number | null {
    const condNode = s.childForFieldName('condition');
    const cond = condNode ? toExpr(condNode) : undefined;
    const testable = cond !== undefined && (cond.kind === 'ident' || (cond.kind === 'opaque' && /^[\w.>*-]+$/.test(cond.text)));
    if (cond && !testable) this.eval(cur, cond);
    const after = this.node('block');
    this.breakTargets.push({ node: after, scopeDepth: this.scopes.length });
    this.switchCases.push([]);
    const body = s.childForFieldName('body');
    const end = body ? this.statement(body, null) : null;
    const cases = this.switchCases.pop()!;
    this.breakTargets.pop();
    let test = cur;
    let defaultEntry: number | undefined;
    for (const c of cases) {
      const value = this.caseValues.get(c);
      if (value === null) {
        defaultEntry = c;
        continue;
      }
      if (testable && value) {
        const b = this.branch(test, { kind: 'binary', op: '==', left: cond!, right: value, span: value.span, text: `${exprText(cond)}==${exprText(value)}` }, value.span);
        this.edge(b, c);
        test = this.continueFrom(b);
      } else {
        this.edge(test, c);
      }
    }
    this.edge(test, defaultEntry ?? after);
    if (end !== null) this.edge(end, after);
    return after;
  }

  /** Case entry block → its value (null for `default:`). */
  private readonly caseValues = new Map<number, Expr | null>();

  private caseStatement(s: Node, cur: number | null): number | null {
    const entry = this.node('block', spanOf(s));
    if (cur !== null) this.edge(cur, entry); // fallthrough from the previous case
    this.switchCases.at(-1)?.push(entry);
    const valueNode = s.childForFieldName('value');
    this.caseValues.set(entry, valueNode ? toExpr(valueNode) : null);
    const body = s.namedChildren.filter(isNode).filter((c) => c.id !== valueNode?.id);
    return this.block(body, entry);
  }

  private jump(cur: number, target: JumpTarget | undefined, s: Node): null {
    if (!target) return null; // break outside a loop/switch: a parse artefact; stop this path
    const from = this.node('block', spanOf(s));
    this.edge(cur, from);
    this.releaseGuards(from, this.activeGuards(target.scopeDepth), spanOf(s));
    this.edge(from, target.node);
    return null;
  }

  private returnStatement(s: Node, cur: number): null {
    const value = s.namedChildren.find((c) => c !== null && c.type !== 'comment');
    const expr = value ? toExpr(value) : undefined;
    const armed = value && expr && ternaryArgument(value, expr);
    if (armed) {
      // `return f(…, locked ? locked : &local_locked)`: a return in each arm, as for a statement.
      const b = this.branch(cur, armed.condition, armed.conditionSpan);
      for (const arm of armed.arms) this.returnNode(s, this.continueFrom(b), arm);
      return null;
    }
    this.returnNode(s, cur, expr);
    return null;
  }

  private returnNode(s: Node, cur: number, value: Expr | undefined): void {
    const ret = this.node('return', spanOf(s));
    this.nodes[ret].label = 'return';
    this.nodes[ret].braced = s.parent?.type === 'compound_statement';
    if (value) this.nodes[ret].returnValue = value;
    this.releaseGuards(ret, this.activeGuards(), spanOf(s));
    this.edge(cur, ret);
    this.edge(ret, this.exitNode);
  }

  private labelNode(label: string): number {
    let l = this.labels.get(label);
    if (!l) {
      l = { node: this.node('block'), activeGuards: [] };
      this.labels.set(label, l);
    }
    l.activeGuards = this.activeGuards();
    return l.node;
  }

  private resolveGotos(): void {
    for (const g of this.gotos) {
      const target = this.labels.get(g.label);
      if (!target) continue; // goto to a label outside the parsed text (a patch hunk): the path ends here
      const leaving = g.activeGuards.filter((x) => !target.activeGuards.includes(x));
      this.releaseGuards(g.from, leaving, this.nodes[g.from].span);
      this.edge(g.from, target.node);
    }
  }

  /** `scoped_guard(mutex, &m) { body }`: acquire, run the body once, release. */
  private scopedGuard(call: CallExpr, body: Node, cur: number | null): number | null {
    const start = this.continueFrom(cur);
    const acquire: CallExpr = { ...call, callee: `guard(${exprText(call.args[0])})`, args: call.args.slice(1) };
    this.eval(start, acquire);
    this.scopes.push({ guards: [acquire] });
    const end = this.statement(body, start);
    this.scopes.pop();
    if (end !== null) this.releaseGuards(end, [acquire]);
    return end;
  }

  private preprocessorIf(s: Node, cur: number): number | null {
    const condNode = s.childForFieldName('condition') ?? s.childForFieldName('name');
    const directive = s.child(0)?.type ?? '#if';
    let text = condNode ? normalizeText(condNode.text) : '?';
    if (s.type === 'preproc_ifdef' || s.type === 'preproc_elifdef') {
      text = directive.includes('ifndef') ? `!defined(${text})` : `defined(${text})`;
    }
    const condition: Expr = { kind: 'opaque', parts: [], span: condNode ? spanOf(condNode) : spanOf(s), text: `#if ${text}` };
    const b = this.branch(cur, condition, condition.span);
    const alternative = s.childForFieldName('alternative');
    const body = s.namedChildren.filter(isNode).filter((c) => c !== condNode && c !== alternative);
    const thenEnd = this.block(body, this.continueFrom(b));
    const elseStart = this.continueFrom(b);
    const elseEnd = alternative ? this.statement(alternative, elseStart) : elseStart;
    return this.join(thenEnd, elseEnd);
  }
}

/** `list_for_each_entry(f, head, lru) {` → the call (tree-sitter inserts a MISSING ";" after it). */
function iteratorMacroCall(s: Node): Node | null {
  if (s.type !== 'expression_statement') return null;
  const last = s.child(s.childCount - 1);
  if (!last || !last.isMissing) return null;
  const call = s.namedChildren.find((c) => c?.type === 'call_expression');
  return call ?? null;
}

/** Declaration macros (`XA_STATE(xas, ...)`, `LIST_HEAD(list)`, `DEFINE_*`) declare their first argument. */
const DECLARATION_MACRO = /^(XA_STATE\w*|MA_STATE|VMA_ITERATOR|LIST_HEAD|HLIST_HEAD|DEFINE_\w+|DECLARE_\w+)$/;

function macroDeclaredName(call: Node): string[] {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier' || !DECLARATION_MACRO.test(fn.text)) return [];
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  return first?.type === 'identifier' ? [first.text] : [];
}

function declaredNames(decl: Node | null): string[] {
  if (!decl) return [];
  return decl.childrenForFieldName('declarator')
    .map((d) => declaredName(d))
    .filter((n): n is Node => n !== null)
    .map((n) => n.text);
}

/** A `static` or `extern` declaration inside a body: zeroed or defined elsewhere, not of this frame. */
function staticOrExtern(decl: Node): boolean {
  return decl.namedChildren.some((c) => c?.type === 'storage_class_specifier' && /^(static|extern)$/.test(c.text));
}

/** The locals a declaration makes objects of this frame: not pointers or arrays, not `static`/`extern`. */
function declaredObjects(decl: Node): string[] {
  if (staticOrExtern(decl)) return [];
  return decl.childrenForFieldName('declarator').flatMap((d) => {
    const plain = d?.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
    return plain?.type === 'identifier' ? [plain.text] : [];
  });
}

/**
 * The pointer and plain locals a declaration leaves without a value: not arrays (their elements are set one by
 * one), not `static`/`extern` ones (zeroed, or defined elsewhere).
 */
function declaredWithoutValue(decl: Node): string[] {
  if (staticOrExtern(decl)) return [];
  return decl.childrenForFieldName('declarator').flatMap((d) => {
    let cur: Node | null = d;
    while (cur?.type === 'pointer_declarator') cur = cur.childForFieldName('declarator');
    return cur?.type === 'identifier' ? [cur.text] : [];
  });
}

/** A statement expression split in two by a conditional expression: the condition, the statement in each arm. */
interface Armed {
  condition: Expr;
  conditionSpan: Span;
  arms: [Expr, Expr];
}

/** `n` without the parentheses around it. */
function unparenthesized(n: Node | null): Node | null {
  while (n?.type === 'parenthesized_expression' && n.namedChildren.filter(isNode).length === 1) n = n.namedChildren.find(isNode) ?? null;
  return n;
}

/** `a = b = value`: the targets, left to right, and the value (the node itself when it assigns nothing). */
function assignmentChain(node: Node): { targets: Node[]; value: Node | null } {
  const targets: Node[] = [];
  let value = unparenthesized(node);
  while (value?.type === 'assignment_expression' && value.childForFieldName('operator')?.text === '=') {
    targets.push(value.childForFieldName('left')!);
    value = unparenthesized(value.childForFieldName('right'));
  }
  return { targets, value };
}

/**
 * `a = b = (c ? x : y)` whose arms call something: the assignment chain built around each arm. Arms without
 * calls stay one expression: only a call's effects need the branch.
 */
function ternaryAssignment(node: Node): Armed | undefined {
  const { targets, value: cur } = assignmentChain(node);
  if (targets.length === 0 || cur?.type !== 'conditional_expression') return undefined;
  const condition = cur.childForFieldName('condition');
  const consequence = cur.childForFieldName('consequence');
  const alternative = cur.childForFieldName('alternative');
  if (!condition || !consequence || !alternative) return undefined;
  if (consequence.descendantsOfType('call_expression').length === 0 && alternative.descendantsOfType('call_expression').length === 0) return undefined;
  const assign = (arm: Node): Expr => targets.reduceRight<Expr>((value, target) => ({
    kind: 'assign', op: '=', target: toExpr(target), value, span: spanOf(node), text: normalizeText(`${target.text} = ${arm.text}`),
  }), toExpr(arm));
  return { condition: toExpr(condition), conditionSpan: spanOf(condition), arms: [assign(consequence), assign(alternative)] };
}

/**
 * `vma = vmf ? vmf->vma : NULL` (mm/shmem.c shmem_get_folio_gfp()): a pointer that is NULL exactly when a
 * plain condition is false. Branched, so that a later test of the pointer knows the condition too, and a
 * summary's outcomes keep what the caller passed (`vmf` NULL: no userfaultfd path).
 */
function nullArmTernary(e: Expr & { kind: 'assign' }): Armed | undefined {
  const v = e.value;
  if (e.op !== '=' || v.kind !== 'opaque' || !v.ternary) return undefined;
  const { condition, consequence, alternative } = v.ternary;
  const isNull = (x: Expr) => x.kind === 'const' && /^(NULL|0)$/.test(x.text) || (x.kind === 'ident' && x.name === 'NULL');
  const plain = (x: Expr) => x.kind === 'ident' || (x.kind === 'opaque' && /^[A-Za-z_][\w.>-]*$/.test(x.text));
  if (!plain(condition) || isNull(condition) || isNull(consequence) === isNull(alternative)) return undefined;
  const arm = (value: Expr): Expr => ({ ...e, value, text: `${exprText(e.target)} = ${exprText(value)}` });
  return { condition, conditionSpan: condition.span, arms: [arm(consequence), arm(alternative)] };
}

/**
 * `ret = f(…, locked ? locked : &local_locked)` (mm/gup.c populate_vma_page_range()): a call given one of two
 * pointers by a conditional expression gets one of them, and writes through it: the call in each arm given
 * that pointer. Only pointers as arms (a name, `&x`, NULL).
 */
function ternaryArgument(node: Node, expr: Expr): Armed | undefined {
  const callNode = assignmentChain(node).value;
  if (callNode?.type !== 'call_expression') return undefined;
  const args = callNode.childForFieldName('arguments')?.namedChildren.filter(isNode).filter((c) => c.type !== 'comment') ?? [];
  const pointer = (n: Node | null) => n !== null && (n.type === 'identifier' || n.type === 'null' ||
    (n.type === 'pointer_expression' && n.child(0)?.text === '&'));
  const index = args.findIndex((a) => {
    const c = unparenthesized(a);
    return c?.type === 'conditional_expression' && pointer(unparenthesized(c.childForFieldName('consequence'))) && pointer(unparenthesized(c.childForFieldName('alternative')));
  });
  if (index < 0) return undefined;
  const ternary = unparenthesized(args[index])!;
  const condition = ternary.childForFieldName('condition');
  if (!condition) return undefined;
  const withArg = (e: Expr, arm: Node): Expr => {
    if (e.kind === 'assign') return { ...e, value: withArg(e.value, arm) };
    if (e.kind !== 'call' || e.args.length !== args.length) return e;
    return { ...e, args: e.args.map((a, i) => (i === index ? toExpr(unparenthesized(arm)!) : a)) };
  };
  return { condition: toExpr(condition), conditionSpan: spanOf(condition), arms: [withArg(expr, ternary.childForFieldName('consequence')!), withArg(expr, ternary.childForFieldName('alternative')!)] };
}

function isStatementNode(n: Node): boolean {
  return n.type.endsWith('_statement') || n.type === 'declaration';
}

function isExpressionNode(n: Node): boolean {
  return n.type.endsWith('_expression') || n.type === 'identifier';
}

/** A goto label or a switch case: code after a return/goto/break is reachable again from here. */
function containsEntryPoint(n: Node): boolean {
  const entries = ['labeled_statement', 'case_statement'];
  return entries.includes(n.type) || n.descendantsOfType(entries).length > 0;
}

function isNode(n: Node | null): n is Node {
  return n !== null && n.type !== 'comment';
}

function exprText(e: Expr | undefined): string {
  if (!e) return '';
  return e.kind === 'ident' ? e.name : e.kind === 'const' ? e.text : e.text;
}

function endSpan(body: Node): Span {
  const p = body.endPosition;
  return { startRow: p.row, startColumn: Math.max(0, p.column - 1), endRow: p.row, endColumn: p.column };
}


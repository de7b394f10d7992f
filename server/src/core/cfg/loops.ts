// The calls a function makes inside a loop: a release there may run for every object a walk finds, or for
// none (mm/khugepaged.c release_pte_pages() unlocks each isolated folio), so it names no one lock.
import { forEachCall } from './calls';
import type { CfgNode, FunctionCfg, Span } from './types';

/** `row:column` of every call in a node on a cycle of the CFG. */
export function callsInLoops(cfg: Pick<FunctionCfg, 'nodes'>): ReadonlySet<string> {
  const cached = cache.get(cfg);
  if (cached) return cached;
  const inLoop = nodesOnCycles(cfg.nodes);
  const out = new Set<string>();
  forEachCall({ nodes: cfg.nodes.filter((n) => inLoop.has(n.id)) }, (call) => out.add(spanKey(call.span)));
  cache.set(cfg, out);
  return out;
}

export const spanKey = (s: Span): string => `${s.startRow}:${s.startColumn}`;

const cache = new WeakMap<object, ReadonlySet<string>>();

/** The nodes in a strongly connected component with a cycle (Tarjan's algorithm, iteratively). */
function nodesOnCycles(nodes: readonly CfgNode[]): Set<number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out = new Set<number>();
  let next = 0;
  for (const start of nodes) {
    if (index.has(start.id)) continue;
    const work: { id: number; i: number }[] = [{ id: start.id, i: 0 }];
    index.set(start.id, next);
    low.set(start.id, next++);
    stack.push(start.id);
    onStack.add(start.id);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const succ = byId.get(top.id)?.succ ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!byId.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) !== index.get(top.id)) continue;
      const component: number[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        component.push(w);
        if (w === top.id) break;
      }
      const selfLoop = component.length === 1 && (byId.get(component[0])?.succ ?? []).includes(component[0]);
      if (component.length > 1 || selfLoop) component.forEach((c) => out.add(c));
    }
  }
  return out;
}

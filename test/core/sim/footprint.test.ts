// The partial-order reduction is only sound if every primitive's declared footprint covers what it really reads
// and writes. This test runs every enabled primitive in many reachable states on an instrumented state array and
// compares the touched fields with the declaration. Random complete runs reach every depth of the programs.
import assert from 'node:assert/strict';
import { ActorName } from '../../../server/src/core/sim/actors';
import { Exec, Part, Prim, primBlockers, primFootprint, runPrim } from '../../../server/src/core/sim/effects';
import { altBlockers, initialPcChoices, threadTransitions, Transition } from '../../../server/src/core/sim/machine';
import {
  devJainRfcV1Like, mainlineCollapse, collapseV72, withoutAnonVmaLock, withoutTlbSync,
} from '../../../server/src/core/sim/reference-programs';
import { CompiledScenario, compileScenario, Scenario } from '../../../server/src/core/sim/scenario';
import { initialState, Layout, Lock, State } from '../../../server/src/core/sim/state';

const LOCK_PARTS: [number, Part][] = [
  [Lock.MmapRead | Lock.MmapWrite, Part.Mmap], [Lock.VmaRead, Part.VmaLock], [Lock.AnonRead | Lock.AnonWrite, Part.Anon],
  [Lock.IMmapRead | Lock.IMmapWrite, Part.IMmap], [Lock.Pml, Part.Pml], [Lock.Ptl, Part.Ptl], [Lock.IrqOff, Part.Irq],
];
const ANY_LOCK_PART = LOCK_PARTS.reduce((m, [, p]) => m | p, 0);

type Field =
  | { kind: 'part'; part: number }
  | { kind: 'held'; thread: number }
  | { kind: 'tlb' }
  | { kind: 'local'; thread: number };

function fieldAt(L: Layout, i: number): Field {
  if (i === L.pmd) return { kind: 'part', part: Part.Pmd };
  if (i === L.vmaAlive) return { kind: 'part', part: Part.Vma };
  if (i === L.vmaWriteLocked) return { kind: 'part', part: Part.VmaLock };
  if (i < L.folioBase) return { kind: 'part', part: Part.Table };
  if (i < L.threadBase) {
    const offset = (i - L.folioBase) % L.folioStride;
    if (offset <= 1) return { kind: 'part', part: Part.FolioRef };
    if (offset <= 3) return { kind: 'part', part: Part.FolioLock };
    return { kind: 'part', part: Part.FolioData };
  }
  const thread = Math.floor((i - L.threadBase) / L.threadStride);
  const offset = (i - L.threadBase) % L.threadStride;
  if (offset === 1) return { kind: 'held', thread };
  if (offset >= 8) return { kind: 'tlb' };
  return { kind: 'local', thread };
}

/** Runs `fn` on a proxy of `s` that records the indexes read and the values written. */
function instrumented(s: State, fn: (proxy: State) => void): { reads: Set<number>; writes: Map<number, [number, number]> } {
  const reads = new Set<number>();
  const writes = new Map<number, [number, number]>();
  const proxy = new Proxy(s, {
    get(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads.add(Number(prop));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    set(target, prop, value) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        const i = Number(prop);
        const before = writes.get(i)?.[0] ?? target[i];
        writes.set(i, [before, value]);
      }
      return Reflect.set(target, prop, value, target);
    },
  });
  fn(proxy);
  return { reads, writes };
}

function checkPrim(sc: CompiledScenario, s: State, t: number, prim: Prim): void {
  const L = sc.layout;
  const declared = primFootprint(prim);
  const touched = declared.reads | declared.writes;
  const what = `${prim.k} by ${sc.threadNames[t]}`;
  const io = instrumented(s, (proxy) => {
    const x = new Exec(sc, proxy, t, prim.k);
    primBlockers(x, prim);
    runPrim(x, prim);
  });
  for (const i of io.reads) {
    const f = fieldAt(L, i);
    if (f.kind === 'part') assert.ok(touched & f.part, `${what} reads ${Part[f.part]} undeclared`);
    else if (f.kind === 'tlb') assert.ok(touched & Part.Tlb, `${what} reads a TLB undeclared`);
    else if (f.kind === 'held' && f.thread !== t) assert.ok(declared.reads & ANY_LOCK_PART, `${what} reads another thread's locks undeclared`);
    else if (f.kind === 'local') assert.equal(f.thread, t, `${what} reads another thread's registers`);
  }
  for (const [i, [before, after]] of io.writes) {
    if (before === after) continue;
    const f = fieldAt(L, i);
    if (f.kind === 'part') assert.ok(declared.writes & f.part, `${what} writes ${Part[f.part]} undeclared`);
    else if (f.kind === 'tlb') assert.ok(declared.writes & Part.Tlb, `${what} writes a TLB undeclared`);
    else if (f.kind === 'local') assert.equal(f.thread, t, `${what} writes another thread's registers`);
    else if (f.kind === 'held') {
      assert.equal(f.thread, t, `${what} changes another thread's locks`);
      for (const [bits, part] of LOCK_PARTS) {
        if ((before ^ after) & bits) assert.ok(declared.writes & part, `${what} changes ${Part[part]} undeclared`);
      }
    }
  }
}

/** Checks every enabled primitive of every thread in state `s`; returns how many were checked. */
function checkState(sc: CompiledScenario, s: State): number {
  let checked = 0;
  sc.threads.forEach((thread, t) => {
    const pc = s[sc.layout.pc(t)];
    if (pc < 0) return;
    const node = thread.nodes[pc];
    node.alternatives.forEach((alt, a) => {
      if (altBlockers(sc, s, t, node, a).length) return;
      let cur = s.slice();
      for (const prim of alt.prims) {
        checkPrim(sc, cur, t, prim);
        runPrim(new Exec(sc, cur = cur.slice(), t, prim.k), prim);
        checked++;
      }
    });
  });
  return checked;
}

/** `runs` random complete interleavings (seeded), checking every state on the way. */
function checkScenario(scenario: Scenario, runs: number): number {
  const sc = compileScenario(scenario);
  let seed = 12345;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const starts = initialPcChoices(sc);
  let checked = 0;
  for (let run = 0; run < runs; run++) {
    let s: State = initialState(sc.layout, starts[random(starts.length)], { tlbLoaded: sc.tlbLoaded, pte: sc.actorPte });
    for (;;) {
      checked += checkState(sc, s);
      const next: Transition[] = [];
      for (let t = 0; t < sc.threads.length; t++) threadTransitions(sc, s, t, false, next);
      const ok = next.filter((tr) => !tr.violations.length);
      if (!ok.length) break;
      s = ok[random(ok.length)].state;
    }
  }
  return checked;
}

describe('sim/effects footprints', () => {
  const cases: [string, Scenario][] = [
    ['mainline vs walkers', { program: mainlineCollapse(), actors: ['fault-vma-lock', 'gup-fast', 'rmap-walk'] as ActorName[] }],
    ['mainline vs page-table changers', { program: mainlineCollapse(), actors: ['zap', 'pt-reclaim', 'munmap', 'mremap'] as ActorName[] }],
    ['mainline vs collapse2, GUP slow, CPU', { program: mainlineCollapse(), actors: ['collapse2', 'gup-slow', 'cpu-access', 'fault-mmap-lock'] as ActorName[] }],
    ['broken variants', { program: withoutTlbSync(), actors: ['gup-fast', 'zap'] as ActorName[] }],
    ['no anon_vma lock', { program: withoutAnonVmaLock(), actors: ['rmap-walk', 'file-retract'] as ActorName[] }],
    ['RFC v1-like', { program: devJainRfcV1Like(), actors: ['gup-fast', 'cpu-access', 'fault-vma-lock'] as ActorName[] }],
    ['mTHP', { program: collapseV72(), actors: ['rmap-walk', 'gup-fast'] as ActorName[], ptes: 3, collapsePtes: 2, actorPte: 2 }],
  ];
  for (const [title, scenario] of cases) {
    it(`cover what the primitives touch: ${title}`, () => {
      assert.ok(checkScenario(scenario, 300) > 1000);
    });
  }
});

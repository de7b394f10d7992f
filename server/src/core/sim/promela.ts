// Promela export of a scenario, for an independent check with SPIN. The model is the same as the simulator's:
// the same state fields (state.ts), one proctype per thread generated from the same compiled program nodes, each
// op one `atomic { guard -> effect; jump to the next op }` built from the same primitives (effects.ts) — here
// written a second time in Promela, so that SPIN checks the simulator's interpretation and search, not just its
// input. Properties: every rule check of effects.ts becomes an assert(); a deadlock is an invalid end state.
// SPIN reports verdicts only (which rule broke is printed by the simulator, not by SPIN).
//
// Check: spin -a model.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan -m1000000

import { promelaSituations, situation } from './assumptions';
import { conflictBits, lockBit, Prim } from './effects';
import { arrive, successors } from './machine';
import { CompiledNode, CompiledScenario, compileScenario, CompiledThread, Scenario } from './scenario';
import {
  ATOMIC_CONTEXT, FolioFlag, HUGE, initialState, Lock, OutcomeCode, PC_DEAD, PC_DONE, SWAP, TableState, WALKER_LOCKS,
} from './state';

interface ThreadCtx {
  sc: CompiledScenario;
  t: number;
  thread: CompiledThread;
}

const OK = OutcomeCode.Succeeded;
const FAILED = OutcomeCode.Failed;
const viol = (cond: string) => `assert(!(${cond}));`;

export function exportPromela(scenario: Scenario | CompiledScenario): string {
  const sc = 'threads' in scenario ? scenario : compileScenario(scenario);
  const L = sc.layout;
  const out: string[] = [];
  const names = sc.threadNames.map((n, t) => `${t}: ${n}`).join(', ');
  out.push(
    `/* mm-review interleaving model, generated from the simulator's scenario. Threads: ${names}. */`,
    `/* ptes=${L.ptes} collapsePtes=${sc.collapsePtes} actorPte=${sc.actorPte} copyMayFail=${sc.copyMayFail} */`,
    `#define NTH ${L.threads}`, `#define NP ${L.ptes}`, `#define NTB ${L.tables}`, `#define NF ${L.folios}`,
    `#define HUGE ${HUGE}`, `#define SWAP ${SWAP}`,
    `#define IS_TABLE(v) ((v) > 0 && (v) < HUGE)`, `#define IS_HUGE(v) ((v) >= HUGE)`,
    `#define PRESENT(v) ((v) > 0 && (v) < SWAP)`,
    `#define PTE(tb, i) pte[(tb) * NP + (i)]`, `#define TLB(th, i) tlb[(th) * NP + (i)]`,
    '',
    'byte pmd; bit vmaAlive; bit vmaWriteLocked;',
    'byte tblState[NTB]; byte tblHider[NTB]; byte pte[NTB * NP];',
    'short fRef[NF]; short fMap[NF]; byte fLock[NF]; byte fIso[NF]; byte fFlags[NF];',
    'short held[NTH]; byte saved[NTH]; byte mapped[NTH]; byte pteSeen[NTH]; byte refFolio[NTH]; bit refLate[NTH];',
    'byte outcome[NTH]; byte tlb[NTH * NP];',
    '/* scratch, only used inside atomic sequences, not part of the state vector */',
    'hidden byte li, lf, lt, lx, v, f, tb, k, ok, flag, found;',
    '',
  );
  sc.threads.forEach((thread, t) => out.push(...proctype({ sc, t, thread })));
  out.push('init {', '  atomic {', `    pmd = 1; vmaAlive = 1; tblState[0] = ${TableState.Attached};`);
  for (let i = 0; i < L.ptes; i++) {
    out.push(`    PTE(0, ${i}) = ${1 + i}; fRef[${i}] = 1; fMap[${i}] = 1; fFlags[${i}] = ${FolioFlag.Uptodate};`);
  }
  for (let t = 0; t < L.threads; t++) out.push(`    fRef[${L.ownFolio(t)}] = 1;`);
  for (const t of sc.tlbLoaded) out.push(`    TLB(${t}, ${sc.actorPte}) = ${1 + sc.actorPte};`);
  for (let t = 0; t < L.threads; t++) out.push(`    run T${t}();`);
  out.push('  }', '}', '');
  return out.join('\n');
}

function proctype(x: ThreadCtx): string[] {
  const { t, thread } = x;
  const lines = [`/* thread ${t}: ${thread.name} */`, `proctype T${t}() {`];
  const start = initialState(x.sc.layout, x.sc.threads.map(() => PC_DONE), { tlbLoaded: x.sc.tlbLoaded, pte: x.sc.actorPte });
  lines.push(`  ${jump(x, arrive(thread, situation(x.sc, start, t), thread.entry))}`);
  for (const node of thread.nodes) {
    if (!node.isStep) continue;
    lines.push(`/* ${node.op}(${(node.args ?? []).join(', ')}) node ${node.id} */`);
    lines.push(`t${t}_n${node.index}: atomic {`);
    const alts = node.alternatives.map((alt, i) => ({ alt, i, code: node.alternatives[i].prims.map((p) => prim(x, p)) }));
    const sleepCheck = node.sleeps ? `${viol(`(held[${t}] & ${ATOMIC_CONTEXT}) != 0`)} ` : '';
    const altCode = alts.map(({ alt, code }) => {
      const guards = code.map((c) => c.guard).filter((g): g is string => !!g);
      const setOutcome = alt.outcome ? ` outcome[${t}] = ${alt.outcome === 'succeeded' ? OK : FAILED};` : '';
      return { guard: guards.length ? guards.map((g) => `(${g})`).join(' && ') : 'true', body: `${sleepCheck}${code.map((c) => c.body).join(' ')}${setOutcome}` };
    });
    if (altCode.length === 1) {
      lines.push(`  (${altCode[0].guard}) -> ${altCode[0].body}`);
    } else {
      lines.push('  if');
      for (const a of altCode) lines.push(`  :: (${a.guard}) -> ${a.body}`);
      lines.push('  fi;');
    }
    lines.push(`  ${afterStep(x, node)}`, '};');
  }
  lines.push(`t${t}_dead: skip;`, `t${t}_out: skip`, '}', '');
  return lines;
}

/** The jump after an op: to the next op node for the thread's situation now (as machine.ts successors). */
function afterStep(x: ThreadCtx, node: CompiledNode): string {
  const groups = new Map<string, { pcs: number[]; conditions: string[] }>();
  for (const { situation: sit, condition } of promelaSituations(x.sc, x.t, x.thread.assumeMask)) {
    const pcs = successors(x.thread, node, sit);
    const group = groups.get(pcs.join()) ?? { pcs, conditions: [] };
    group.conditions.push(condition);
    groups.set(pcs.join(), group);
  }
  const options = [...groups.values()];
  if (options.length === 1) return jump(x, options[0].pcs);
  return `if ${options.map((g) => `:: (${g.conditions.map((c) => `(${c})`).join(' || ')}) -> ${jump(x, g.pcs)}`).join(' ')} fi`;
}

function jump(x: ThreadCtx, pcs: number[]): string {
  const one = (pc: number) => pc === PC_DONE ? `${exitChecks(x)} goto t${x.t}_out`
    : pc === PC_DEAD ? `goto t${x.t}_dead` : `goto t${x.t}_n${pc}`;
  return pcs.length === 1 ? one(pcs[0]) : `if ${pcs.map((pc) => `:: ${one(pc)}`).join(' ')} fi`;
}

function exitChecks(x: ThreadCtx): string {
  const t = x.t;
  return [
    viol(`held[${t}] != 0`),
    `for (lf : 0 .. NF - 1) { ${viol(`fLock[lf] == ${t + 1} || fIso[lf] == ${t + 1}`)} }`,
    viol(`refFolio[${t}] != 0`),
    `for (lt : 0 .. NTB - 1) { ${viol(`tblState[lt] == ${TableState.Detached} && tblHider[lt] == ${t + 1}`)} }`,
  ].join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Primitives in Promela. Each returns the guard (absent: always enabled) and the effect, for thread x.t.

interface PromelaPrim {
  guard?: string;
  body: string;
}

const when = (cond: string, then: string, otherwise = 'skip') => `if :: (${cond}) -> ${then} :: else -> ${otherwise} fi;`;

function anyHeld(x: ThreadCtx, mask: number, includeSelf: boolean): string {
  const terms: string[] = [];
  for (let u = 0; u < x.sc.layout.threads; u++) if (u !== x.t || includeSelf) terms.push(`held[${u}]`);
  return terms.length ? `((${terms.join(' | ')}) & ${mask}) != 0` : 'false';
}

function setOutcome(x: ThreadCtx, cond: string): string {
  return `outcome[${x.t}] = (${cond} -> ${OK} : ${FAILED});`;
}

function release(x: ThreadCtx, bit: number): string {
  return `${viol(`(held[${x.t}] & ${bit}) == 0`)} held[${x.t}] = held[${x.t}] & ${~bit & 0x7fff};`;
}

function flushAll(): string {
  return 'for (lx : 0 .. NTH * NP - 1) { tlb[lx] = 0 };';
}

/** Folio `fv` loses a reference; the last one frees it (a freed folio is one with no reference left). */
function putFolio(fv: string): string {
  return `${viol(`fRef[${fv}] <= 0`)} fRef[${fv}]--; ${viol(`fRef[${fv}] == 0 && fMap[${fv}] > 0`)}`;
}

function unmapAndPut(fv: string): string {
  return `fMap[${fv}]--; ${putFolio(fv)}`;
}

/** Exec.useTable: a stale (freed/deposited, or RCU-freed for a locked user) table, or one hidden by another. */
function useTable(x: ThreadCtx, tbv: string, lockedExpr: string): string {
  const st = `tblState[${tbv}]`;
  const notLockless = x.thread.role === 'collapse' ? 'true' : `(${lockedExpr})`;
  return viol(`${st} == ${TableState.Freed} || ${st} == ${TableState.Deposited} || ` +
    `(${st} == ${TableState.RcuFreed} && (${lockedExpr})) || ` +
    `(${st} == ${TableState.Detached} && tblHider[${tbv}] != ${x.t + 1} && ${notLockless})`);
}

function releaseIsolated(x: ThreadCtx): string {
  const t1 = x.t + 1;
  return `for (lf : 0 .. NF - 1) { ${when(`fIso[lf] == ${t1}`,
    `fIso[lf] = 0; ${when(`fLock[lf] == ${t1}`, 'fLock[lf] = 0')} fFlags[lf] = fFlags[lf] & ${0xff & ~(FolioFlag.RefChecked | FolioFlag.CheckedUnreachable)}; ${putFolio('lf')}`)} }`;
}

function write(fv: string): string {
  return viol(`fRef[${fv}] == 0 || (fFlags[${fv}] & ${FolioFlag.Copied}) != 0`);
}

function freeDeposited(): string {
  return `for (lt : 0 .. NTB - 1) { ${when(`tblState[lt] == ${TableState.Deposited}`, `tblState[lt] = ${TableState.Freed}`)} }`;
}

function zapAll(tbv: string): string {
  return `for (li : 0 .. NP - 1) { v = PTE(${tbv}, li); ${when('v != 0',
    `PTE(${tbv}, li) = 0; ${when('PRESENT(v)', `f = v - 1; ${unmapAndPut('f')}`)}`)} }`;
}

function withMapped(x: ThreadCtx, then: string, otherwise = 'skip'): string {
  return when(`mapped[${x.t}] == 0`, otherwise, `tb = mapped[${x.t}] - 1; ${then}`);
}

function prim(x: ThreadCtx, p: Prim): PromelaPrim {
  const t = x.t;
  const L = x.sc.layout;
  const own = L.ownFolio(t);
  const ownTable = L.ownTable(t);
  const tgt = x.sc.actorPte;
  const cp = x.sc.collapsePtes;
  const held = `held[${t}]`;
  const pmlFreeOrMine = `(${held} & ${Lock.Pml}) != 0 || !(${anyHeld(x, Lock.Pml, false)})`;
  const ptlFreeOrMine = `(${held} & ${Lock.Ptl}) != 0 || !(${anyHeld(x, Lock.Ptl, false)})`;
  const requirePml = viol(`(${held} & ${Lock.Pml}) == 0`);
  const uptodate = viol(`(fFlags[${own}] & ${FolioFlag.Uptodate}) == 0`);
  switch (p.k) {
    case 'lock':
      return { guard: `!(${anyHeld(x, conflictBits(p.lock, p.mode), true)})`, body: `${held} = ${held} | ${lockBit(p.lock, p.mode)};` };
    case 'unlock':
      return { body: release(x, lockBit(p.lock, p.mode)) };
    case 'trylock':
      return {
        body: when(anyHeld(x, conflictBits(p.lock, p.mode), true), `outcome[${t}] = ${FAILED}`,
          `${held} = ${held} | ${lockBit(p.lock, p.mode)}; outcome[${t}] = ${OK}`),
      };
    case 'mmapDowngrade':
      return { body: `${release(x, Lock.MmapWrite)} ${held} = ${held} | ${Lock.MmapRead}; vmaWriteLocked = 0;` };
    case 'vmaEndWriteAll':
      return { body: 'vmaWriteLocked = 0;' };
    case 'vmaStartWrite':
      return { guard: `!(${anyHeld(x, Lock.VmaRead, false)})`, body: `${viol(`(${held} & ${Lock.MmapWrite}) == 0`)} vmaWriteLocked = 1;` };
    case 'vmaTryRead':
      return { body: when('vmaAlive == 1 && vmaWriteLocked == 0', `${held} = ${held} | ${Lock.VmaRead}; outcome[${t}] = ${OK}`, `outcome[${t}] = ${FAILED}`) };
    case 'vmaEndRead':
      return { body: release(x, Lock.VmaRead) };
    case 'irqOff':
      return { body: `${held} = ${held} | ${Lock.IrqOff};` };
    case 'irqOn':
      return { body: release(x, Lock.IrqOff) };
    case 'waitForIrqOffSections':
      return { guard: `!(${anyHeld(x, Lock.IrqOff, false)})`, body: 'skip;' };
    case 'notifierStart':
      return { body: `${held} = ${held} | ${Lock.Notifier};` };
    case 'notifierEnd':
      return { body: release(x, Lock.Notifier) };
    case 'noTableHiddenByMe':
      return { body: `for (lt : 0 .. NTB - 1) { ${viol(`tblState[lt] == ${TableState.Detached} && tblHider[lt] == ${t + 1}`)} }` };
    case 'revalidateVma':
      return { body: setOutcome(x, 'vmaAlive == 1') };
    case 'checkPmdIsTable':
      return { body: setOutcome(x, 'IS_TABLE(pmd)') };
    case 'readPmd': {
      // The first table hidden by another thread; a locked walker must not see its pmd_none (an rmap-only walker
      // only if the table still maps its folio).
      const rmapOnly = `(${held} & ${Lock.MmapRead | Lock.MmapWrite | Lock.VmaRead}) == 0`;
      const mapsTarget = `flag = 0; for (li : 0 .. NP - 1) { ${when(`PTE(tb, li) == ${1 + tgt}`, 'flag = 1')} }`;
      return {
        body: `saved[${t}] = pmd; ${when(`pmd == 0 && (${held} & ${WALKER_LOCKS}) != 0`,
          `found = 0; for (lt : 0 .. NTB - 1) { ${when(`found == 0 && tblState[lt] == ${TableState.Detached} && tblHider[lt] != ${t + 1}`,
            `found = 1; tb = lt; ${mapsTarget} ${viol(`!(${rmapOnly}) || flag == 1`)}`)} }`)} ${setOutcome(x, `IS_TABLE(saved[${t}])`)}`,
      };
    }
    case 'collapseFlush':
      return {
        body: `${requirePml} saved[${t}] = pmd; ${when('IS_TABLE(pmd)',
          `tblState[pmd - 1] = ${TableState.Detached}; tblHider[pmd - 1] = ${t + 1}; pmd = 0`)} ${flushAll()}`,
      };
    case 'flushTlb':
      return { body: flushAll() };
    case 'mapTable': {
      const v = p.source === 'live' ? 'pmd' : `saved[${t}]`;
      const bits = Lock.Rcu | (p.lock ? Lock.Ptl : 0);
      return {
        guard: p.lock ? `!(IS_TABLE(${v}) && (${anyHeld(x, Lock.Ptl, true)}))` : undefined,
        body: when(`!IS_TABLE(${v})`, `outcome[${t}] = ${FAILED}`,
          `${p.lock ? `tb = ${v} - 1; ${useTable(x, 'tb', 'true')}` : ''} ${held} = ${held} | ${bits}; mapped[${t}] = ${v}; outcome[${t}] = ${OK}`),
      };
    }
    case 'unmapTable':
      return { body: `${p.unlock ? release(x, Lock.Ptl) : ''} ${release(x, Lock.Rcu)} mapped[${t}] = 0;` };
    case 'isolateFolios': {
      const taken = `fLock[f] = ${t + 1}; fIso[f] = ${t + 1}; fRef[f]++; fFlags[f] = fFlags[f] | ${FolioFlag.RefChecked} | (flag -> ${FolioFlag.CheckedUnreachable} : 0); k++`;
      const unsuitable = `fLock[f] != 0 || fIso[f] != 0 || fRef[f] != fMap[f] || fRef[f] == 0`;
      return {
        body: withMapped(x,
          `${useTable(x, 'tb', 'true')} flag = (tblState[tb] == ${TableState.Detached}); ok = 1; k = 0; ` +
          `for (li : 0 .. ${cp - 1}) { v = PTE(tb, li); ${when('ok == 1 && v != 0',
            when('!PRESENT(v)', 'ok = 0', `f = v - 1; ${when(unsuitable, 'ok = 0', taken)}`))} } ` +
          `${when('ok == 0 || k == 0', releaseIsolated(x))} ${setOutcome(x, 'ok == 1 && k > 0')}`,
          `outcome[${t}] = ${FAILED}`),
      };
    }
    case 'copySucceeded':
      return {
        guard: ptlFreeOrMine,
        body: withMapped(x,
          `${useTable(x, 'tb', 'true')} ` +
          `for (li : 0 .. ${cp - 1}) { v = PTE(tb, li); ${when('PRESENT(v)',
            `f = v - 1; ${viol('fRef[f] == 0')} fFlags[f] = fFlags[f] | ${FolioFlag.Copied}`)} } ` +
          `for (li : 0 .. ${cp - 1}) { v = PTE(tb, li); ${when('v != 0', `PTE(tb, li) = 0; ${when('PRESENT(v)',
            `f = v - 1; ${when(`fIso[f] == ${t + 1}`, `fIso[f] = 0; ${when(`fLock[f] == ${t + 1}`, 'fLock[f] = 0')} ${putFolio('f')}`)} ${unmapAndPut('f')}`)}`)} }`),
      };
    case 'copyFailed':
      return {
        guard: pmlFreeOrMine,
        body: `${when(`IS_TABLE(saved[${t}])`, `${viol(`pmd != 0 && pmd != saved[${t}]`)} tb = saved[${t}] - 1; pmd = saved[${t}]; ` +
          `tblState[tb] = ${TableState.Attached}; tblHider[tb] = 0`)} ${releaseIsolated(x)}`,
      };
    case 'releaseIsolated':
      return { body: releaseIsolated(x) };
    case 'markCopied':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} for (li : 0 .. ${cp - 1}) { v = PTE(tb, li); ${when('PRESENT(v)',
          `fFlags[v - 1] = fFlags[v - 1] | ${FolioFlag.Copied}`)} }`),
      };
    case 'clearPtes':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} for (li : 0 .. ${cp - 1}) { v = PTE(tb, li); PTE(tb, li) = 0; ${when('PRESENT(v)', 'fMap[v - 1]--')} }`),
      };
    case 'markUptodate':
      return { body: `fFlags[${own}] = fFlags[${own}] | ${FolioFlag.Uptodate};` };
    case 'deposit':
      return { body: `${requirePml} ${when(`IS_TABLE(saved[${t}])`, `tb = saved[${t}] - 1; tblState[tb] = ${TableState.Deposited}; tblHider[tb] = 0`)}` };
    case 'setPmdHuge':
      return { body: `${requirePml} ${viol('pmd != 0')} ${uptodate} pmd = ${HUGE + own}; fMap[${own}] = 1;` };
    case 'populatePmd': {
      const st = 'tblState[tb]';
      return {
        body: `${requirePml} tb = (IS_TABLE(saved[${t}]) -> saved[${t}] - 1 : ${ownTable}); ${when('pmd != tb + 1',
          `${viol('pmd != 0')} ${viol(`${st} == ${TableState.Freed} || ${st} == ${TableState.Deposited} || ${st} == ${TableState.RcuFreed}`)} ` +
          `pmd = tb + 1; tblState[tb] = ${TableState.Attached}; tblHider[tb] = 0`)}`,
      };
    }
    case 'setPtes':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} ${viol(`tblState[tb] == ${TableState.Attached} && (${held} & ${Lock.Ptl}) == 0`)} ` +
          `${uptodate} for (li : 0 .. ${cp - 1}) { PTE(tb, li) = ${1 + own} }; fMap[${own}] = ${cp}; fRef[${own}] = ${cp}`),
      };
    case 'putOwnFolio':
      return { body: putFolio(String(own)) };
    case 'readPte':
      return {
        body: withMapped(x, `${useTable(x, 'tb', `(${held} & ${Lock.Ptl}) != 0`)} v = PTE(tb, ${tgt}); pteSeen[${t}] = v; ${setOutcome(x, 'PRESENT(v)')}`,
          `outcome[${t}] = ${FAILED}`),
      };
    case 'grabRef':
      return {
        body: `v = pteSeen[${t}]; ok = 0; ${when('PRESENT(v)', `f = v - 1; ${when('fRef[f] > 0',
          `ok = 1; fRef[f]++; refFolio[${t}] = f + 1; refLate[${t}] = ((fFlags[f] & ${FolioFlag.RefChecked}) != 0 -> 1 : 0)`)}`)} ${setOutcome(x, 'ok == 1')}`,
      };
    case 'gupRecheck':
      return {
        body: `ok = 0; ${when(`pmd == saved[${t}] && mapped[${t}] != 0`, `tb = mapped[${t}] - 1; ${when(`PTE(tb, ${tgt}) == pteSeen[${t}]`, 'ok = 1')}`)} ${setOutcome(x, 'ok == 1')}`,
      };
    case 'putRef':
      return { body: when(`refFolio[${t}] != 0`, `f = refFolio[${t}] - 1; refFolio[${t}] = 0; refLate[${t}] = 0; ${putFolio('f')}`) };
    case 'pinWrite':
      return { body: when(`refFolio[${t}] != 0`, `f = refFolio[${t}] - 1; ${write('f')}`) };
    case 'followPte':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} v = PTE(tb, ${tgt}); ok = 0; ${when('PRESENT(v)', `f = v - 1; ${when('fRef[f] > 0',
          `ok = 1; fRef[f]++; refFolio[${t}] = f + 1; refLate[${t}] = ((fFlags[f] & ${FolioFlag.RefChecked}) != 0 -> 1 : 0)`)}`)} ${setOutcome(x, 'ok == 1')}`,
        `outcome[${t}] = ${FAILED}`),
      };
    case 'faultPte':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} v = PTE(tb, ${tgt}); ${when(`v == 0 && fMap[${own}] == 0`,
          `PTE(tb, ${tgt}) = ${1 + own}; fMap[${own}] = 1; fFlags[${own}] = fFlags[${own}] | ${FolioFlag.Uptodate}`,
          when('PRESENT(v)', `f = v - 1; ${write('f')}`))}`),
      };
    case 'pteAlloc':
      return {
        guard: `saved[${t}] != 0 || !(${anyHeld(x, Lock.Pml, true)})`,
        body: when(`saved[${t}] == 0 && pmd == 0`,
          `for (lt : 0 .. NTB - 1) { ${viol(`tblState[lt] == ${TableState.Detached} && tblHider[lt] != ${t + 1}`)} } ` +
          `pmd = ${ownTable + 1}; tblState[${ownTable}] = ${TableState.Attached}`),
      };
    case 'zapHugePmd':
      return {
        guard: `!IS_HUGE(saved[${t}]) || !(${anyHeld(x, Lock.Pml, true)})`,
        body: when(`IS_HUGE(saved[${t}]) && IS_HUGE(pmd)`, `f = pmd - HUGE; pmd = 0; ${flushAll()} ${unmapAndPut('f')} ${freeDeposited()}`),
      };
    case 'zapPtes':
      return { body: withMapped(x, `${useTable(x, 'tb', 'true')} ${flushAll()} ${zapAll('tb')}`) };
    case 'tryClearPmd':
      return {
        body: `ok = 0; ${when(`mapped[${t}] != 0 && !(${anyHeld(x, Lock.Pml, true)}) && pmd == mapped[${t}]`,
          `tb = mapped[${t}] - 1; ok = 1; for (li : 0 .. NP - 1) { ${when('PTE(tb, li) != 0', 'ok = 0')} }`)} ` +
          `${when('ok == 1', `pmd = 0; tblState[tb] = ${TableState.RcuFreed}; ${flushAll()}`)} ${setOutcome(x, 'ok == 1')}`,
      };
    case 'unmapVmas':
      return {
        guard: `!(${anyHeld(x, Lock.Pml | Lock.Ptl, true)})`,
        body: `v = pmd; ${flushAll()} ${when('IS_HUGE(v)', `pmd = 0; f = v - HUGE; ${unmapAndPut('f')} ${freeDeposited()}`,
          when('IS_TABLE(v)', `tb = v - 1; ${zapAll('tb')}`))}`,
      };
    case 'freePgtables':
      return { body: when('IS_TABLE(pmd)', `tblState[pmd - 1] = ${TableState.RcuFreed}; pmd = 0`) };
    case 'vmaGone':
      return { body: 'vmaAlive = 0;' };
    case 'movePmd':
      return {
        body: `${requirePml} ${when('IS_TABLE(pmd)', `tblState[pmd - 1] = ${TableState.Moved}`)} ${when('pmd != 0', `pmd = 0; ${flushAll()}`)}`,
      };
    case 'tryToUnmapOne':
      return {
        body: withMapped(x, `${useTable(x, 'tb', 'true')} ${when(`PTE(tb, ${tgt}) == ${1 + tgt}`,
          `PTE(tb, ${tgt}) = ${SWAP + tgt}; ${flushAll()} fMap[${tgt}]--; outcome[${t}] = ${OK}`, `outcome[${t}] = ${FAILED}`)}`,
        `outcome[${t}] = ${FAILED}`),
      };
    case 'folioIsolate':
      return {
        body: when(`fIso[${tgt}] == 0 && fRef[${tgt}] > 0`,
          `fIso[${tgt}] = ${t + 1}; fRef[${tgt}]++; outcome[${t}] = ${OK}`, `outcome[${t}] = ${FAILED}`),
      };
    case 'folioPutback':
      return { body: `${viol(`fIso[${tgt}] != ${t + 1}`)} fIso[${tgt}] = 0; ${putFolio(String(tgt))}` };
    case 'folioTrylock':
      return { body: when(`fLock[${tgt}] == 0`, `fLock[${tgt}] = ${t + 1}; outcome[${t}] = ${OK}`, `outcome[${t}] = ${FAILED}`) };
    case 'folioLock':
      return { guard: `fLock[${tgt}] == 0`, body: `fLock[${tgt}] = ${t + 1};` };
    case 'folioUnlock':
      return { body: `${viol(`fLock[${tgt}] != ${t + 1}`)} fLock[${tgt}] = 0;` };
    case 'cpuStore': {
      const walk = when('IS_HUGE(pmd)', 'k = pmd - HUGE + 1', when('IS_TABLE(pmd)', `tb = pmd - 1; ${when(`PRESENT(PTE(tb, ${tgt}))`, `k = PTE(tb, ${tgt})`, 'k = 0')}`, 'k = 0'));
      return {
        body: `k = TLB(${t}, ${tgt}); ${when('k == 0', `${walk} ${when('k != 0', `TLB(${t}, ${tgt}) = k`)}`)} ` +
          when('k == 0', `outcome[${t}] = ${FAILED}`, `f = k - 1; ${write('f')} outcome[${t}] = ${OK}`),
      };
    }
  }
}

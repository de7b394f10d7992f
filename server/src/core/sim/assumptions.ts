// Evaluating `ProgramNode.assume`: a thread's *situation* is a small bit set (its last outcome and a few facts
// about what it holds) against which every assumption is a mask/value test. Arrival through branch nodes only
// depends on the situation, so successor sets are cached per (node, situation), and the Promela export
// enumerates situations instead of translating every branch node.

import type { Assumption } from './program';
import type { CompiledScenario } from './scenario';
import { Lock, OutcomeCode, State } from './state';

const OUTCOME = 0b11;
const PTE_MAPPED = 1 << 2;
const NEW_FOLIO_MAPPED = 1 << 3;
const ANON_WRITE = 1 << 4;
const PMD_ORDER = 1 << 5;

export interface AssumptionTest {
  mask: number;
  value: number;
}

export const ASSUMPTION_TESTS: Record<Assumption, AssumptionTest> = {
  'succeeded': { mask: OUTCOME, value: OutcomeCode.Succeeded },
  'failed': { mask: OUTCOME, value: OutcomeCode.Failed },
  'pte-mapped': { mask: PTE_MAPPED, value: PTE_MAPPED },
  'no-pte-mapped': { mask: PTE_MAPPED, value: 0 },
  'new-folio-mapped': { mask: NEW_FOLIO_MAPPED, value: NEW_FOLIO_MAPPED },
  'new-folio-not-mapped': { mask: NEW_FOLIO_MAPPED, value: 0 },
  'anon-vma-write-locked': { mask: ANON_WRITE, value: ANON_WRITE },
  'anon-vma-not-write-locked': { mask: ANON_WRITE, value: 0 },
  'pmd-order': { mask: PMD_ORDER, value: PMD_ORDER },
  'not-pmd-order': { mask: PMD_ORDER, value: 0 },
};

export const NO_ASSUMPTION: AssumptionTest = { mask: 0, value: 0 };

/** The situation of thread `t` in state `s`. */
export function situation(sc: CompiledScenario, s: State, t: number): number {
  const L = sc.layout;
  const held = s[L.held(t)];
  return s[L.outcome(t)] |
    (held & Lock.Rcu ? PTE_MAPPED : 0) |
    (s[L.folioMap(L.ownFolio(t))] > 0 ? NEW_FOLIO_MAPPED : 0) |
    (held & Lock.AnonWrite ? ANON_WRITE : 0) |
    (sc.collapsePtes === L.ptes ? PMD_ORDER : 0);
}

/**
 * Every situation a thread can be in, restricted to the bits `mask` its assumptions test (the others read as 0),
 * each with the Promela condition that recognises it. Situations that contradict the scenario are left out.
 */
export function promelaSituations(sc: CompiledScenario, t: number, mask: number): { situation: number; condition: string }[] {
  const L = sc.layout;
  const outcomes = mask & OUTCOME ? [OutcomeCode.None, OutcomeCode.Succeeded, OutcomeCode.Failed] : [0];
  const flags: [number, string][] = [
    [PTE_MAPPED, `(held[${t}] & ${Lock.Rcu}) != 0`],
    [NEW_FOLIO_MAPPED, `fMap[${L.ownFolio(t)}] > 0`],
    [ANON_WRITE, `(held[${t}] & ${Lock.AnonWrite}) != 0`],
  ].filter(([bit]) => mask & (bit as number)) as [number, string][];
  const pmdOrder = sc.collapsePtes === L.ptes ? PMD_ORDER : 0;
  const out: { situation: number; condition: string }[] = [];
  for (const o of outcomes) {
    for (let combo = 0; combo < 1 << flags.length; combo++) {
      let sit = o | (mask & PMD_ORDER ? pmdOrder : 0);
      const terms = mask & OUTCOME ? [`outcome[${t}] == ${o}`] : [];
      flags.forEach(([bit, test], i) => {
        const on = (combo >> i) & 1;
        if (on) sit |= bit;
        terms.push(on ? `(${test})` : `!(${test})`);
      });
      out.push({ situation: sit, condition: terms.length ? terms.join(' && ') : 'true' });
    }
  }
  return out;
}

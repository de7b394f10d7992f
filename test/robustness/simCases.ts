// Fuzz cases for the interleaving simulator: random thread programs (the format the C extraction produces),
// with real and unknown ops, branches, loops, assumptions and, now and then, dangling successors. A valid
// program must give a verdict under a small budget; an invalid one must be refused with the scenario's own
// validation error, never a TypeError from deep inside the search.
import * as assert from 'node:assert/strict';
import {
  ACTOR_NAMES, OPS, programProblems, simulate, type ActorName, type Assumption, type ProgramNode, type Scenario, type ThreadProgram,
} from '../../server/src/core/sim';
import { prng, type Random } from './generators';
import type { FuzzCase } from './plans';

const ASSUMPTIONS: Assumption[] = ['succeeded', 'failed', 'pte-mapped', 'no-pte-mapped', 'new-folio-mapped', 'new-folio-not-mapped',
  'anon-vma-write-locked', 'anon-vma-not-write-locked', 'pmd-order', 'not-pmd-order'];
const ARGS = ['&_pmd', 'pmd', 'pml', 'ptl', 'pte_ptl', 'vma', 'mm', 'vma->anon_vma', ''];

export function randomProgram(random: Random, index: number): ThreadProgram {
  const ops = Object.keys(OPS);
  const size = 1 + random.int(30);
  const broken = random.chance(0.1);
  const nodes: ProgramNode[] = Array.from({ length: size }, (_, id) => {
    const node: ProgramNode = { id, succ: [] };
    if (random.chance(0.8)) node.op = random.chance(0.9) ? random.pick(ops) : `unknown_op_${random.int(5)}`;
    if (node.op && random.chance(0.4)) node.args = Array.from({ length: 1 + random.int(3) }, () => random.pick(ARGS));
    if (random.chance(0.2)) node.assume = random.pick(ASSUMPTIONS);
    if (random.chance(0.3)) node.loc = { line: 1 + random.int(5000), column: 1 + random.int(80) };
    // Mostly forward edges (straight-line code with branches), some backward (loops), few ends.
    const successors = random.chance(0.1) ? 0 : random.chance(0.7) ? 1 : 2 + random.int(2);
    for (let k = 0; k < successors; k++) {
      node.succ.push(random.chance(0.8) ? Math.min(size - 1, id + 1 + random.int(3)) : random.int(size));
    }
    if (node.succ.length === 1 && node.succ[0] === id) node.succ = [];
    return node;
  });
  if (broken) nodes[random.int(size)].succ.push(size + random.int(10));
  return { name: `random program ${index}`, entry: 0, nodes };
}

function randomActors(random: Random): ActorName[] {
  return Array.from({ length: random.int(3) }, () => random.pick(ACTOR_NAMES));
}

/** Checks one simulation result's shape (any verdict is fine). */
function assertVerdict(result: ReturnType<typeof simulate>): void {
  assert.ok(['safe', 'violation', 'incomplete'].includes(result.verdict), `verdict ${result.verdict}`);
  assert.ok(Number.isInteger(result.statesExplored) && result.statesExplored >= 0);
  for (const v of result.violations) assert.ok(v.trace.length > 0, `${v.rule}: empty trace`);
  if (result.verdict === 'incomplete') assert.ok(result.coverage, 'an incomplete verdict says how far it got');
}

export function* simScenarioCases(scenarios: { label: string; scenario: Scenario }[], maxStates: number, maxSeconds: number): Generator<FuzzCase> {
  for (const { label, scenario } of scenarios) yield { label, run: () => assertVerdict(simulate(scenario, { maxStates, maxSeconds })) };
}

export function* simRandomCases(seed: number, count: number, maxStates: number): Generator<FuzzCase> {
  const random = prng(seed);
  for (let i = 0; i < count; i++) {
    const program = randomProgram(random, i);
    const actors = randomActors(random);
    const ptes = 1 + random.int(4);
    const scenario = { program, actors, ptes, collapsePtes: 1 + random.int(ptes), actorPte: random.int(ptes), copyMayFail: random.chance(0.5) };
    yield {
      label: `random program ${i} with ${actors.join(', ') || 'no actors'}, ${ptes} PTEs (seed ${seed})`,
      run: () => {
        const problems = programProblems(program);
        let result;
        try {
          result = simulate(scenario, { maxStates, maxSeconds: 2 });
        } catch (e) {
          assert.ok(problems.length > 0, `a valid program was refused: ${e instanceof Error ? e.stack : String(e)}`);
          assert.ok(e instanceof Error && /^program /.test(e.message), `an invalid program failed with something else than the validation error: ${e instanceof Error ? e.stack : String(e)}`);
          return;
        }
        assert.equal(problems.length, 0, `an invalid program was simulated: ${problems.join('; ')}`);
        assertVerdict(result);
      },
    };
  }
}

// The interleaving simulator (server/src/core/sim): time to verdict per scenario, on the reference programs
// and on the collapse thread extracted from the real 6.12.117 collapse_huge_page(); a fully explored scenario
// for the sustained states-per-second rate; and SPIN on the exported Promela model of two scenarios, when
// `spin` and a C compiler are installed.
import { Checker } from '../server/src/core';
import {
  collapseV72, devJainRfcV1Like, exportPromela, mainlineCollapse, runSpin, simulate, spinAvailable, withoutTlbSync,
  type ActorName, type Scenario, type ThreadProgram,
} from '../server/src/core/sim';
import { kernelText, SERIES_BASE } from './corpus';
import { progress, round, timed } from './measure';

export interface ScenarioTiming {
  scenario: string;
  verdict: string;
  rules: string[];
  states: number;
  ms: number;
  statesPerSec: number;
}

export interface SpinTiming {
  scenario: string;
  verdict: string;
  statesStored: number;
  /** spin -a and gcc. */
  buildMs: number;
  /** ./pan alone. */
  verifyMs: number;
  /** Our simulator on the same scenario. */
  simulatorMs: number;
}

export interface SimulatorResult {
  /** Sustained rate: the fully explored scenario below (the short ones are dominated by setup). */
  statesPerSec: number;
  sustained: ScenarioTiming;
  scenarios: ScenarioTiming[];
  extractMs: number;
  spin: SpinTiming[] | null;
}

const FEW: ActorName[] = ['gup-fast'];
const MANY: ActorName[] = ['fault-vma-lock', 'gup-fast', 'rmap-walk'];

function run(name: string, scenario: Scenario, options: Parameters<typeof simulate>[1] = {}): ScenarioTiming {
  const { ms, value } = timed(() => simulate(scenario, options));
  return {
    scenario: name, verdict: value.verdict, rules: [...new Set(value.violations.map((v) => v.rule))],
    states: value.statesExplored, ms: round(ms), statesPerSec: Math.round(value.statesExplored / (ms / 1000)),
  };
}

export async function simulatorBench(): Promise<SimulatorResult> {
  progress('simulator: extracting collapse_huge_page() from 6.12.117');
  const checker = await Checker.create();
  const extracted = timed(() => checker.threadProgram(SERIES_BASE, kernelText(SERIES_BASE), 'collapse_huge_page'));
  const programs: [string, ThreadProgram | undefined][] = [
    ['6.12.117 collapse_huge_page (extracted)', extracted.value],
    ['mainline collapse (reference)', mainlineCollapse()],
    ['7.2 collapse, mTHP orders (reference)', collapseV72()],
    ['RFC v1-like vma_collapse_anon_folio', devJainRfcV1Like()],
    ['mainline without tlb_remove_table_sync_one', withoutTlbSync()],
  ];
  progress('simulator: time to verdict per scenario');
  const scenarios: ScenarioTiming[] = [];
  for (const [name, program] of programs) {
    if (!program) continue;
    for (const actors of [FEW, MANY]) scenarios.push(run(`${name} vs ${actors.join(', ')}`, { program, actors }));
  }
  progress('simulator: a fully explored scenario for the sustained rate');
  const sustained = run('mainline collapse vs fault-vma-lock, gup-fast, rmap-walk, zap; 4 PTEs; every state',
    { program: mainlineCollapse(), actors: [...MANY, 'zap'], ptes: 4 }, { stopAtFirstViolation: false, maxStates: 2_000_000, maxSeconds: 60 });
  return { statesPerSec: sustained.statesPerSec, sustained, scenarios, extractMs: round(extracted.ms), spin: await spinBench() };
}

async function spinBench(): Promise<SpinTiming[] | null> {
  if (!(await spinAvailable())) {
    progress('simulator: spin is not installed (apt-get install spin): no SPIN figures');
    return null;
  }
  const out: SpinTiming[] = [];
  for (const [name, program] of [['mainline collapse vs gup-fast', mainlineCollapse()], ['RFC v1-like vs gup-fast', devJainRfcV1Like()]] as const) {
    progress(`simulator: SPIN on ${name}`);
    const scenario: Scenario = { program, actors: FEW };
    const spin = await runSpin(exportPromela(scenario));
    out.push({
      scenario: name, verdict: spin.verdict, statesStored: spin.statesStored, buildMs: round(spin.buildSeconds * 1000),
      verifyMs: round(spin.seconds * 1000), simulatorMs: run(name, scenario).ms,
    });
  }
  return out;
}

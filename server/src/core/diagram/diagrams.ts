// The two diagrams of a function, from an analysed C text: the static protocol match and a simulation. The
// language server and the CLI both call these, so a diagram in the editor and in the HTML report are built
// the same way; they differ only in how a location is named (a URI, or a path) and placed (patch lines).
import { detectVariant, type FunctionReport } from '../analysis';
import { VARIANT_STEPS } from '../model/protocol';
import type { ProtocolVariant } from '../model/protocolMatch';
import { ACTORS, formatSummary, type ActorName, type SimulationResult } from '../sim';
import { threadNames, type Scenario } from '../sim/scenario';
import { fromProtocolMatch, variantName } from './fromProtocolMatch';
import { fromSimulation } from './fromSimulation';
import type { DiagramModel, SourceLocation } from './model';
import { locationText } from './render';
import { diagramMatch } from './protocolMatchNotation';
import { simulationInputFor, type SimulationInput, type ThreadExtractor } from './threadProgram';

/** An analysed C text (a file, or a patch's post-image) and how to show places in it. */
export interface AnalysedSource {
  text: string;
  functions: FunctionReport[];
  /** Where a 1-based position of `text` is shown and revealed (a URI or path; a patch line when it has one). */
  locate: (at: { line: number; column: number }) => SourceLocation | undefined;
  /** For titles: `mm/khugepaged.c`, or `mm/khugepaged.c after "[PATCH 3/7] …"`. */
  where: string;
  /** For a patch's post-image: post-image line → the patch line showing it (sources.ts). */
  patchLines?: Map<number, number>;
  /** The protocol variant the text was checked against (CheckResult.variant); detected from the text if absent. */
  variant?: ProtocolVariant;
}

/** `mm/khugepaged.c, at khugepaged.c:1094` or, in a patch, `… after "[PATCH] …", at 0001-x.patch:40`. */
function where(fn: FunctionReport, source: AnalysedSource): string {
  if (!source.patchLines) return `${source.where}, line ${fn.startLine}`;
  const start = source.locate({ line: fn.startLine, column: 1 });
  return start ? `${source.where}, at ${locationText(start)}` : source.where;
}

/** The function whose text contains the 1-based `line`. */
export function functionAt(functions: FunctionReport[], line: number): FunctionReport | undefined {
  return functions.find((f) => f.startLine <= line && line <= f.endLine);
}

/** The function with the most calls of collapse-protocol steps (a default when no function is named). */
export function mostProtocolLike(functions: FunctionReport[]): FunctionReport | undefined {
  const stepCalls = new Set(Object.values(VARIANT_STEPS).flatMap((steps) => steps.flatMap((s) => s.calls)));
  let best: FunctionReport | undefined;
  let bestCount = 0;
  for (const f of functions) {
    const count = new Set(f.callSites.map((s) => s.name).filter((n) => stepCalls.has(n))).size;
    if (count > bestCount) {
      best = f;
      bestCount = count;
    }
  }
  return best;
}

export function staticDiagram(fn: FunctionReport, source: AnalysedSource): DiagramModel {
  const variant = source.variant ?? detectVariant(source.text);
  const match = diagramMatch(fn, variant); // WIRE-PROTOCOL-MATCH (protocolMatchNotation.ts)
  return fromProtocolMatch(match, {
    title: `${fn.name}(): protocol steps`,
    subtitle: `${where(fn, source)}. Checked against the ${variantName(variant)}.`,
    locate: source.locate,
    findings: fn.findings.filter((f) => f.rule !== 'ANALYSIS-LIMIT'),
  });
}

export interface PreparedSimulation {
  scenario: Scenario;
  input: SimulationInput;
}

/** The scenario to simulate for `fn`, or why there is none. `extract` is the checker's Checker.threadProgram. */
export function prepareSimulation(fn: FunctionReport, source: AnalysedSource, actors: ActorName[], extract: ThreadExtractor):
  PreparedSimulation | { message: string } {
  if (actors.length === 0) return { message: 'Choose at least one concurrent actor to simulate against.' };
  const input = simulationInputFor(fn, source.text, extract); // WIRE-THREAD-EXTRACTION (threadProgram.ts)
  if ('message' in input) return input;
  return { scenario: { program: input.program, actors }, input };
}

export function simulationDiagram(fn: FunctionReport, source: AnalysedSource, prepared: PreparedSimulation,
  result: SimulationResult): DiagramModel {
  const { scenario, input } = prepared;
  const actorSummaries = Object.fromEntries(scenario.actors.map((a) => [a, ACTORS[a].summary]));
  return fromSimulation(result, undefined, {
    threads: threadNames(scenario),
    actorSummaries,
    title: `${fn.name}() against ${scenario.actors.join(', ')}`,
    subtitle: `${where(fn, source)}. The shortest interleaving that breaks a rule, if any.`,
    locate: (step) => {
      const at = input.locate(step);
      return at ? source.locate(at) : undefined;
    },
    notes: input.notes,
  });
}

/** The text summary of a simulation (the editor's output channel, the CLI's standard output). */
export function simulationSummary(fnName: string, source: AnalysedSource, actors: string[], result: SimulationResult): string {
  const where = source.where;
  const lines = [
    `Simulation of ${fnName}() in ${where} against ${actors.join(', ')}: ${result.verdict} ` +
      `(${result.statesExplored} states, ${result.seconds.toFixed(2)} s)`,
  ];
  if (result.coverage) {
    lines.push(`  stopped: ${result.coverage.reason}; every interleaving shorter than ${result.coverage.depthCompleted} operations explored`);
  }
  for (const v of result.violations) {
    lines.push(`  ${v.rule} with ${v.actor} (${v.trace.length} steps): ${v.message}`);
    v.trace.forEach((s, i) => {
      const place = s.threadIndex === 0 && s.loc ? source.locate(s.loc) : undefined;
      const at = place ? ` at ${locationText(place)}` : '';
      lines.push(`    ${String(i + 1).padStart(3)}. ${s.thread}: ${s.op}(${(s.args ?? []).join(', ')})${at}`);
    });
    const last = v.trace[v.trace.length - 1];
    if (last) lines.push(`    state after the last step: ${formatSummary(last.stateAfter)}`);
  }
  if (result.verdict === 'safe') lines.push('  No interleaving of these threads breaks a rule.');
  return lines.join('\n');
}

// Simulator result → DiagramModel: one lane per thread (the collapse program, then each actor), the trace's
// steps in order, bands from the protocol step (a–f) of each collapse call, lock bars and the state strip
// from the state summary after every step, and the last step highlighted with the rule it breaks.
import { protocolRow, VARIANT_STEPS } from '../model/protocol';
import type { SimulationResult, SimulationViolation, StateSummary, TraceStep } from '../sim';
import {
  lockBarsFromSnapshots, STRIP_KEYS, STRIP_LABELS, type DiagramBand, type DiagramLane, type DiagramModel, type DiagramStep,
  type DiagramVerdict, type SourceLocation, type StripKey, type StripRow,
} from './model';

export interface FromSimulationOptions {
  /** The scenario's thread names in thread order (program first, then the actors): lanes for threads that never moved. */
  threads?: string[];
  /** One line per actor for the lane legend. */
  actorSummaries?: Record<string, string>;
  title?: string;
  subtitle?: string;
  /** Where a collapse step's call is in the user's document; default: the step's own `loc` in `file`. */
  locate?: (step: TraceStep) => SourceLocation | undefined;
  file?: string;
  notes?: string[];
}

/** The simulator notes the MMU-notifier bracket as a held "lock"; the diagram shows it in the strip instead. */
const NOTIFIER_LOCK = 'notifier range';
const PROPOSED_TITLES = new Map(VARIANT_STEPS['proposed-mthp'].map((s) => [s.step, s.title]));
const BEFORE_A = { id: 'before-a', title: 'before step a: allocate, look up and revalidate' };

/**
 * `trace` defaults to the first (shortest) violation's trace. A safe or incomplete result without a trace
 * gives a model with the lanes and the verdict but no steps.
 */
export function fromSimulation(result: SimulationResult, trace?: TraceStep[], options: FromSimulationOptions = {}): DiagramModel {
  const violation = trace ? result.violations.find((v) => v.trace === trace) : result.violations[0];
  const steps = trace ?? violation?.trace ?? [];
  const lanes = lanesOf(steps, options);
  const shorten = shortener(lanes);
  const locate = options.locate ?? ((s: TraceStep) => (s.loc ? { file: options.file, ...s.loc } : undefined));

  const diagramSteps: DiagramStep[] = steps.map((s, index) => {
    const location = s.threadIndex === 0 ? locate(s) : undefined;
    return {
      index, lane: s.threadIndex, op: s.op, label: `${s.op}(${(s.args ?? []).join(', ')})`,
      ...(location ? { location } : {}),
      stateAfter: describeState(s.stateAfter, lanes).map(shorten),
    };
  });
  const bands = bandsOf(steps, diagramSteps);
  const lockBars = lockBarsFromSnapshots(steps.map((s) => locksByLane(s.stateAfter, lanes)));
  const strip: StripRow[] = STRIP_KEYS.map((key) => ({
    key, label: STRIP_LABELS[key], values: steps.map((s) => shorten(stripValue(key, s.stateAfter, lanes))),
  }));

  return {
    kind: 'mm-review-diagram', version: 1, mode: 'simulation',
    title: options.title ?? `Simulation of ${lanes[0]?.label ?? 'the collapse thread'}`,
    ...(options.subtitle ? { subtitle: options.subtitle } : {}),
    verdict: verdictOf(result, violation, steps.length),
    lanes, steps: diagramSteps, bands, lockBars, strip,
    ...(violation && steps.length ? { highlight: { step: steps.length - 1, rule: violation.rule, message: shorten(violation.message) } } : {}),
    notes: [...(options.notes ?? []), ...coverageNotes(result)],
  };
}

function lanesOf(steps: TraceStep[], options: FromSimulationOptions): DiagramLane[] {
  const names = [...(options.threads ?? [])];
  for (const s of steps) if (names[s.threadIndex] === undefined) names[s.threadIndex] = s.thread;
  return names.map((name, index) => {
    const label = name ?? `thread ${index}`;
    const summary = options.actorSummaries?.[label.replace(/#\d+$/, '')];
    return {
      index, label, short: index === 0 ? 'collapse' : label, role: index === 0 ? 'collapse' : 'actor',
      ...(summary ? { summary } : {}),
    };
  });
}

/** Replaces the (long) thread names inside the simulator's descriptions by the lanes' short names. */
function shortener(lanes: DiagramLane[]): (text: string) => string {
  const byLength = lanes.filter((l) => l.label !== l.short).sort((a, b) => b.label.length - a.label.length);
  return (text) => byLength.reduce((t, lane) => t.split(lane.label).join(lane.short), text);
}

function locksByLane(summary: StateSummary, lanes: DiagramLane[]): Map<number, string[]> {
  const byLane = new Map<number, string[]>();
  for (const lane of lanes) {
    const held = (summary.locks[lane.label] ?? []).filter((l) => l !== NOTIFIER_LOCK);
    if (held.length) byLane.set(lane.index, held);
  }
  return byLane;
}

function stripValue(key: StripKey, summary: StateSummary, lanes: DiagramLane[]): string {
  switch (key) {
    case 'pmd': return summary.pmd;
    // 'T0 detached(hidden by …)': a space lets the narrow strip cell wrap before the parenthesis.
    case 'pte': return summary.tables.join('; ').replace(/(\S)\(hidden by /g, '$1 (hidden by ') || 'none';
    case 'tlb': {
      const entries = Object.entries(summary.tlb).map(([thread, e]) => `${thread}: ${e.join(', ')}`);
      return entries.join('; ') || 'no cached entries';
    }
    case 'notifier': {
      const open = lanes.filter((l) => summary.locks[l.label]?.includes(NOTIFIER_LOCK)).map((l) => l.label);
      return open.length ? `open (${open.join(', ')})` : 'closed';
    }
  }
}

function describeState(summary: StateSummary, lanes: DiagramLane[]): string[] {
  const locks = lanes.map((l) => `${l.label}: ${(summary.locks[l.label] ?? []).join(', ') || 'no locks'}`);
  const tlb = Object.entries(summary.tlb).map(([thread, e]) => `TLB of ${thread}: ${e.join(', ')}`);
  return [
    ...locks,
    `PMD: ${summary.pmd}`,
    ...summary.tables.map((t) => `table ${t}`),
    ...(tlb.length ? tlb : ['TLB: no cached entries']),
    ...summary.folios.map((f) => `folio ${f}`),
  ];
}

/**
 * Bands follow the collapse thread: each of its calls that PROTOCOL.md §5.1 assigns to a step a–f starts or
 * continues that step's band; other calls and the actors' steps stay in the current band. Step a begins with
 * mmap_write_lock(): what comes before it (allocation, look-up and revalidation under the read lock) is
 * "before a", even for calls a–f also uses. A step can come back (mainline drops A:W, an `f` call, before it
 * copies, a `d` call): bands are as the trace ran, not sorted.
 */
function bandsOf(trace: TraceStep[], steps: DiagramStep[]): DiagramBand[] {
  const bands: DiagramBand[] = [];
  let current: { id: string; title: string } = BEFORE_A;
  const aStarts = Math.max(trace.findIndex((s) => s.threadIndex === 0 && s.op === 'mmap_write_lock'), 0);
  trace.forEach((s, i) => {
    const proposed = s.threadIndex === 0 && i >= aStarts ? protocolRow(s.op)?.steps?.proposed?.split('/')[0] : undefined;
    if (proposed && proposed !== current.id) current = { id: proposed, title: PROPOSED_TITLES.get(proposed) ?? proposed };
    steps[i].band = current.id;
    const last = bands[bands.length - 1];
    if (last && last.id === current.id) last.toStep = i;
    else bands.push({ ...current, fromStep: i, toStep: i, missing: false });
  });
  return bands;
}

function verdictOf(result: SimulationResult, violation: SimulationViolation | undefined, length: number):
  { kind: DiagramVerdict; text: string } {
  const run = `${result.statesExplored} states in ${result.seconds.toFixed(2)} s`;
  if (violation) {
    return { kind: 'violation', text: `${violation.rule} broken with ${violation.actor} after ${length} steps (${run})` };
  }
  if (result.verdict === 'safe') return { kind: 'safe', text: `No interleaving breaks a rule (${run}).` };
  return { kind: 'incomplete', text: `Incomplete: the search stopped (${result.coverage?.reason ?? 'budget'}) before it covered every interleaving (${run}).` };
}

function coverageNotes(result: SimulationResult): string[] {
  const notes = result.violations.slice(1).map((v) => `Also broken: ${v.rule} with ${v.actor} (${v.trace.length} steps).`);
  if (result.coverage) {
    notes.push(`Every interleaving shorter than ${result.coverage.depthCompleted} operations was explored; ` +
      `${result.coverage.statesQueued} states were still queued.`);
  }
  return notes;
}

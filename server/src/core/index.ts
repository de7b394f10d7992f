// The analysis core's public API. Nothing under core/ imports an editor module (a test enforces it): the CLI,
// the language server, the tests and the benchmarks all call these functions and get plain data back.
import { CDocument, type CheckResult } from './document';
import type { AnalysisOptions } from './analysis';
import type { FunctionSummary, SummaryOutcome } from './check/summary';
import { kernelHeaderInputs } from './kernelHeaders';
import { loadCParser, type CParser } from './parse/parser';
import { SeriesChecker } from './review/seriesCheck';
import { threadProgramOf } from './simulation/threadOf';
import type { ThreadProgram } from './sim/program';

export type { Finding, Severity, RelatedLocation, SourceRange } from './findings';
export type { CheckResult, TextEdit } from './document';
export type { FunctionReport, AnalysisOptions } from './analysis';
export type { FunctionSummary } from './check/summary';
export { CDocument } from './document';
export { compareFindings } from './findings';
export { describeLockCall, describeProtocolCall } from './model/describe';
export type { ProtocolCallDescription } from './model/describe';
export { matchProtocol } from './check/protocolMatch';
export type { ProtocolMatch, ProtocolStepMatch, ProtocolVariant } from './model/protocolMatch';
export { PROTOCOL_VARIANTS } from './model/protocolMatch';
export { parseKernelVersion, versionFromMakefile } from './model/kernels';
export type { CallSiteRecord } from './check/protocolTracker';
export type { FindingFix } from './findings';
export { RULES, ruleDocPath } from './rules';
export { SeriesChecker, FIXED_PREFIX, POST_IMAGE_SCHEME, postImageKey } from './review/seriesCheck';
export { SeriesWorker } from './review/worker';
export type { SeriesCheckInput, SeriesCheckResult, PatchReport, FileReport, FunctionChange, PostImage } from './review/seriesCheck';
export type { BaseOptions, BaseSource } from './review/baseResolver';
export type { HunkStats } from './patch';
export type { ThreadProgram } from './sim/program';
export {
  ACTOR_NAMES, exportPromela, formatSummary, isActorName, runSimulation, runSimulationInWorker, simulate,
} from './sim';
export type { ActorName, SimulationResult, TraceStep } from './sim';
// Protocol diagrams and the simulation behind them, for the language server and the CLI (issue 7).
export * from './diagram';

/** Files that are patches or mails rather than C: the extensions the editor and the CLI treat as series. */
export const PATCH_EXTENSIONS = ['.patch', '.diff', '.mbx', '.mbox', '.eml'];

export interface CheckInput {
  /** The document's name as findings should report it (a path or a URI). */
  file: string;
  text: string;
}

export class Checker {
  private constructor(private readonly parser: CParser, private readonly options: AnalysisOptions) {}

  static async create(options: AnalysisOptions = {}): Promise<Checker> {
    return new Checker(await loadCParser(), options);
  }

  /**
   * What the functions the texts define (a kernel tree's include/linux/*.h) do to their callers' locks, by
   * name, for `externalSummaries`. Only what a caller can follow: the same lock effects on every outcome
   * (`inode_lock()`), or effects told apart by a known return value (`inode_trylock()`). A helper whose effect
   * depends on a flag of its argument (`release_fault_lock()` tests FAULT_FLAG_VMA_LOCK), or a name defined
   * differently per configuration (`#ifdef CONFIG_PER_VMA_LOCK`), stays an unknown call.
   */
  summariesOf(inputs: CheckInput[]): Map<string, FunctionSummary> {
    const found = new Map<string, (FunctionSummary | undefined)[]>();
    for (const input of inputs) {
      for (const f of this.check(input).functions) found.set(f.name, [...(found.get(f.name) ?? []), f.summary]);
    }
    const out = new Map<string, FunctionSummary>();
    for (const [name, variants] of found) {
      const [first] = variants;
      if (!first || !variants.every((v) => v !== undefined && effectsOf(v) === effectsOf(first))) continue;
      // Its lock effects only: a requirement or an assertion would point at the header's lines from the file
      // that calls it.
      if (followable(first)) out.set(name, { ...first, requires: [], expects: [] });
    }
    return out;
  }

  /**
   * `summariesOf()` the headers of a kernel tree's include/linux (kernelHeaders.ts); undefined when `tree` has
   * no include/linux.
   */
  summariesOfKernelTree(tree: string): Map<string, FunctionSummary> | undefined {
    const inputs = kernelHeaderInputs(tree);
    return inputs && this.summariesOf(inputs);
  }

  /** One-shot check of a C text. */
  check(input: CheckInput): CheckResult {
    const doc = this.open(input.file, input.text);
    try {
      return doc.analyze();
    } finally {
      doc.dispose();
    }
  }

  /** A document to keep open and edit: re-checks reuse the previous tree and per-function results. */
  open(file: string, text: string): CDocument {
    return new CDocument(this.parser, file, text, this.options);
  }

  /**
   * The collapse thread of `functionName` in `text`, for the simulator (undefined when there is no such
   * function). `location` maps document rows to what traces report (patch lines for a patch).
   */
  threadProgram(file: string, text: string, functionName: string,
    location?: (row: number, column: number) => { line: number; column: number }): ThreadProgram | undefined {
    const reports = this.check({ file, text }).functions;
    return threadProgramOf(this.parser, text, functionName, reports, location);
  }

  /**
   * A checker for patch series. It keeps one analysed document per patched path, so the post-image of patch
   * k-1 (the pre-image of patch k) is not analysed twice, and a re-check after an edit of patch k reuses
   * everything before it.
   */
  series(): SeriesChecker {
    // Every image of a series (one per patch touching the path, plus the base) stays cached, so an edit of
    // patch k re-analyses only the images from k on and an undo costs nothing (docs/benchmarks.md). The bound
    // keeps a pathological 100-patch series from holding every result it ever saw.
    const IMAGES_PER_PATH = 48;
    const documents = new Map<string, CDocument>();
    const results = new Map<string, { text: string; result: CheckResult }[]>();
    return new SeriesChecker((path, text) => {
      const recent = results.get(path) ?? [];
      const hit = recent.find((r) => r.text === text);
      if (hit) return hit.result;
      let doc = documents.get(path);
      if (!doc) documents.set(path, (doc = this.open(path, text)));
      else doc.setText(text);
      const result = doc.analyze();
      results.set(path, [{ text, result }, ...recent].slice(0, IMAGES_PER_PATH));
      return result;
    });
  }
}

/** A summary's lock effects per outcome, as a key: two definitions of a name agree when their keys do. */
function effectsOf(summary: FunctionSummary): string {
  return JSON.stringify(summary.outcomes.map((o) => [o.returns, outcomeEffects(o)]));
}

function outcomeEffects(o: SummaryOutcome): string {
  return JSON.stringify(o.effects.map((e) => [e.op, e.family, e.identity, e.mode]));
}

/** The same effects on every outcome, or outcomes that differ only where their return values do and say so. */
function followable(summary: FunctionSummary): boolean {
  const [first] = summary.outcomes;
  // An assertion in a header (vma_assert_locked() tests rwsem_is_locked() before asserting the write lock)
  // is a contract this table reads in its own rows, not through a summary.
  if (summary.expects.length > 0 || summary.outcomes.some((o) => o.givenAway.length > 0)) return false;
  if (summary.outcomes.every((o) => outcomeEffects(o) === outcomeEffects(first))) return true;
  return summary.outcomes.every((o) => o.conditions.length === 0 && (o.returns.eq !== undefined || o.returns.truth !== undefined));
}

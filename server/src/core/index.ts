// The analysis core's public API. Nothing under core/ imports an editor module (a test enforces it): the CLI,
// the language server, the tests and the benchmarks all call these functions and get plain data back.
import { CDocument, type CheckResult } from './document';
import type { AnalysisOptions } from './analysis';
import { loadCParser, type CParser } from './parse/parser';
import { SeriesChecker } from './review/seriesCheck';
import { threadProgramOf } from './simulation/threadOf';
import type { ThreadProgram } from './sim/program';

export type { Finding, Severity, RelatedLocation, SourceRange } from './findings';
export type { CheckResult, TextEdit } from './document';
export type { FunctionReport, AnalysisOptions } from './analysis';
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

// mmReview/protocolDiagram and mmReview/simulate: the diagram of the function at a position. Thin: it finds
// the function (in a C document, or in the post-image of a patch the cursor is in) and calls the core's
// diagram builders; the simulation runs in a worker thread and stops when the client cancels the request.
import { fileURLToPath } from 'node:url';
import type { CancellationToken } from 'vscode-languageserver';
import {
  atPatchLine, cSource, functionAt, isActorName, patchSources, prepareSimulation, runPreparedSimulation, simulationDiagram,
  simulationSummary, staticDiagram, type ActorName, type AnalysedSource, type Checker, type FunctionReport,
} from '../core';
import type {
  FunctionAtParams, ProtocolDiagramResult, SimulateParams, SimulateResult, SimulationProgressParams,
} from '../lsp-ext';
import type { DocumentCheck } from './documentCheck';
import type { TrackedDocument } from './documents';
import { postImageUri } from './patchAnalysis';

/** What the handlers need from the server. */
export interface DiagramContext {
  document(uri: string): TrackedDocument | undefined;
  /** The check of the document's current version (running one now if the last is older). */
  currentCheck(uri: string): Promise<DocumentCheck | undefined>;
  checker(): Checker | undefined;
  progress(params: SimulationProgressParams): void;
}

const DEFAULT_MAX_SECONDS = 30;

export class DiagramRequests {
  constructor(private readonly ctx: DiagramContext) {}

  async protocolDiagram(params: FunctionAtParams): Promise<ProtocolDiagramResult> {
    const found = await this.functionAt(params);
    if ('message' in found) return found;
    return { model: staticDiagram(found.fn, found.source) };
  }

  async simulate(params: SimulateParams, token: CancellationToken): Promise<SimulateResult> {
    const unknown = params.actors.filter((a) => !isActorName(a));
    if (unknown.length) return { message: `Unknown actor${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.` };
    const actors = params.actors as ActorName[];
    const found = await this.functionAt(params);
    if ('message' in found) return found;
    const { fn, source } = found;
    const checker = this.ctx.checker();
    if (!checker) return { message: 'The C parser did not load (see the MM Review output).' };
    const prepared = prepareSimulation(fn, source, actors, (text, name) => checker.threadProgram(params.uri, text, name));
    if ('message' in prepared) return prepared;

    const abort = new AbortController();
    const cancellation = token.onCancellationRequested(() => abort.abort());
    const { progressToken } = params;
    try {
      const result = await runPreparedSimulation(prepared, { maxSeconds: params.maxSeconds ?? DEFAULT_MAX_SECONDS },
        progressToken ? (p) => this.ctx.progress({ progressToken, statesExplored: p.statesExplored, depth: p.depth, seconds: p.seconds }) : undefined,
        abort.signal);
      return {
        model: simulationDiagram(fn, source, prepared, result),
        verdict: result.verdict,
        summary: simulationSummary(fn.name, source, actors, result),
      };
    } finally {
      cancellation.dispose();
    }
  }

  private async functionAt({ uri, position }: FunctionAtParams): Promise<{ fn: FunctionReport; source: AnalysedSource } | { message: string }> {
    const doc = this.ctx.document(uri);
    if (!doc) return { message: 'MM Review draws diagrams of C files and patches; this document is neither.' };
    const check = await this.ctx.currentCheck(uri);
    const line = position.line + 1;
    if (doc.kind === 'patch') return this.functionInPatch(uri, doc, check, line);
    if (!check?.result) return { message: 'This document has not been analysed (see the MM Review output).' };
    const fn = functionAt(check.result.functions, line);
    if (!fn) return { message: 'Place the cursor inside a C function to see its protocol diagram.' };
    return { fn, source: cSource(uri, doc.getText(), check.result, shortName(uri)) };
  }

  private functionInPatch(uri: string, doc: TrackedDocument, check: DocumentCheck | undefined, line: number):
    { fn: FunctionReport; source: AnalysedSource } | { message: string } {
    const checker = this.ctx.checker();
    if (!check?.series || !checker) return { message: 'This patch has not been analysed (see the MM Review output).' };
    const sources = patchSources({ file: uri, text: doc.getText(), series: check.series },
      (image) => checker.check({ file: image.path, text: image.text }), (image) => postImageUri(image.key, image.path));
    if (sources.length === 0) {
      return { message: 'No C file of this patch could be applied to a base, so there is no patched function to draw. Set mmReview.kernelTree to a kernel tree.' };
    }
    const at = atPatchLine(sources, line);
    const fn = at && functionAt(at.source.functions, at.line);
    if (!at || !fn) return { message: 'Place the cursor inside a function the patch changes (on a + or context line of its hunk).' };
    return { fn, source: at.source };
  }
}

/** `mm/khugepaged.c` from `file:///…/linux/mm/khugepaged.c`: the last two path segments. */
function shortName(uri: string): string {
  let path = uri;
  try {
    if (uri.startsWith('file:')) path = fileURLToPath(uri);
  } catch { /* keep the URI */ }
  return path.split('/').slice(-2).join('/');
}

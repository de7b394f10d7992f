// One check of one open document: decides whether to analyse it (size limit, patch or C), runs the core and
// turns the outcome into diagnostics and stats. It never throws: a failure becomes an information diagnostic,
// so one bad document cannot take the server down or leave stale squiggles behind.
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { CheckResult, SeriesCheckResult, SeriesWorker } from '../core';
import type { DocumentCheckState, DocumentStats } from '../lsp-ext';
import { findingsToDiagnostics, noticeDiagnostic } from './diagnostics';
import type { TrackedDocument } from './documents';
import { checkPatch } from './patchAnalysis';
import type { MmReviewSettings } from './settings';

export interface DocumentCheck {
  version: number;
  diagnostics: Diagnostic[];
  stats: DocumentStats;
  /** The core's result, kept for hovers; absent unless the document was analysed as C. */
  result?: CheckResult;
  /** For a patch: the series check, kept for the outline and the post-image documents. */
  series?: SeriesCheckResult;
}

/**
 * A C document is checked synchronously (the promise is settled when it returns); a patch in the series worker,
 * whose check a newer version can cancel: then there is no check (undefined).
 */
export async function checkDocument(doc: TrackedDocument, settings: MmReviewSettings, log: (message: string) => void,
  workspaceFolders: string[] = [], seriesWorker?: SeriesWorker): Promise<DocumentCheck | undefined> {
  // The version checked is the one of the text read now: a patch's check awaits the worker, and edits may
  // arrive meanwhile.
  const { uri, version } = doc;
  const text = doc.getText();
  const bytes = Buffer.byteLength(text, 'utf8');
  const finish = (state: DocumentCheckState, diagnostics: Diagnostic[], result?: CheckResult): DocumentCheck =>
    ({ version, diagnostics, result, stats: statsOf({ uri, version }, state, diagnostics, bytes, result) });

  if (bytes > settings.maxDocumentBytes) {
    return finish('tooLarge', [noticeDiagnostic(
      `mm-review did not analyse this document: it is ${formatBytes(bytes)}, more than mmReview.maxDocumentBytes ` +
      `(${formatBytes(settings.maxDocumentBytes)}).`)]);
  }
  try {
    if (doc.kind === 'patch') {
      const patch = await checkPatch(doc, settings, workspaceFolders, seriesWorker);
      return patch && { ...finish(patch.state, patch.diagnostics), series: patch.series };
    }
    const cDocument = doc.cDocument;
    if (!cDocument) throw new Error('the C parser did not load (see the server log)');
    const result = cDocument.analyze();
    return finish('analyzed', findingsToDiagnostics(result.findings, doc.uri, settings), result);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log(`analysis of ${uri} (version ${version}) failed: ${e instanceof Error ? e.stack ?? reason : reason}`);
    return finish('failed', [noticeDiagnostic(`mm-review could not analyse this document: ${reason}`)]);
  }
}

/** Stats of an open document that has not been checked yet. */
export function pendingStats(doc: TrackedDocument): DocumentStats {
  return statsOf(doc, 'pending', [], Buffer.byteLength(doc.getText(), 'utf8'));
}

function statsOf(doc: { uri: string; version: number }, state: DocumentCheckState, diagnostics: Diagnostic[], bytes: number,
  result?: CheckResult): DocumentStats {
  const findings = diagnostics.filter((d) => d.code !== undefined);
  const count = (s: DiagnosticSeverity) => findings.filter((d) => d.severity === s).length;
  return {
    uri: doc.uri,
    version: doc.version,
    state,
    diagnostics: diagnostics.length,
    findings: findings.length,
    errors: count(DiagnosticSeverity.Error),
    warnings: count(DiagnosticSeverity.Warning),
    infos: count(DiagnosticSeverity.Information),
    functions: result?.functions.length ?? 0,
    bytes,
    parseMs: round(result?.parseMs ?? 0),
    analyzeMs: round(result?.analyzeMs ?? 0),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

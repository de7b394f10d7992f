// Patch documents (.patch/.diff/.mbx/.mbox/.eml, language `diff`): each document is checked as a series (an
// mbox holds a whole series; a single patch is a series of one) against the base the settings point to.
// Findings sit on the patch's own lines; related places in a reconstructed post-image become
// `mmreview-post:` URIs that the client opens read-only.
import type { Diagnostic } from 'vscode-languageserver';
import { POST_IMAGE_SCHEME, type Finding, type SeriesCheckResult, type SeriesWorker } from '../core';
import { POST_IMAGE_URI_SCHEME, type DocumentCheckState } from '../lsp-ext';
import { findingsToDiagnostics, noticeDiagnostic } from './diagnostics';
import type { TrackedDocument } from './documents';
import { kernelTreeOf, type MmReviewSettings } from './settings';

export interface PatchCheck {
  state: DocumentCheckState;
  diagnostics: Diagnostic[];
  series?: SeriesCheckResult;
}

/**
 * Checks a patch document in the series worker, which keeps its previous check (an edit of patch k redoes
 * patches k..N only) while the server goes on answering. Undefined when a newer version cancelled it.
 */
export async function checkPatch(doc: TrackedDocument, settings: MmReviewSettings, workspaceFolders: string[],
  worker: SeriesWorker | undefined): Promise<PatchCheck | undefined> {
  if (!worker) {
    return { state: 'failed', diagnostics: [noticeDiagnostic('mm-review could not analyse this patch: the C parser did not load (see the server log)')] };
  }
  const series = await worker.check(doc.uri, [{ fileName: doc.uri, text: doc.getText() }], { kernelTree: kernelTreeOf(settings, workspaceFolders) });
  if (!series) return undefined;
  const findings = series.findings.map((f) => withPostImageUris(f));
  const diagnostics = findingsToDiagnostics(findings, doc.uri, settings);
  const cFiles = series.patches.flatMap((p) => p.files).filter((f) => /\.[ch]$/.test(f.path));
  if (cFiles.length > 0 && cFiles.every((f) => f.status === 'no-base')) {
    diagnostics.push(noticeDiagnostic('mm-review found no base for the patched C files: each hunk was checked alone. ' +
      'Set mmReview.kernelTree to a kernel tree (a git checkout gives exact pre-images) for a full check.'));
  }
  return { state: 'analyzed', diagnostics, series };
}

/** The URI of a post-image document: the path is for the tab title, the query identifies the image. */
export function postImageUri(key: string, path: string): string {
  return `${POST_IMAGE_URI_SCHEME}:/${path.split('/').map(encodeURIComponent).join('/')}?${encodeURIComponent(key)}`;
}

function withPostImageUris(f: Finding): Finding {
  return {
    ...f,
    related: f.related.map((r) => {
      if (!r.file?.startsWith(POST_IMAGE_SCHEME)) return r;
      const key = r.file.slice(POST_IMAGE_SCHEME.length);
      return { ...r, file: postImageUri(key, key.split('\u0000')[2] ?? 'post-image') };
    }),
  };
}

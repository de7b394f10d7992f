// ============================================================================================================
// WIRE-PATCH-ANALYSIS: the one place where patch documents (.patch/.diff/.mbx/.mbox/.eml, language `diff`)
// are checked. The core cannot analyse patches yet, so this reports that as a notice. When the core offers
// patch analysis, return its findings here (converted by findingsToDiagnostics, like C findings) and set the
// state to 'analyzed'; nothing else in the server needs to change.
// ============================================================================================================
import type { Diagnostic } from 'vscode-languageserver';
import type { DocumentCheckState } from '../lsp-ext';
import { noticeDiagnostic } from './diagnostics';

export const PATCH_NOT_SUPPORTED_MESSAGE =
  'mm-review: patch analysis is not available yet; open the patched C file to check it.';

export interface PatchCheck {
  state: DocumentCheckState;
  diagnostics: Diagnostic[];
}

export function checkPatch(_uri: string, _text: string): PatchCheck {
  return { state: 'patchUnsupported', diagnostics: [noticeDiagnostic(PATCH_NOT_SUPPORTED_MESSAGE)] };
}

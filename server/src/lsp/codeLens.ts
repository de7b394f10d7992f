// A code lens above each collapse-like function: which protocol steps it performs (and where), which are
// missing, for the variant the file follows. Clicking opens the protocol diagram of the function.
import type { CodeLens } from 'vscode-languageserver';
import { matchProtocol, type CheckResult } from '../core';

export const SHOW_DIAGRAM_COMMAND = 'mmReview.showProtocolDiagram';

export function protocolLenses(uri: string, result: CheckResult): CodeLens[] {
  const out: CodeLens[] = [];
  for (const fn of result.functions) {
    const match = matchProtocol(fn, result.variant);
    if (!match) continue;
    const found = match.steps.filter((s) => !s.missing);
    const missing = match.steps.filter((s) => s.missing);
    const title = `mm-review ${result.variant} protocol: ${found.length}/${match.steps.length} steps` +
      (found.length ? ` (${found.map((s) => `${s.step}@${s.calls[0].line}`).join(' ')})` : '') +
      (missing.length ? ` — missing ${missing.map((s) => `${s.step} ${s.title}`).join(', ')}` : '');
    const line = fn.startLine - 1;
    out.push({
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title, command: SHOW_DIAGRAM_COMMAND, arguments: [uri, line] },
    });
  }
  return out;
}

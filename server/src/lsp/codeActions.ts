// Quick fixes: the mechanical, safe edits the core attached to a finding (e.g. add the missing unlock before
// a leaking goto). Each is an ordinary WorkspaceEdit the user accepts or not; the server never edits by itself.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { FindingFix } from '../core';

export function quickFixes(params: CodeActionParams, text: string): CodeAction[] {
  const lines = text.split('\n');
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    for (const fix of fixesOf(d)) {
      const line = fix.before.line - 1;
      const indent = /^\s*/.exec(lines[line] ?? '')?.[0] ?? '';
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [params.textDocument.uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${fix.text}\n` }] } },
      });
    }
  }
  return out;
}

function fixesOf(d: Diagnostic): FindingFix[] {
  const data = d.data as { fixes?: FindingFix[] } | undefined;
  return Array.isArray(data?.fixes) ? data!.fixes : [];
}

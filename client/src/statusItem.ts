// Status bar item "MM Review: N findings" for the active editor, kept up to date from the diagnostics VS Code
// holds (so it agrees with the Problems panel); the tooltip adds the server's timing for the last check.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { documentStatsRequest, type DocumentStats } from '../../server/src/lsp-ext';
import { plural } from './commands';
import { DOCUMENT_SELECTOR } from './languageClient';

const SOURCE = 'mm-review';

export function activate(ctx: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('mmReview.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'MM Review';
  let generation = 0;

  const update = async (): Promise<void> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || vscode.languages.match(DOCUMENT_SELECTOR, doc) === 0) {
      item.hide();
      return;
    }
    // Notices ("patch analysis is not available yet") have no rule code and are not findings.
    const findings = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SOURCE && d.code !== undefined);
    item.text = `$(checklist) MM Review: ${plural(findings.length, 'finding')}`;
    item.command = findings.length > 0 ? 'workbench.actions.view.problems' : 'mmReview.showOutput';
    item.show();
    const mine = ++generation;
    const stats = await client.sendRequest(documentStatsRequest, { uri: client.code2ProtocolConverter.asUri(doc.uri) })
      .catch(() => null);
    if (mine === generation) item.tooltip = tooltip(stats, findings.length > 0);
  };

  ctx.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(() => void update()),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (e.uris.some((u) => u.toString() === active)) void update();
    }),
  );
  void update();
}

const STATE_TEXT: Record<DocumentStats['state'], string> = {
  pending: 'not checked yet',
  analyzed: 'checked',
  tooLarge: 'not analysed: larger than mmReview.maxDocumentBytes',
  failed: 'the analysis failed (see the output)',
};

function tooltip(stats: DocumentStats | null, hasFindings: boolean): string {
  const click = hasFindings ? 'Click to open the Problems panel.' : 'Click to show the MM Review output.';
  if (!stats) return `MM Review\n${click}`;
  const lines = [`MM Review: ${STATE_TEXT[stats.state]} (version ${stats.version})`];
  if (stats.state === 'analyzed') {
    lines.push(`${stats.errors} errors, ${stats.warnings} warnings, ${stats.infos} infos in ${plural(stats.functions, 'function')}`,
      `parse ${stats.parseMs} ms, analysis ${stats.analyzeMs} ms`);
  }
  lines.push(click);
  return lines.join('\n');
}

// The "MM Review" commands of the command palette (package.json lists them under that category).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { recheckDocumentRequest } from '../../server/src/lsp-ext';

export function activate(ctx: vscode.ExtensionContext, client: LanguageClient): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('mmReview.restartServer', () => restartServer(client)),
    vscode.commands.registerCommand('mmReview.showOutput', () => client.outputChannel.show(true)),
    vscode.commands.registerCommand('mmReview.recheckDocument', (uri?: vscode.Uri) => recheckDocument(client, uri)),
  );
}

async function restartServer(client: LanguageClient): Promise<void> {
  try {
    await client.restart();
    vscode.window.setStatusBarMessage('MM Review: language server restarted', 3000);
  } catch (e) {
    client.outputChannel.error(`restart failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('MM Review: the language server did not restart. See "MM Review: Show Output".');
  }
}

/**
 * Checks the given document (default: the active editor's) right away and returns the number of findings,
 * or undefined when there is nothing mm-review checks. Tests and keybindings use the return value.
 */
async function recheckDocument(client: LanguageClient, uri?: vscode.Uri): Promise<number | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage('MM Review: open a C file or a patch to check it.');
    return undefined;
  }
  const stats = await client.sendRequest(recheckDocumentRequest, { uri: client.code2ProtocolConverter.asUri(target) });
  if (!stats) {
    void vscode.window.showInformationMessage('MM Review checks C files and patches; this document is neither.');
    return undefined;
  }
  vscode.window.setStatusBarMessage(`MM Review: ${plural(stats.findings, 'finding')} in ${vscode.workspace.asRelativePath(target)}`, 5000);
  return stats.findings;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

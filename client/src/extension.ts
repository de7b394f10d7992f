// VS Code entry point: one module per feature, each with its own activate() (vscode-clangd's layout).
import type * as vscode from 'vscode';
import * as commands from './commands';
import * as diagramPanel from './diagramPanel';
import * as languageClient from './languageClient';
import * as postImages from './postImages';
import * as simulation from './simulation';
import * as statusItem from './statusItem';

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const client = await languageClient.activate(ctx);
  commands.activate(ctx, client);
  statusItem.activate(ctx, client);
  postImages.activate(ctx, client);
  diagramPanel.activate(ctx, client);
  simulation.activate(ctx, client);
}

export function deactivate(): Promise<void> {
  return languageClient.deactivate();
}

// "MM Review: Simulate Function at Cursor": pick the concurrent actors, run the server's simulation with a
// cancellable progress notification, write the run to the "MM Review Simulation" output channel and show the
// shortest counterexample in the diagram panel (simulation mode).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ACTOR_NAMES, ACTORS } from '../../server/src/core/sim/actors';
import { simulateRequest, simulationProgressNotification, type SimulateResult } from '../../server/src/lsp-ext';
import { commandTarget, DiagramPanel, type DiagramSummary } from './diagramPanel';

/** workspaceState key of the actors picked last time (the picker starts from them). */
const LAST_ACTORS = 'mmReview.simulation.actors';
const DEFAULT_ACTORS = ['gup-fast', 'fault-vma-lock'];

export function activate(ctx: vscode.ExtensionContext, client: LanguageClient): void {
  const output = vscode.window.createOutputChannel('MM Review Simulation');
  ctx.subscriptions.push(output, vscode.commands.registerCommand('mmReview.simulateFunction',
    (uri?: vscode.Uri, position?: vscode.Position, actors?: string[]) => simulateFunction(ctx, client, output, uri, position, actors)));
}

async function simulateFunction(ctx: vscode.ExtensionContext, client: LanguageClient, output: vscode.OutputChannel,
  uri?: vscode.Uri, position?: vscode.Position, actors?: string[]): Promise<(DiagramSummary & { verdict?: string }) | undefined> {
  const target = commandTarget(uri, position);
  if (!target) {
    void vscode.window.showInformationMessage('MM Review: open a C file or a patch and put the cursor in a function.');
    return undefined;
  }
  const chosen = actors ?? await pickActors(ctx);
  if (!chosen || chosen.length === 0) return undefined;
  const progressToken = `simulate-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  let result: SimulateResult;
  try {
    result = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `MM Review: simulating against ${chosen.join(', ')}`, cancellable: true,
    }, async (progress, token) => {
      const listening = client.onNotification(simulationProgressNotification, (p) => {
        if (p.progressToken === progressToken) {
          progress.report({ message: `${p.statesExplored.toLocaleString()} states, all interleavings below ${p.depth} steps (${p.seconds.toFixed(1)} s)` });
        }
      });
      try {
        // The token sends $/cancelRequest; the server stops the search and answers with what it has.
        return await client.sendRequest(simulateRequest, {
          uri: client.code2ProtocolConverter.asUri(target.uri), position: client.code2ProtocolConverter.asPosition(target.position),
          actors: chosen, progressToken,
        }, token);
      } finally {
        listening.dispose();
      }
    });
  } catch (e) {
    if (e instanceof vscode.CancellationError) return undefined;
    throw e;
  }

  if (result.summary) {
    output.appendLine(result.summary);
    output.appendLine('');
  }
  if (!result.model) {
    void vscode.window.showInformationMessage(`MM Review: ${result.message ?? 'nothing to simulate here.'}`);
    return undefined;
  }
  const panel = DiagramPanel.show(ctx, client, result.model, target.column);
  if (result.verdict === 'violation') output.show(true);
  return { ...panel.summary(), verdict: result.verdict };
}

async function pickActors(ctx: vscode.ExtensionContext): Promise<string[] | undefined> {
  const last = new Set(ctx.workspaceState.get<string[]>(LAST_ACTORS, DEFAULT_ACTORS));
  const items = ACTOR_NAMES.map((name) => ({ label: name, detail: ACTORS[name].summary, picked: last.has(name) }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true, title: 'MM Review: simulate against which concurrent actors?',
    placeHolder: 'Each actor is one more thread; more actors take longer',
  });
  if (!picked) return undefined;
  const names = picked.map((p) => p.label);
  await ctx.workspaceState.update(LAST_ACTORS, names);
  return names;
}

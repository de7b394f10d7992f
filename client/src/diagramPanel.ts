// "MM Review: Show Protocol Diagram": the protocol steps of the function at the cursor as a webview panel
// (static mode), also used by "Simulate Function at Cursor" to show a trace (simulation mode). The page is
// drawn by dist/webview/diagram.js with the same renderer as the CLI's HTML report; this module gives it the
// model, a strict CSP, and reveals a step's source when the page asks for it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DiagramModel } from '../../server/src/core/diagram/model';
import { diagramPage, makeNonce } from '../../server/src/core/diagram/page';
import { renderDiagram } from '../../server/src/core/diagram/render';
import {
  protocolDiagramRequest, type DiagramHostMessage, type DiagramWebviewMessage,
} from '../../server/src/lsp-ext';

const VIEW_TYPE = 'mmReview.protocolDiagram';

/** What the diagram commands return, for tests and keybindings: what was drawn. */
export interface DiagramSummary {
  mode: DiagramModel['mode'];
  title: string;
  lanes: string[];
  steps: number;
  highlight?: string;
}

export function activate(ctx: vscode.ExtensionContext, client: LanguageClient): void {
  ctx.subscriptions.push(vscode.commands.registerCommand('mmReview.showProtocolDiagram',
    (uri?: vscode.Uri, position?: vscode.Position) => showProtocolDiagram(ctx, client, uri, position)));
}

/** The document and position a diagram command is about: the arguments, else the active (or visible) editor's cursor. */
export function commandTarget(uri?: vscode.Uri, position?: vscode.Position):
  { uri: vscode.Uri; position: vscode.Position; column?: vscode.ViewColumn } | undefined {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  const target = uri ?? editor?.document.uri;
  if (!target) return undefined;
  const sameEditor = editor && editor.document.uri.toString() === target.toString() ? editor : undefined;
  return { uri: target, position: position ?? sameEditor?.selection.active ?? new vscode.Position(0, 0), column: sameEditor?.viewColumn };
}

async function showProtocolDiagram(ctx: vscode.ExtensionContext, client: LanguageClient, uri?: vscode.Uri,
  position?: vscode.Position): Promise<DiagramSummary | undefined> {
  const target = commandTarget(uri, position);
  if (!target) {
    void vscode.window.showInformationMessage('MM Review: open a C file or a patch and put the cursor in a function.');
    return undefined;
  }
  const result = await client.sendRequest(protocolDiagramRequest, {
    uri: client.code2ProtocolConverter.asUri(target.uri), position: client.code2ProtocolConverter.asPosition(target.position),
  });
  if (!result.model) {
    void vscode.window.showInformationMessage(`MM Review: ${result.message ?? 'there is no diagram for this place.'}`);
    return undefined;
  }
  return DiagramPanel.show(ctx, client, result.model, target.column).summary();
}

/** The one diagram panel: a new diagram replaces the shown one. */
export class DiagramPanel {
  private static current: DiagramPanel | undefined;
  private ready = false;

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly client: LanguageClient,
    private model: DiagramModel, private sourceColumn: vscode.ViewColumn | undefined, private readonly assets: vscode.Uri) {
    panel.onDidDispose(() => {
      if (DiagramPanel.current === this) DiagramPanel.current = undefined;
    });
    panel.webview.onDidReceiveMessage((m: DiagramWebviewMessage) => this.onMessage(m));
    panel.webview.html = this.page();
  }

  static show(ctx: vscode.ExtensionContext, client: LanguageClient, model: DiagramModel, sourceColumn?: vscode.ViewColumn): DiagramPanel {
    const existing = DiagramPanel.current;
    if (existing) {
      existing.update(model, sourceColumn);
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const assets = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(model), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      // The page loads its script and stylesheet from dist/webview and nothing else.
      localResourceRoots: [assets],
    });
    DiagramPanel.current = new DiagramPanel(panel, client, model, sourceColumn, assets);
    ctx.subscriptions.push(panel);
    return DiagramPanel.current;
  }

  summary(): DiagramSummary {
    const m = this.model;
    return {
      mode: m.mode, title: m.title, lanes: m.lanes.map((l) => l.label), steps: m.steps.length,
      ...(m.highlight ? { highlight: m.highlight.rule } : {}),
    };
  }

  private update(model: DiagramModel, sourceColumn: vscode.ViewColumn | undefined): void {
    this.model = model;
    this.sourceColumn = sourceColumn ?? this.sourceColumn;
    this.panel.title = panelTitle(model);
    if (this.ready) void this.post({ type: 'show', model });
    else this.panel.webview.html = this.page();
  }

  /** The page with the diagram already drawn (first paint without waiting for a message). */
  private page(): string {
    const webview = this.panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.assets, name)).toString();
    return diagramPage({
      title: this.model.title, nonce: makeNonce(), cspSource: webview.cspSource,
      styles: [{ uri: asset('diagram.css') }], scripts: [{ uri: asset('diagram.js') }],
      body: renderDiagram(this.model),
    });
  }

  private post(message: DiagramHostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private onMessage(message: DiagramWebviewMessage): void {
    if (message?.type === 'ready') {
      this.ready = true;
      // A page reloaded after being hidden shows the newest model, not the one its HTML was made with.
      void this.post({ type: 'show', model: this.model });
    } else if (message?.type === 'reveal' && Number.isInteger(message.step)) {
      void this.reveal(message.step);
    }
  }

  /** Opens the step's source (the page names the step; its location comes from the model held here). */
  private async reveal(step: number): Promise<void> {
    const location = this.model.steps[step]?.location;
    if (!location?.file) return;
    const at = new vscode.Position(Math.max(location.line - 1, 0), Math.max(location.column - 1, 0));
    try {
      await vscode.window.showTextDocument(this.client.protocol2CodeConverter.asUri(location.file), {
        selection: new vscode.Range(at, at), viewColumn: this.sourceColumn ?? vscode.ViewColumn.One, preserveFocus: true,
      });
    } catch (e) {
      this.client.outputChannel.error(`revealing step ${step + 1} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function panelTitle(model: DiagramModel): string {
  const name = model.lanes[0]?.label ?? 'function';
  return model.mode === 'simulation' ? `Simulation: ${name}` : `Protocol: ${name}`;
}

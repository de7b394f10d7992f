// Starts the bundled language server (dist/server.js) over node IPC and connects it to VS Code. Everything
// the user sees about findings (squiggles, Problems, hovers) comes through this client.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { EXTENSION_ID } from '../../server/src/lsp-ext';

/**
 * C sources, C headers (VS Code opens *.h as C++), and patches: VS Code already opens *.patch and *.diff as
 * `diff`; this extension adds *.mbx, *.mbox and *.eml to `diff` in package.json, and the pattern catches them
 * when another extension claimed them first.
 */
// Plain filters (no RelativePattern), so the same array serves the client and vscode.languages.match().
export const DOCUMENT_SELECTOR: ({ language: string; pattern?: string } | { pattern: string })[] = [
  { language: 'c' },
  { language: 'cpp', pattern: '**/*.h' },
  { language: 'diff' },
  { pattern: '**/*.{patch,diff,mbx,mbox,eml}' },
];

let client: LanguageClient | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = ctx.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('MM Review', { log: true });
  ctx.subscriptions.push(outputChannel);
  const clientOptions: LanguageClientOptions = { documentSelector: DOCUMENT_SELECTOR, outputChannel };
  // The id makes the client honour the `mmReview.trace.server` setting.
  client = new LanguageClient(EXTENSION_ID, 'MM Review', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    // Keep the extension (and its Restart Server command) alive; the output channel has the details.
    outputChannel.error(`the MM Review language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('MM Review: the language server did not start. See "MM Review: Show Output".');
  }
  return client;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

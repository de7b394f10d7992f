// A real LSP client for the server tests: spawns the bundled server (dist/server.js --stdio) and talks to it
// with vscode-languageserver-protocol, the same library editors' clients are built on. It records every
// publishDiagnostics and answers workspace/configuration with settings the test chooses.
import { spawn, type ChildProcess } from 'node:child_process';
import { recheckDocumentRequest } from '../../server/src/lsp-ext';
import { join } from 'node:path';
import {
  createProtocolConnection, ConfigurationRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification,
  PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const SERVER_JS = join(REPO_ROOT, 'dist', 'server.js');

export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly log: string[] = [];
  /** What the client answers to workspace/configuration for the `mmReview` section. */
  settings: Record<string, unknown> = {};
  private waiters: (() => boolean)[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, readonly connection: ProtocolConnection) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      [...this.waiters].forEach((w) => w());
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.log.push(p.message);
    });
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map((item) => (item.section === 'mmReview' ? this.settings : null)));
    connection.listen();
  }

  static start(): LspTestClient {
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[server stderr] ${d}`));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    return new LspTestClient(child, connection);
  }

  /** The server process id (the benchmark reads its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `workspaceFolders`: folder URIs the client says are open. */
  async initialize(workspaceFolders: string[] = []): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: workspaceFolders.length > 0 ? workspaceFolders.map((uri) => ({ uri, name: uri.split('/').pop() ?? uri })) : null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  /** Changes the settings and returns once the server has read them (a document opened next sees them). */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    // The server answers a re-check only after the settings it is loading: a barrier for a document not open.
    await this.connection.sendRequest(recheckDocumentRequest, { uri: 'file:///mm-review-test/settings-barrier.c' });
  }

  /** The first diagnostics for `uri`, published from now on or already published, that satisfy `accept`. */
  waitForDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean, after = 0, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        const hit = this.published.slice(after).find((p) => p.uri === uri && accept(p));
        if (hit) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(hit);
        }
        return hit !== undefined;
      };
      if (check()) return;
      this.waiters.push(check);
      timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last published: ` +
          JSON.stringify(this.published.filter((p) => p.uri === uri).slice(-2))));
      }, timeoutMs);
    });
  }

  /** shutdown + exit as an editor does; resolves with the server's exit code. */
  async shutdownAndExit(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    return this.exited;
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

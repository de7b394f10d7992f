// The mm-review language server: one class that glues LSP handlers to the analysis core
// (bash-language-server's server.ts). Handlers are thin; each is guarded so that an exception becomes a log
// line (and, for analysis, an information diagnostic) instead of a dead server.
import {
  DidChangeConfigurationNotification, TextDocumentSyncKind,
  type Connection, type DidChangeConfigurationParams, type DidChangeTextDocumentParams,
  type DidCloseTextDocumentParams, type DidOpenTextDocumentParams, type DocumentSymbol, type DocumentSymbolParams,
  type Hover, type HoverParams, type InitializeParams, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver';
import { Checker } from '../core';
import {
  EXTENSION_ID, documentStatsRequest, postImageRequest, recheckDocumentRequest,
  type DocumentParams, type DocumentStats, type PostImageParams,
} from '../lsp-ext';
import { Debouncer } from './debouncer';
import { checkDocument, pendingStats, type DocumentCheck } from './documentCheck';
import { OpenDocuments } from './documents';
import { hoverAt } from './hover';
import { functionOutline, seriesOutline } from './outline';
import { DEFAULT_SETTINGS, parseSettings, type MmReviewSettings } from './settings';

const SERVER_VERSION = '0.1.0';

export class MmReviewServer {
  private readonly documents = new OpenDocuments();
  private readonly debouncer = new Debouncer();
  /** The last published check of each open document. */
  private readonly checks = new Map<string, DocumentCheck>();
  private settings: MmReviewSettings = { ...DEFAULT_SETTINGS };
  /** Settle once the client's settings are in, so the first analysis already uses them. */
  private settingsLoaded: Promise<void> = Promise.resolve();
  private checker: Checker | undefined;
  private clientPullsConfiguration = false;
  private clientRegistersConfiguration = false;
  private workspaceFolders: string[] = [];

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.guard('initialized', () => this.initialized()));
    c.onDidOpenTextDocument((p) => this.guard('didOpen', () => this.didOpen(p)));
    c.onDidChangeTextDocument((p) => this.guard('didChange', () => this.didChange(p)));
    c.onDidCloseTextDocument((p) => this.guard('didClose', () => this.didClose(p)));
    c.onDidChangeConfiguration((p) => this.guard('didChangeConfiguration', () => this.didChangeConfiguration(p)));
    c.onHover((p) => this.guard('hover', () => this.hover(p), null));
    c.onDocumentSymbol((p) => this.guard('documentSymbol', () => this.documentSymbols(p), []));
    c.onRequest(postImageRequest, (p) => this.guard('postImage', () => this.postImage(p), null));
    c.onRequest(documentStatsRequest, (p) => this.guard('documentStats', () => this.documentStats(p), null));
    c.onRequest(recheckDocumentRequest, (p) => this.guardAsync('recheckDocument', () => this.recheckDocument(p), null));
    c.onShutdown(() => this.debouncer.cancelAll());
    c.listen();
  }

  capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      documentSymbolProvider: true,
    };
  }

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    const workspace = params.capabilities.workspace;
    this.clientPullsConfiguration = workspace?.configuration === true;
    this.clientRegistersConfiguration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    this.workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    try {
      this.checker = await Checker.create();
    } catch (e) {
      // The server stays up without a parser: every C document then reports why it was not analysed.
      this.error(`the C parser failed to load: ${stackOf(e)}`);
    }
    return { capabilities: this.capabilities(), serverInfo: { name: 'mm-review', version: SERVER_VERSION } };
  }

  private initialized(): void {
    if (this.clientRegistersConfiguration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: EXTENSION_ID })
        .catch((e: unknown) => this.error(`registering for configuration changes failed: ${stackOf(e)}`));
    }
    this.settingsLoaded = this.loadSettings();
  }

  private didOpen({ textDocument }: DidOpenTextDocumentParams): void {
    this.documents.open(textDocument, this.checker);
    this.scheduleCheck(textDocument.uri, 0);
  }

  private didChange({ textDocument, contentChanges }: DidChangeTextDocumentParams): void {
    const doc = this.documents.get(textDocument.uri);
    if (!doc) {
      this.error(`didChange for ${textDocument.uri}, which is not open; ignored`);
      return;
    }
    doc.applyChanges(contentChanges, textDocument.version);
    this.scheduleCheck(doc.uri, this.settings.debounceMs);
  }

  private didClose({ textDocument }: DidCloseTextDocumentParams): void {
    this.debouncer.cancel(textDocument.uri);
    this.documents.close(textDocument.uri);
    this.checks.delete(textDocument.uri);
    void this.connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  }

  private didChangeConfiguration(params: DidChangeConfigurationParams): void {
    this.settingsLoaded = this.loadSettings(params.settings).then(() => {
      for (const doc of this.documents.all()) this.checkNow(doc.uri);
    });
  }

  /** Clients that support workspace/configuration are asked; others push the settings with the notification. */
  private async loadSettings(pushed?: unknown): Promise<void> {
    try {
      const raw: unknown = this.clientPullsConfiguration
        ? await this.connection.workspace.getConfiguration({ section: EXTENSION_ID })
        : (pushed as Record<string, unknown> | undefined)?.[EXTENSION_ID];
      this.settings = parseSettings(raw, (m) => this.error(m));
    } catch (e) {
      this.error(`reading the ${EXTENSION_ID} settings failed, keeping the previous ones: ${stackOf(e)}`);
    }
  }

  private hover({ textDocument, position }: HoverParams): Hover | null {
    const doc = this.documents.get(textDocument.uri);
    if (!doc) return null;
    // The position refers to the current text: an older check's lines may have moved, so a pending check
    // runs now (incremental, hence cheap) instead.
    const last = this.checks.get(doc.uri);
    const check = last?.version === doc.version ? last : this.checkNow(doc.uri);
    if (!check) return null;
    return hoverAt({ text: doc.getText(), position, diagnostics: check.diagnostics, functions: check.result?.functions ?? [] });
  }

  private documentSymbols({ textDocument }: DocumentSymbolParams): DocumentSymbol[] {
    const doc = this.documents.get(textDocument.uri);
    if (!doc) return [];
    const last = this.checks.get(doc.uri);
    const check = last?.version === doc.version ? last : this.checkNow(doc.uri);
    if (check?.series) return seriesOutline(check.series, doc.getText().split('\n').length);
    return functionOutline(check?.result?.functions ?? []);
  }

  /** The text of a post-image an open patch's last check reconstructed (its related locations point there). */
  private postImage({ key }: PostImageParams): string | null {
    const decoded = decodeURIComponent(key);
    for (const check of this.checks.values()) {
      const image = check.series?.postImages.get(decoded);
      if (image) return image.text;
    }
    return null;
  }

  private documentStats({ uri }: DocumentParams): DocumentStats | null {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    return this.checks.get(uri)?.stats ?? pendingStats(doc);
  }

  private async recheckDocument({ uri }: DocumentParams): Promise<DocumentStats | null> {
    await this.settingsLoaded;
    return this.checkNow(uri)?.stats ?? null;
  }

  private scheduleCheck(uri: string, delayMs: number): void {
    this.debouncer.schedule(uri, delayMs, () => {
      void this.settingsLoaded.then(() => this.guard('check', () => this.checkNow(uri)));
    });
  }

  /** Checks a document now (dropping any pending debounced check) and publishes the diagnostics. */
  private checkNow(uri: string): DocumentCheck | undefined {
    this.debouncer.cancel(uri);
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const check = checkDocument(doc, this.settings, (m) => this.error(m), this.workspaceFolders);
    // The core analyses synchronously, so no edit can land in between today; the check keeps it true if the
    // analysis ever moves to a worker: diagnostics for an outdated version are never published.
    if (this.documents.get(uri) !== doc || check.version !== doc.version) return undefined;
    this.checks.set(uri, check);
    void this.connection.sendDiagnostics({ uri, version: check.version, diagnostics: check.diagnostics });
    const s = check.stats;
    this.connection.console.log(`checked ${uri} v${s.version}: ${s.state}, ${s.findings} findings, ` +
      `${s.functions} functions, parse ${s.parseMs} ms, analysis ${s.analyzeMs} ms`);
    return check;
  }

  private guard<T>(what: string, handler: () => T, fallback?: T): T {
    try {
      return handler();
    } catch (e) {
      this.error(`${what} failed: ${stackOf(e)}`);
      return fallback as T;
    }
  }

  private async guardAsync<T>(what: string, handler: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await handler();
    } catch (e) {
      this.error(`${what} failed: ${stackOf(e)}`);
      return fallback;
    }
  }

  private error(message: string): void {
    this.connection.console.error(message);
  }
}

function stackOf(e: unknown): string {
  return e instanceof Error ? e.stack ?? e.message : String(e);
}

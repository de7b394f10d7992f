// The mm-review language server: one class that glues LSP handlers to the analysis core
// (bash-language-server's server.ts). Handlers are thin; each is guarded so that an exception becomes a log
// line (and, for analysis, an information diagnostic) instead of a dead server.
import { join } from 'node:path';
import {
  DidChangeConfigurationNotification, TextDocumentSyncKind,
  type Connection, type DidChangeConfigurationParams, type DidChangeTextDocumentParams,
  type CodeAction, type CodeActionParams, type CodeLens, type CodeLensParams, CodeActionKind,
  type DidCloseTextDocumentParams, type DidOpenTextDocumentParams, type DocumentSymbol, type DocumentSymbolParams,
  type Hover, type HoverParams, type InitializeParams, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver';
import { Checker, SeriesWorker, type AnalysisOptions, type FunctionSummary } from '../core';
import {
  EXTENSION_ID, documentStatsRequest, postImageRequest, protocolDiagramRequest, recheckDocumentRequest, simulateRequest,
  simulationProgressNotification, type DocumentParams, type DocumentStats, type PostImageParams,
} from '../lsp-ext';
import { Continuations, functionsCutByTime } from './continuation';
import { CheckTimes } from './debouncePolicy';
import { Debouncer } from './debouncer';
import { DiagramRequests } from './diagram';
import { checkDocument, pendingStats, type DocumentCheck } from './documentCheck';
import { OpenDocuments, type TrackedDocument } from './documents';
import { hoverAt } from './hover';
import { MessageActivity } from './messageActivity';
import { functionOutline, seriesOutline } from './outline';
import { quickFixes } from './codeActions';
import { protocolLenses } from './codeLens';
import { DEFAULT_SETTINGS, analysisOptions, kernelTreeOf, parseSettings, sameAnalysisOptions, type MmReviewSettings } from './settings';

const SERVER_VERSION = '0.1.0';

export class MmReviewServer {
  private readonly documents = new OpenDocuments();
  private readonly debouncer = new Debouncer();
  /** How long each document's recent checks took: the debounce after an edit follows them. */
  private readonly checkTimes = new CheckTimes();
  /** Documents analysed at least once; their first (full, cold) check says nothing about the cost of edits. */
  private readonly analysedOnce = new WeakSet<TrackedDocument>();
  private readonly activity = new MessageActivity();
  /** The last published check of each open document. */
  private readonly checks = new Map<string, DocumentCheck>();
  /** Analyses are numbered in the order they ran; per document, the number of the one published last. */
  private analysesRun = 0;
  private readonly publishedAnalysis = new Map<string, number>();
  /** Checks cut short by the time budget continue in another slice (continuation.ts). */
  private readonly continuations = new Continuations();
  private settings: MmReviewSettings = { ...DEFAULT_SETTINGS };
  /** Settle once the client's settings are in, so the first analysis already uses them. */
  private settingsLoaded: Promise<void> = Promise.resolve();
  private checker: Checker | undefined;
  /** Checks patch series off the main thread, with the checker's options (core/review/worker.ts). */
  private seriesWorker: SeriesWorker | undefined;
  /** The kernel tree whose header contracts `checker` has or is being given (readKernelHeaders). */
  private headerTree: string | undefined;
  /** The options `checker` was created with (they are fixed per checker). */
  private checkerOptions: AnalysisOptions = analysisOptions(DEFAULT_SETTINGS);
  private clientPullsConfiguration = false;
  private clientRegistersConfiguration = false;
  private workspaceFolders: string[] = [];
  /** mmReview/protocolDiagram and mmReview/simulate (diagram.ts). */
  private readonly diagrams = new DiagramRequests({
    document: (uri) => this.documents.get(uri),
    currentCheck: (uri) => this.currentCheck(uri),
    checker: () => this.checker,
    progress: (p) => void this.connection.sendNotification(simulationProgressNotification, p),
  });

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.handle('initialized', () => this.initialized()));
    c.onDidOpenTextDocument((p) => this.handle('didOpen', () => this.didOpen(p)));
    c.onDidChangeTextDocument((p) => this.handle('didChange', () => this.didChange(p)));
    c.onDidCloseTextDocument((p) => this.handle('didClose', () => this.didClose(p)));
    c.onDidChangeConfiguration((p) => this.handle('didChangeConfiguration', () => this.didChangeConfiguration(p)));
    c.onHover((p) => this.handleAsync('hover', () => this.hover(p), null));
    c.onDocumentSymbol((p) => this.handleAsync('documentSymbol', () => this.documentSymbols(p), []));
    c.onCodeAction((p) => this.handle('codeAction', () => this.codeActions(p), []));
    c.onCodeLens((p) => this.handleAsync('codeLens', () => this.codeLenses(p), []));
    c.onRequest(postImageRequest, (p) => this.handle('postImage', () => this.postImage(p), null));
    c.onRequest(documentStatsRequest, (p) => this.handle('documentStats', () => this.documentStats(p), null));
    c.onRequest(recheckDocumentRequest, (p) => this.handleAsync('recheckDocument', () => this.recheckDocument(p), null));
    c.onRequest(protocolDiagramRequest, (p) => this.handleAsync('protocolDiagram', () => this.diagrams.protocolDiagram(p),
      { message: 'Drawing the diagram failed; see the MM Review output.' }));
    c.onRequest(simulateRequest, (p, token) => this.handleAsync('simulate', () => this.diagrams.simulate(p, token),
      { message: 'The simulation failed; see the MM Review output.' }));
    c.onShutdown(async () => {
      this.debouncer.cancelAll();
      await this.seriesWorker?.dispose();
    });
    c.listen();
  }

  capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
    };
  }

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    const workspace = params.capabilities.workspace;
    this.clientPullsConfiguration = workspace?.configuration === true;
    this.clientRegistersConfiguration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    this.workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    try {
      this.checker = await Checker.create(this.checkerOptions);
      this.seriesWorker = new SeriesWorker(this.checkerOptions);
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
    // A series check of the previous text stops before its next image (what it finished stays cached).
    if (doc.kind === 'patch') this.seriesWorker?.cancel(doc.uri);
    this.scheduleCheck(doc.uri, this.checkTimes.delayFor(doc.uri, this.settings.debounceMs));
  }

  private didClose({ textDocument }: DidCloseTextDocumentParams): void {
    this.debouncer.cancel(textDocument.uri);
    this.documents.close(textDocument.uri);
    this.checks.delete(textDocument.uri);
    this.publishedAnalysis.delete(textDocument.uri);
    this.continuations.forget(textDocument.uri);
    this.checkTimes.forget(textDocument.uri);
    this.seriesWorker?.cancel(textDocument.uri);
    this.seriesWorker?.forget(textDocument.uri);
    void this.connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  }

  private didChangeConfiguration(params: DidChangeConfigurationParams): void {
    this.settingsLoaded = this.loadSettings(params.settings).then(() => {
      // Each through the debouncer rather than all in one go, so edits are taken in between.
      for (const doc of this.documents.all()) this.scheduleCheck(doc.uri, 0);
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
    await this.applyAnalysisOptions();
  }

  /**
   * The time and state limits are options of the core's Checker, fixed when it is created: new limits take a
   * new checker, and the open documents move to it (losing their incremental state once). Their checks are
   * pending already: the first settings load comes before any scheduled check runs, and a configuration change
   * re-checks every document. The kernel tree's header contracts follow in the background (readKernelHeaders).
   */
  private async applyAnalysisOptions(): Promise<void> {
    if (!this.checker) return;
    const wanted = analysisOptions(this.settings, this.workspaceFolders);
    const tree = kernelTreeOf(this.settings, this.workspaceFolders);
    if (!sameAnalysisOptions(wanted, this.checkerOptions)) {
      if (!(await this.useCheckerOptions(wanted))) return;
      this.headerTree = undefined;
    }
    if (tree !== this.headerTree) void this.readKernelHeaders(tree);
  }

  /**
   * The lock wrappers of the kernel tree's include/linux/*.h become contracts of the calls the file cannot
   * follow (`check --kernel-tree` does the same). Reading them takes seconds, so they are read in the series
   * worker while the documents are checked without them, and the documents are checked again once they are in.
   */
  private async readKernelHeaders(tree: string | undefined): Promise<void> {
    this.headerTree = tree;
    const options = this.checkerOptions;
    let summaries: Map<string, FunctionSummary> | undefined;
    try {
      summaries = tree === undefined ? undefined : await this.seriesWorker?.headerSummaries(tree);
    } catch (e) {
      this.error(`reading the headers of ${tree} failed: ${stackOf(e)}`);
    }
    if (this.headerTree !== tree || this.checkerOptions !== options) return; // newer settings took over
    if (tree !== undefined) {
      this.connection.console.log(summaries
        ? `read the lock effects of ${summaries.size} functions of ${join(tree, 'include', 'linux')}`
        : `${tree} has no include/linux: calls of the kernel's header functions stay unknown`);
    }
    // Headers with no lock wrapper change nothing: the checks in flight go on.
    if (summaries?.size === 0) summaries = undefined;
    if (!summaries && !options.externalSummaries) return;
    const { externalSummaries: _, ...withoutHeaders } = options;
    if (await this.useCheckerOptions(summaries ? { ...withoutHeaders, externalSummaries: summaries } : withoutHeaders)) {
      for (const doc of this.documents.all()) this.scheduleCheck(doc.uri, 0);
    }
  }

  /** A new checker and series worker with `options`; the open documents move to them. */
  private async useCheckerOptions(options: AnalysisOptions): Promise<boolean> {
    try {
      this.checker = await Checker.create(options);
      this.checkerOptions = options;
      void this.seriesWorker?.dispose();
      this.seriesWorker = new SeriesWorker(options);
    } catch (e) {
      this.error(`applying the analysis options failed, keeping the previous ones: ${stackOf(e)}`);
      return false;
    }
    this.documents.reopenAll(this.checker);
    return true;
  }

  private async hover({ textDocument, position }: HoverParams): Promise<Hover | null> {
    const doc = this.documents.get(textDocument.uri);
    if (!doc) return null;
    // The position refers to the current text: an older check's lines may have moved, so a pending check
    // runs now (incremental, hence cheap) instead.
    const check = await this.currentCheck(doc.uri);
    if (!check || this.documents.get(doc.uri) !== doc) return null;
    return hoverAt({ text: doc.getText(), position, diagnostics: check.diagnostics, functions: check.result?.functions ?? [] });
  }

  /** The check of the document's current version: the last one, or a new one if an edit came since. */
  private async currentCheck(uri: string): Promise<DocumentCheck | undefined> {
    const doc = this.documents.get(uri);
    const last = this.checks.get(uri);
    return doc && last?.version === doc.version ? last : this.checkNow(uri);
  }

  private async documentSymbols({ textDocument }: DocumentSymbolParams): Promise<DocumentSymbol[]> {
    const doc = this.documents.get(textDocument.uri);
    if (!doc) return [];
    const check = await this.currentCheck(doc.uri);
    if (check?.series) return seriesOutline(check.series, doc.getText().split('\n').length);
    return functionOutline(check?.result?.functions ?? []);
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const doc = this.documents.get(params.textDocument.uri);
    return doc ? quickFixes(params, doc.getText()) : [];
  }

  private async codeLenses({ textDocument }: CodeLensParams): Promise<CodeLens[]> {
    const doc = this.documents.get(textDocument.uri);
    if (!doc || doc.kind !== 'c') return [];
    const check = await this.currentCheck(doc.uri);
    return check?.result ? protocolLenses(doc.uri, check.result) : [];
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
    return (await this.checkNow(uri))?.stats ?? null;
  }

  /** A debounced check of the document's current version (a newer edit replaces it in the debouncer). */
  private scheduleCheck(uri: string, delayMs: number): void {
    const version = this.documents.get(uri)?.version;
    this.debouncer.schedule(uri, delayMs, () => {
      void this.settingsLoaded.then(() => this.guardAsync('check', () => this.scheduledCheck(uri, version), undefined));
    });
  }

  /**
   * Runs a debounced check of `version` unless the document has moved on. It is dropped before it starts when
   * a newer edit has scheduled its own check (this one was queued behind the settings), and after the analysis
   * when an edit arrived while it ran: its diagnostics would describe a text the client no longer has, and the
   * edit has scheduled the check that replaces it.
   */
  private async scheduledCheck(uri: string, version: number | undefined): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    if (doc.version !== version) return this.dropped(uri, version, 'a newer version was scheduled before it started');
    const { check, number } = await this.analyse(doc);
    if (!check) return this.dropped(uri, version, `cancelled: version ${doc.version} arrived during the analysis`);
    await this.activity.settled();
    if (this.documents.get(uri) !== doc || doc.version !== check.version) {
      return this.dropped(uri, check.version, `version ${doc.version} arrived during the analysis`);
    }
    // A hover or re-check meanwhile ran and published a later analysis of the same version.
    if ((this.publishedAnalysis.get(uri) ?? -1) > number) return;
    this.publish(uri, check, number);
  }

  /**
   * Checks a document now (dropping any pending debounced check) and publishes the diagnostics: for requests
   * that need a current check at once (hover, outline, re-check). A C check cannot be overtaken; a patch's
   * runs in the worker, and an edit meanwhile makes it stale (undefined: the edit's own check follows).
   */
  private async checkNow(uri: string): Promise<DocumentCheck | undefined> {
    this.debouncer.cancel(uri);
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const { check, number } = await this.analyse(doc);
    if (!check || this.documents.get(uri) !== doc || doc.version !== check.version) return undefined;
    if ((this.publishedAnalysis.get(uri) ?? -1) < number) this.publish(uri, check, number);
    return check;
  }

  /**
   * C is analysed here and now; a patch in the series worker, while the server goes on answering (no check when
   * an edit cancelled it).
   */
  private async analyse(doc: TrackedDocument): Promise<{ check: DocumentCheck | undefined; number: number }> {
    const number = ++this.analysesRun;
    const started = performance.now();
    if (doc.kind === 'patch') this.connection.console.log(`checking ${doc.uri} v${doc.version} in the series worker`);
    const check = await checkDocument(doc, this.settings, (m) => this.error(m), this.workspaceFolders, this.seriesWorker);
    if (check && this.analysedOnce.has(doc)) this.checkTimes.record(doc.uri, performance.now() - started);
    this.analysedOnce.add(doc);
    return { check, number };
  }

  private publish(uri: string, check: DocumentCheck, analysisNumber: number): void {
    this.checks.set(uri, check);
    this.publishedAnalysis.set(uri, analysisNumber);
    void this.connection.sendDiagnostics({ uri, version: check.version, diagnostics: check.diagnostics });
    const s = check.stats;
    this.connection.console.log(`checked ${uri} v${s.version}: ${s.state}, ${s.findings} findings, ` +
      `${s.functions} functions, parse ${s.parseMs} ms, analysis ${s.analyzeMs} ms; ` +
      `debounce after the next edit ${this.checkTimes.delayFor(uri, this.settings.debounceMs)} ms`);
    const unfinished = functionsCutByTime(check.result, this.settings.maxStatesPerFunction);
    if (this.continuations.shouldContinue(uri, check.version, unfinished)) {
      this.connection.console.log(`continuing the check of ${uri} v${check.version}: the time budget stopped ${unfinished} functions`);
      this.scheduleCheck(uri, 0);
    }
  }


  private dropped(uri: string, version: number | undefined, why: string): void {
    this.connection.console.log(`dropped the check of ${uri} v${version ?? '?'}: ${why}`);
  }

  /** An asynchronous message handler: noted as activity, guarded against exceptions and rejections. */
  private handleAsync<T>(what: string, handler: () => Promise<T>, fallback: T): Promise<T> {
    this.activity.noteHandled();
    return this.guardAsync(what, handler, fallback);
  }

  /** A message handler: noted as activity (see MessageActivity), guarded against exceptions. */
  private handle<T>(what: string, handler: () => T, fallback?: T): T {
    this.activity.noteHandled();
    return this.guard(what, handler, fallback);
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

// mm-review's additions to the Language Server Protocol, typed once and shared by the server and the VS Code
// client (rust-analyzer's lsp_ext.ts). Everything else the two exchange is standard LSP.
import { NotificationType, RequestType, type Position } from 'vscode-languageserver-protocol';
import type { DiagramModel } from './core/diagram/model';

/** The extension's id: the client's id, the settings section, the prefix of commands and custom methods. */
export const EXTENSION_ID = 'mmReview';

export interface DocumentParams {
  uri: string;
}

/**
 * What the last check of a document did. `state` says why there may be no findings: the document was too big,
 * is a patch (not analysed yet), failed, or has not been checked yet.
 */
export type DocumentCheckState = 'pending' | 'analyzed' | 'tooLarge' | 'failed';

export interface DocumentStats {
  uri: string;
  /** The document version the stats (and the published diagnostics) belong to. */
  version: number;
  state: DocumentCheckState;
  /** Diagnostics published, including notices such as "patch analysis is not available yet". */
  diagnostics: number;
  /**
   * Published diagnostics that report a rule (they carry its ID as `code`), after the `mmReview.severity`
   * overrides: rules set to "off" are not counted. The next three split them by severity.
   */
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** C functions found in the document. */
  functions: number;
  bytes: number;
  parseMs: number;
  analyzeMs: number;
}

/** Stats of an open document's last check; null when the server does not have the document open. */
export const documentStatsRequest = new RequestType<DocumentParams, DocumentStats | null, void>('mmReview/documentStats');

/**
 * Checks an open document now, skipping the debounce, publishes its diagnostics and returns their stats
 * (null when the document is not open on the server).
 */
export const recheckDocumentRequest = new RequestType<DocumentParams, DocumentStats | null, void>('mmReview/recheckDocument');

/** URI scheme of the read-only documents showing a patch's reconstructed post-image (`mmreview-post:/PATH?KEY`). */
export const POST_IMAGE_URI_SCHEME = 'mmreview-post';

export interface PostImageParams {
  /** The query part of a `mmreview-post:` URI (the core's post-image key, URI-encoded). */
  key: string;
}

/** The text of a post-image the server reconstructed for an open patch, or null when it no longer has it. */
export const postImageRequest = new RequestType<PostImageParams, string | null, void>('mmReview/postImage');

// ---------------------------------------------------------------------------------------------------------------
// Protocol diagrams (issue 7): the static diagram and the simulation of the function at a position, and the
// messages between the extension and the diagram webview.

export interface FunctionAtParams {
  uri: string;
  /** Any position inside the function (for a patch: inside one of its hunks). */
  position: Position;
}

export interface ProtocolDiagramResult {
  /** Absent when there is nothing to draw; `message` then says why. */
  model?: DiagramModel;
  message?: string;
}

/** The protocol steps the checker matched in the function at `position`, as a diagram. */
export const protocolDiagramRequest = new RequestType<FunctionAtParams, ProtocolDiagramResult, void>('mmReview/protocolDiagram');

export interface SimulateParams extends FunctionAtParams {
  /** Actor names (the simulator's ACTOR_NAMES). */
  actors: string[];
  /** Stop after this many seconds with an `incomplete` verdict (default 30). */
  maxSeconds?: number;
  /** Chosen by the client: the server's `mmReview/simulationProgress` notifications carry it. */
  progressToken?: string;
}

export interface SimulateResult extends ProtocolDiagramResult {
  verdict?: 'safe' | 'violation' | 'incomplete';
  /** The run in words, one line per violation and trace step (for an output channel). */
  summary?: string;
}

/**
 * Simulates the function at `position` against the actors and returns the shortest counterexample as a
 * diagram. Cancelling the request ($/cancelRequest) stops the search; the answer is then `incomplete`.
 */
export const simulateRequest = new RequestType<SimulateParams, SimulateResult, void>('mmReview/simulate');

export interface SimulationProgressParams {
  progressToken: string;
  statesExplored: number;
  /** Every interleaving shorter than this many operations has been explored. */
  depth: number;
  seconds: number;
}

export const simulationProgressNotification = new NotificationType<SimulationProgressParams>('mmReview/simulationProgress');

/** Webview → extension. The webview names a step by index; the extension resolves its location itself. */
export type DiagramWebviewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; step: number };

/** Extension → webview. */
export type DiagramHostMessage = { type: 'show'; model: DiagramModel };

// Protocol diagrams: the data model, its two converters, the HTML/SVG renderer and the page around it, and the
// diagrams of a function that the language server and the CLI build. Pure TypeScript (no editor, no DOM).
export { escapeHtml } from './escape';
export type {
  DiagramBand, DiagramHighlight, DiagramLane, DiagramModel, DiagramStep, DiagramVerdict, LockBar, SourceLocation, StripRow,
} from './model';
export { fromSimulation } from './fromSimulation';
export type { FromSimulationOptions } from './fromSimulation';
export { fromProtocolMatch } from './fromProtocolMatch';
export type { DiagramFinding, FromProtocolMatchOptions } from './fromProtocolMatch';
export { renderDiagram } from './render';
export { contentSecurityPolicy, diagramPage, makeNonce } from './page';
export type { PageAsset, PageOptions } from './page';
export { functionAt, mostProtocolLike, prepareSimulation, simulationDiagram, simulationSummary, staticDiagram } from './diagrams';
export type { AnalysedSource, PreparedSimulation } from './diagrams';
export { postImagePatchLines } from './patchLines';
export type { ThreadExtractor } from './threadProgram';
export { isActorName, runPreparedSimulation, simulationActors } from './simulate';
export type { ActorName, SearchProgress, SimulationBudget, SimulationResult } from './simulate';
export { atPatchLine, cSource, patchSources } from './sources';
export { POST_IMAGE_FILE_PREFIX } from './model';
export type { PatchInput } from './sources';

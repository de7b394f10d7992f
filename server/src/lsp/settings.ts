// The `mmReview.*` settings the server reads (package.json `contributes.configuration` describes them to the
// user). Values come from the client and are validated here, so a typo in settings.json falls back to the
// default instead of breaking analysis.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VARIANTS, RULES, parseKernelVersion, versionFromMakefile, type AnalysisOptions, type ProtocolVariant } from '../core';

export type SeverityOverride = 'error' | 'warning' | 'info' | 'off';

export interface MmReviewSettings {
  /** Rule ID → severity to report it with; rules not listed keep their default severity. */
  severity: Record<string, SeverityOverride>;
  /**
   * Least quiet time after the last edit before a document is analysed again; the server waits longer when the
   * document's recent checks took longer (debouncePolicy.ts).
   */
  debounceMs: number;
  /** Documents larger than this (UTF-8 bytes) get an information diagnostic instead of an analysis. */
  maxDocumentBytes: number;
  /** A kernel tree for patch bases ('' = a workspace folder that looks like one). */
  kernelTree: string;
  /**
   * Time budget of one analysis run of a C text, in milliseconds (0 = none). A run it cuts short continues in
   * another (continuation.ts); a function that does not fit in one run gets ANALYSIS-LIMIT.
   */
  analysisTimeLimitMs: number;
  /** States the interpreter may explore per function before it gives up on it (ANALYSIS-LIMIT). */
  maxStatesPerFunction: number;
  /** The collapse protocol to check against; 'auto' picks it per file from the file's own text. */
  protocolVariant: ProtocolVariant | 'auto';
  /** The kernel's version ("6.12"); '' = the Makefile of `kernelTree`, if any (model/kernels.ts). */
  kernelVersion: string;
}

export const DEFAULT_SETTINGS: Readonly<MmReviewSettings> = Object.freeze({
  severity: {},
  debounceMs: 150,
  maxDocumentBytes: 5 * 1024 * 1024,
  kernelTree: '',
  // About twice the slowest first check of a real kernel file in a freshly started server on a lightly loaded
  // 2-core machine (0.45-1.1 s, docs/benchmarks.md): real files finish in one run there, in two on a busy one,
  // and no run holds the server for much longer than two seconds.
  analysisTimeLimitMs: 2000,
  // The core's own default (check/interpret.ts DEFAULT_MAX_STATES).
  maxStatesPerFunction: 200_000,
  protocolVariant: 'auto',
  kernelVersion: '',
});

const VARIANT_CHOICES: readonly string[] = ['auto', ...PROTOCOL_VARIANTS];

const SEVERITIES = new Set<string>(['error', 'warning', 'info', 'off']);

/** Turns whatever the client sent for the `mmReview` section into settings, logging what it ignored. */
export function parseSettings(raw: unknown, warn: (message: string) => void = () => {}): MmReviewSettings {
  const section = isObject(raw) ? raw : {};
  return {
    severity: parseSeverity(section.severity, warn),
    debounceMs: parseNumber(section.debounceMs, DEFAULT_SETTINGS.debounceMs, 0, 10_000, 'debounceMs', warn),
    maxDocumentBytes: parseNumber(section.maxDocumentBytes, DEFAULT_SETTINGS.maxDocumentBytes, 0, Number.MAX_SAFE_INTEGER,
      'maxDocumentBytes', warn),
    kernelTree: parseString(section.kernelTree, DEFAULT_SETTINGS.kernelTree, 'kernelTree', warn),
    analysisTimeLimitMs: parseNumber(section.analysisTimeLimitMs, DEFAULT_SETTINGS.analysisTimeLimitMs, 0, 3_600_000,
      'analysisTimeLimitMs', warn),
    maxStatesPerFunction: Math.floor(parseNumber(section.maxStatesPerFunction, DEFAULT_SETTINGS.maxStatesPerFunction, 1,
      1_000_000_000, 'maxStatesPerFunction', warn)),
    protocolVariant: parseVariant(section.protocolVariant, warn),
    kernelVersion: parseKernelVersionSetting(section.kernelVersion, warn),
  };
}

function parseKernelVersionSetting(raw: unknown, warn: (message: string) => void): string {
  const text = parseString(raw, DEFAULT_SETTINGS.kernelVersion, 'kernelVersion', warn).trim();
  if (text === '' || parseKernelVersion(text)) return text;
  warn(`mmReview.kernelVersion must be a kernel version such as 6.12; using the kernel tree's Makefile`);
  return DEFAULT_SETTINGS.kernelVersion;
}

/**
 * The kernel tree the code belongs to: the setting, else a workspace folder that looks like one (it has mm/ and
 * include/linux/). A path.
 */
export function kernelTreeOf(settings: MmReviewSettings, workspaceFolders: readonly string[] = []): string | undefined {
  if (settings.kernelTree) return settings.kernelTree;
  return workspaceFolders.map(folderPath).find((dir) => dir !== undefined && existsSync(join(dir, 'mm')) && existsSync(join(dir, 'include', 'linux')));
}

function folderPath(folderUri: string): string | undefined {
  try {
    return folderUri.startsWith('file:') ? fileURLToPath(folderUri) : folderUri;
  } catch {
    return undefined;
  }
}

/** The version the settings give: their own, else the Makefile of the kernel tree. */
function kernelVersionOf(settings: MmReviewSettings, tree: string | undefined): string | undefined {
  if (settings.kernelVersion) return settings.kernelVersion;
  if (!tree) return undefined;
  try {
    return versionFromMakefile(readFileSync(join(tree, 'Makefile'), 'utf8'));
  } catch {
    return undefined; // no tree there: the version stays unknown, and says so in the findings it affects
  }
}

function parseVariant(raw: unknown, warn: (message: string) => void): ProtocolVariant | 'auto' {
  if (raw === undefined || raw === null) return DEFAULT_SETTINGS.protocolVariant;
  if (typeof raw === 'string' && VARIANT_CHOICES.includes(raw)) return raw as ProtocolVariant | 'auto';
  warn(`mmReview.protocolVariant must be one of ${VARIANT_CHOICES.join(', ')}; using 'auto'`);
  return DEFAULT_SETTINGS.protocolVariant;
}

/** The core's per-checker options these settings ask for. */
export function analysisOptions(settings: MmReviewSettings, workspaceFolders: readonly string[] = []): AnalysisOptions {
  return {
    timeLimitMs: settings.analysisTimeLimitMs > 0 ? settings.analysisTimeLimitMs : undefined,
    maxStatesPerFunction: settings.maxStatesPerFunction,
    protocolVariant: settings.protocolVariant,
    kernelVersion: kernelVersionOf(settings, kernelTreeOf(settings, workspaceFolders)),
  };
}

export function sameAnalysisOptions(a: AnalysisOptions, b: AnalysisOptions): boolean {
  return a.timeLimitMs === b.timeLimitMs && a.maxStatesPerFunction === b.maxStatesPerFunction &&
    (a.protocolVariant ?? 'auto') === (b.protocolVariant ?? 'auto') && a.kernelVersion === b.kernelVersion;
}

function parseString(raw: unknown, fallback: string, name: string, warn: (message: string) => void): string {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'string') return raw;
  warn(`mmReview.${name} must be a string; using ${JSON.stringify(fallback)}`);
  return fallback;
}

function parseSeverity(raw: unknown, warn: (message: string) => void): Record<string, SeverityOverride> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    warn('mmReview.severity must be an object mapping rule IDs to error, warning, info or off; ignored');
    return {};
  }
  const out: Record<string, SeverityOverride> = {};
  for (const [rule, value] of Object.entries(raw)) {
    if (typeof value !== 'string' || !SEVERITIES.has(value)) {
      warn(`mmReview.severity.${rule}: '${String(value)}' is not error, warning, info or off; ignored`);
      continue;
    }
    // Unknown IDs are kept (a newer server may know them), but worth a line in the log.
    if (!(rule in RULES)) warn(`mmReview.severity: '${rule}' is not a rule this server knows`);
    out[rule] = value as SeverityOverride;
  }
  return out;
}

function parseNumber(raw: unknown, fallback: number, min: number, max: number, name: string, warn: (m: string) => void): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
    warn(`mmReview.${name}: ${JSON.stringify(raw)} is not a number between ${min} and ${max}; using ${fallback}`);
    return fallback;
  }
  return raw;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

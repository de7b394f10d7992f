// The protocol diagram as plain, serialisable data: what the webview panel and the CLI's HTML report draw.
// Two converters fill it: fromSimulation.ts (a simulator counterexample: one lane per thread, the trace
// in order) and fromProtocolMatch.ts (the static match of a function against the collapse protocol: one
// lane, the matched calls grouped by protocol step). render.ts turns it into HTML + SVG; nothing here knows
// of editors or of the DOM.

/** Locations in a patch's post-image are named `mmreview-post:/PATH…` (the editor's read-only post-image documents). */
export const POST_IMAGE_FILE_PREFIX = 'mmreview-post:';

/** A place in a document, 1-based. `file` is a URI in the editor and a path in the CLI report. */
export interface SourceLocation {
  file?: string;
  line: number;
  column: number;
}

export interface DiagramLane {
  /** Position in `lanes` (the simulator's thread index). */
  index: number;
  /** The thread's name: the collapse function (or program) or the actor. */
  label: string;
  /** A short name for narrow columns and for state descriptions (`collapse`, `gup-fast`). */
  short: string;
  role: 'collapse' | 'actor';
  /** One line saying what the actor does, when known. */
  summary?: string;
}

/** The four rows of the state strip, in display order. */
export const STRIP_KEYS = ['pmd', 'pte', 'tlb', 'notifier'] as const;
export type StripKey = (typeof STRIP_KEYS)[number];
export const STRIP_LABELS: Record<StripKey, string> = { pmd: 'PMD', pte: 'PTE table', tlb: 'TLB', notifier: 'Notifier' };

export interface DiagramStep {
  /** Position in `steps`. */
  index: number;
  lane: number;
  /** The kernel call (`pmdp_collapse_flush`). */
  op: string;
  /** What the row shows: the call with its arguments. */
  label: string;
  /** Where the call is; absent for actor steps and calls the converter could not place. */
  location?: SourceLocation;
  /** The protocol step (band id) this step belongs to. */
  band?: string;
  /** The full state after this step, one line per item (locks per thread, PMD, tables, TLB, folios). */
  stateAfter: string[];
}

/** A protocol step (a–f, or a mainline C-step) drawn as a band over consecutive steps. */
export interface DiagramBand {
  id: string;
  title: string;
  /** First and last step index inside the band; both -1 for a missing step (it has no calls). */
  fromStep: number;
  toStep: number;
  /** The protocol expects this step and the function has no call for it. */
  missing: boolean;
}

/** `lock` held by `lane` after steps fromStep..toStep (inclusive). */
export interface LockBar {
  lane: number;
  lock: string;
  fromStep: number;
  toStep: number;
}

/** One row of the state strip: the value after each step (`values[i]` belongs to `steps[i]`). */
export interface StripRow {
  key: StripKey;
  label: string;
  values: string[];
}

/** The step that breaks a rule (a counterexample's racing step, or the call a static finding is on). */
export interface DiagramHighlight {
  step: number;
  rule: string;
  message: string;
}

export type DiagramVerdict = 'safe' | 'violation' | 'incomplete' | 'matched' | 'incomplete-match';

export interface DiagramModel {
  /** Identifies the data (messages between the extension and the webview carry it). */
  kind: 'mm-review-diagram';
  version: 1;
  mode: 'static' | 'simulation';
  title: string;
  /** Where the function is (file, patch subject) and what the run was. */
  subtitle?: string;
  verdict: { kind: DiagramVerdict; text: string };
  lanes: DiagramLane[];
  steps: DiagramStep[];
  bands: DiagramBand[];
  lockBars: LockBar[];
  strip: StripRow[];
  highlight?: DiagramHighlight;
  /** Caveats and context, one sentence each (e.g. which thread program the simulation ran). */
  notes: string[];
}

/** The lock families the diagram colours apart; one column ("slot") per family in a lane. */
export type LockKind = 'mmap' | 'vma' | 'anon' | 'immap' | 'pml' | 'ptl' | 'rcu' | 'irq' | 'notifier' | 'folio' | 'other';

export const LOCK_KIND_LABELS: Record<LockKind, string> = {
  mmap: 'mmap_lock (M)', vma: 'VMA lock (V)', anon: 'anon_vma (A)', immap: 'i_mmap (I)', pml: 'PMD lock (pml, L)',
  ptl: 'PTE lock (ptl, P)', rcu: 'PTE table mapped (RCU)', irq: 'IRQs off', notifier: 'MMU-notifier range',
  folio: 'folio locks (F)', other: 'other locks',
};

/**
 * The family of a lock as the simulator (`M:W`, `pml`, `RCU(pte mapped)`, `F(A)`) or the protocol notation
 * (`M:W, V, A:W, L, P, RCU`) names it.
 */
export function lockKind(name: string): LockKind {
  const n = name.trim();
  if (/^M(:|$)|mmap/i.test(n)) return 'mmap';
  if (/^Vr?$|^V:|^vma$/i.test(n)) return 'vma';
  if (/^A(:|$)|anon_vma/i.test(n)) return 'anon';
  if (/^I(:|$)|i_mmap/i.test(n)) return 'immap';
  if (/^L$|^pml$|pmd_ptl|pmd lock/i.test(n)) return 'pml';
  if (/^P$|^ptl$|pte_ptl|pte lock/i.test(n)) return 'ptl';
  if (/RCU|pte map/i.test(n)) return 'rcu';
  if (/IRQ/i.test(n)) return 'irq';
  if (/notifier|^range$/i.test(n)) return 'notifier';
  if (/^F\(/.test(n)) return 'folio';
  return 'other';
}

/** The locks of `lane` held after step `step`. */
export function locksHeld(model: DiagramModel, lane: number, step: number): string[] {
  return model.lockBars.filter((b) => b.lane === lane && b.fromStep <= step && step <= b.toStep).map((b) => b.lock);
}

/**
 * Lock bars from per-step lock lists: one bar per maximal run of consecutive steps in which `lane` holds
 * `lock`. `locksAfter[i]` maps a lane to the locks it holds after step i.
 */
export function lockBarsFromSnapshots(locksAfter: Map<number, string[]>[]): LockBar[] {
  const bars: LockBar[] = [];
  const open = new Map<string, LockBar>();
  locksAfter.forEach((byLane, step) => {
    const seen = new Set<string>();
    for (const [lane, locks] of byLane) {
      for (const lock of locks) {
        const key = `${lane}\u0000${lock}`;
        seen.add(key);
        const bar = open.get(key);
        if (bar) bar.toStep = step;
        else open.set(key, { lane, lock, fromStep: step, toStep: step });
      }
    }
    for (const [key, bar] of open) {
      if (seen.has(key)) continue;
      bars.push(bar);
      open.delete(key);
    }
  });
  bars.push(...open.values());
  return bars.sort((a, b) => a.lane - b.lane || a.fromStep - b.fromStep || a.lock.localeCompare(b.lock));
}

// What the protocol checker found of a collapse protocol in one function: which steps were matched where and
// which are missing. Plain data for the code lens, the hover and the webview's static diagram (filled in by
// the protocol model; the shape is fixed here so the presentation can be built against it).

/** A protocol variant: mainline PMD collapse (steps C1..C29 of PROTOCOL.md §4), David's a–f, or merged mTHP. */
/** The collapse protocols mm-review knows (PROTOCOL.md §4 mainline, §5 proposed a–f, the merged 7.x mTHP form). */
export const PROTOCOL_VARIANTS = ['mainline', 'proposed-mthp', 'merged-mthp'] as const;
export type ProtocolVariant = (typeof PROTOCOL_VARIANTS)[number];

export interface MatchedCall {
  /** The kernel API called (`pmdp_collapse_flush`). */
  name: string;
  /** 1-based position in the analysed document. */
  line: number;
  column: number;
}

export interface ProtocolStepMatch {
  /** Step id as PROTOCOL.md names it: 'a'..'f', or 'C13' for the mainline sequence. */
  step: string;
  title: string;
  calls: MatchedCall[];
  /** The step was expected and not found on any path. */
  missing: boolean;
  /** Lock set after the step, in PROTOCOL.md notation (`M:W, V, A:W`). */
  locksAfter?: string;
  /** PMD / PTE table / TLB / notifier state after the step, in words. */
  stateAfter?: string;
}

export interface ProtocolMatch {
  function: string;
  variant: ProtocolVariant;
  /** 1-based line of the function's first line. */
  line: number;
  steps: ProtocolStepMatch[];
}

// Which steps of a protocol variant a function performs, and where: the code lens and the static diagram.
// A function is collapse-like when it clears a PMD or calls at least three of the variant's step calls.
import type { FunctionReport } from '../analysis';
import { VARIANT_STEPS } from '../model/protocol';
import type { ProtocolMatch, ProtocolVariant } from '../model/protocolMatch';

export function matchProtocol(fn: FunctionReport, variant: ProtocolVariant): ProtocolMatch | undefined {
  const steps = VARIANT_STEPS[variant].map((s) => {
    const calls = fn.callSites
      .filter((c) => s.calls.includes(c.name))
      .map((c) => ({ name: c.name, line: c.site.startRow + 1, column: c.site.startColumn + 1 }));
    const after = fn.callSites.find((c) => s.calls.includes(c.name))?.after[0];
    return { step: s.step, title: s.title, calls, missing: calls.length === 0, ...(after ? { stateAfter: after } : {}) };
  });
  const found = steps.filter((s) => !s.missing).length;
  const clears = fn.callSites.some((c) => c.name === 'pmdp_collapse_flush');
  if (!clears && found < 3) return undefined;
  return { function: fn.name, variant, line: fn.startLine, steps };
}

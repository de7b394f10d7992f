// Protocol violations (check/protocolTracker.ts) as findings, with the rule's severity.
import type { Finding } from '../findings';
import { RULES } from '../rules';
import { toRange } from './lockPair';
import type { ProtocolViolation } from './protocolTracker';

export function protocolFindings(file: string, functionName: string, violations: ProtocolViolation[]): Finding[] {
  return violations.map((v) => {
    const callee = /^[\w>.-]+(?=\()/.exec(v.callText)?.[0];
    return {
      file, ...toRange(v.site), rule: v.rule, function: v.inFunction ?? functionName,
      // A finding that rests on an assumption about the kernel is not an error.
      severity: v.assumes ? 'warning' : RULES[v.rule]?.severity ?? 'warning',
      message: `${callee ? `${callee}(): ` : ''}${v.message}${v.assumes ? ` (${v.assumes})` : ''}`,
      related: v.related.map((r) => ({ ...toRange(r.site), message: r.message })),
    };
  });
}

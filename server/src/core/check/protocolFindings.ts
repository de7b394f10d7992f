// Protocol violations (check/protocolTracker.ts) as findings, with the rule's severity.
import type { Finding } from '../findings';
import { RULES } from '../rules';
import { toRange } from './lockPair';
import type { ProtocolViolation } from './protocolTracker';

export function protocolFindings(file: string, functionName: string, violations: ProtocolViolation[]): Finding[] {
  return violations.map((v) => {
    const callee = /^[\w>.-]+(?=\()/.exec(v.callText)?.[0];
    return {
      file, ...toRange(v.site), severity: RULES[v.rule]?.severity ?? 'warning', rule: v.rule, function: functionName,
      message: callee ? `${callee}(): ${v.message}` : v.message,
      related: v.related.map((r) => ({ ...toRange(r.site), message: r.message })),
    };
  });
}

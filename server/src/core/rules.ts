// The rules the checker reports, with their default severity. IDs are ../shared/PROTOCOL.md §7's, verbatim;
// each has a page docs/rules/<ID>.md.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Severity } from './findings';

export interface RuleInfo {
  summary: string;
  severity: Severity;
}

export const RULES: Record<string, RuleInfo> = {
  'LOCK-PAIR': {
    summary: 'Every lock taken is released on every path, in the same mode; no double acquire, no release without hold.',
    severity: 'error',
  },
  'PATCH-INPUT': {
    summary: 'A patch or mail that cannot be used as given: a malformed hunk, a hunk that does not apply, a file missing from the base.',
    severity: 'error',
  },
  'ANALYSIS-LIMIT': {
    summary: 'The analysis of a function or document stopped at a configured limit; its rules were not checked.',
    severity: 'info',
  },
};

/** Absolute path of a rule's documentation page, wherever the package is installed (repo, dist/, .vsix). */
export function ruleDocPath(rule: string): string {
  for (let dir = __dirname; ; dir = join(dir, '..')) {
    const candidate = join(dir, 'docs', 'rules', `${rule}.md`);
    if (existsSync(candidate) || join(dir, '..') === dir) return candidate;
  }
}

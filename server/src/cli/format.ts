// Output formats of `mm-review check`: gcc-style text (editors and CI logs understand it), the JSON of the
// README, and SARIF 2.1.0 for code-scanning tools.
import type { Finding } from '../core';
import { RULES, ruleDocPath } from '../core';

export type OutputFormat = 'text' | 'json' | 'sarif';

export function formatText(findings: Finding[]): string {
  return findings
    .map((f) => {
      const head = `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.rule}]`;
      const notes = f.related.map((r) => `${r.file ?? f.file}:${r.line}:${r.column}: note: ${r.message}`);
      return [head, ...notes].join('\n');
    })
    .join('\n');
}

export function formatJson(findings: Finding[]): string {
  const out = findings.map((f) => ({
    file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    severity: f.severity, rule: f.rule, message: f.message, function: f.function,
  }));
  return JSON.stringify({ findings: out }, null, 2);
}

export function formatSarif(findings: Finding[], version: string): string {
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const level = (s: Finding['severity']) => (s === 'info' ? 'note' : s);
  const region = (r: { line: number; column: number; endLine: number; endColumn: number }) =>
    ({ startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'mm-review',
          version,
          informationUri: 'https://lore.kernel.org/linux-mm/',
          rules: ruleIds.map((id) => ({
            id,
            shortDescription: { text: RULES[id]?.summary ?? id },
            helpUri: `file://${ruleDocPath(id)}`,
          })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.rule,
        ruleIndex: ruleIds.indexOf(f.rule),
        level: level(f.severity),
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: region(f) } }],
        relatedLocations: f.related.map((r, i) => ({
          id: i,
          message: { text: r.message },
          physicalLocation: { artifactLocation: { uri: r.file ?? f.file }, region: region(r) },
        })),
        properties: { function: f.function },
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2);
}

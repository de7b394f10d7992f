// `npm run eval:mutants`: one-line bug-introducing changes to the collapse path of the three released
// khugepaged.c files of ../shared/corpus (bench/eval/mutate.ts), each checked like the original. A mutant is
// flagged when the mutant has a finding (error or warning) the original has not, by a rule that names its
// defect (bench/eval/oracle.ts), in the mutated function or pointing at the mutated line; "on the line" when
// that finding or one of its notes is on a mutated line. Mutants a reviewer would not object to are listed in
// bench/eval/equivalent-mutants.json with the kernel reason and left out of the score.
//
//   node out/bench/eval/mutants.js [--update] [--json] [--list missed|flagged|all] [--show ID]
//
// --show ID prints what the mutant changed, and the findings the mutant has that the original has not.
//
// The run fails when the score falls below the committed one (bench/baselines/eval-mutants.json).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker, type Finding } from '../../server/src/core';
import { loadCParser } from '../../server/src/core/parse/parser';
import { KERNEL_FILES, REPO_ROOT, kernelText, requireCorpus } from '../corpus';
import { table } from '../report';
import { mutantsOf, type Mutant, type MutationOperator } from './mutate';

const BASELINE = join(REPO_ROOT, 'bench', 'baselines', 'eval-mutants.json');
const EQUIVALENT = join(REPO_ROOT, 'bench', 'eval', 'equivalent-mutants.json');

export interface MutantResult {
  id: string;
  operator: MutationOperator;
  verdict: 'flagged' | 'missed' | 'equivalent';
  onLine: boolean;
  /** The new findings' rules (all of them, expected or not). */
  rules: string[];
}

interface Score {
  mutants: number;
  equivalent: number;
  flagged: number;
  onLine: number;
  /** flagged / (mutants − equivalent), in percent. */
  score: number;
  byOperator: Record<string, { mutants: number; equivalent: number; flagged: number }>;
  missed: string[];
}

const findingKey = (f: Finding) => `${f.function}|${f.rule}|${f.line}|${f.message}`;
const flags = (f: Finding) => f.severity === 'error' || f.severity === 'warning';

export function judge(m: Mutant, original: Finding[], found: Finding[], equivalent: Record<string, string>): MutantResult {
  const before = new Set(original.map(findingKey));
  const added = found.filter((f) => flags(f) && !before.has(findingKey(f)));
  const touches = (f: Finding) => [f.line, ...f.related.filter((r) => !r.file || r.file === f.file).map((r) => r.line)]
    .some((l) => m.lines.includes(l));
  const hits = added.filter((f) => m.expected.includes(f.rule) && (f.function === m.function || touches(f)));
  return {
    id: m.id, operator: m.operator, rules: [...new Set(added.map((f) => f.rule))].sort(), onLine: hits.some(touches),
    verdict: equivalent[m.id] !== undefined ? 'equivalent' : hits.length > 0 ? 'flagged' : 'missed',
  };
}

function score(results: MutantResult[]): Score {
  const byOperator: Score['byOperator'] = {};
  for (const r of results) {
    const o = (byOperator[r.operator] ??= { mutants: 0, equivalent: 0, flagged: 0 });
    o.mutants++;
    if (r.verdict === 'equivalent') o.equivalent++;
    if (r.verdict === 'flagged') o.flagged++;
  }
  const equivalent = results.filter((r) => r.verdict === 'equivalent').length;
  const flagged = results.filter((r) => r.verdict === 'flagged').length;
  return {
    mutants: results.length, equivalent, flagged, onLine: results.filter((r) => r.verdict === 'flagged' && r.onLine).length,
    score: Math.round((1000 * flagged) / Math.max(1, results.length - equivalent)) / 10, byOperator,
    missed: results.filter((r) => r.verdict === 'missed').map((r) => r.id),
  };
}

async function main(argv: string[]): Promise<number> {
  requireCorpus();
  const equivalent = JSON.parse(readFileSync(EQUIVALENT, 'utf8')) as Record<string, string>;
  const parser = (await loadCParser()).parser;
  if (argv.includes('--show')) {
    const id = argv[argv.indexOf('--show') + 1];
    return show(id, await checkerFor(id.split(':')[0]), parser);
  }
  const results: MutantResult[] = [];
  const started = Date.now();
  for (const name of KERNEL_FILES) {
    const checker = await checkerFor(name);
    const text = kernelText(name);
    const original = checker.check({ file: name, text }).findings;
    for (const m of mutantsOf(parser, name, text)) results.push(judge(m, original, checker.check({ file: name, text: m.text }).findings, equivalent));
  }
  const known = new Set(results.map((r) => r.id));
  const stale = Object.keys(equivalent).filter((id) => !known.has(id));
  const s = score(results);
  const before = existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, 'utf8')) as Score : undefined;
  const list = argv.includes('--list') ? argv[argv.indexOf('--list') + 1] : 'missed';
  for (const r of results) {
    if (list === 'all' || r.verdict === list) process.stdout.write(`${r.verdict.padEnd(10)} ${r.onLine ? 'line' : '    '} ${r.id}  [${r.rules.join(' ')}]\n`);
  }
  process.stdout.write(`\n${table(['operator', 'mutants', 'equivalent', 'flagged', 'of the rest'],
    Object.entries(s.byOperator).map(([op, o]) => [op, o.mutants, o.equivalent, o.flagged,
      `${Math.round((100 * o.flagged) / Math.max(1, o.mutants - o.equivalent))} %`]))}\n`);
  process.stdout.write(`eval:mutants: ${s.flagged} of ${s.mutants - s.equivalent} flagged (${s.score} %; ${s.onLine} on the ` +
    `mutated line), ${s.equivalent} equivalent; baseline ${before ? `${before.score} %` : 'none'}; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(s)}\n`);
  if (stale.length) {
    process.stdout.write(`eval:mutants: FAILED — equivalent-mutants.json names mutants that no longer exist:\n  ${stale.join('\n  ')}\n`);
    return 1;
  }
  if (argv.includes('--update')) {
    writeFileSync(BASELINE, `${JSON.stringify(s, null, 1)}\n`);
    process.stdout.write(`eval:mutants: baseline written to ${BASELINE}\n`);
    return 0;
  }
  if (before && s.score < before.score) {
    const now = new Set(s.missed);
    process.stdout.write(`eval:mutants: FAILED — below the committed ${before.score} %; newly missed:\n  ` +
      `${[...now].filter((id) => !before.missed.includes(id)).join('\n  ')}\n`);
    return 1;
  }
  return 0;
}

/** A checker told the kernel version, as a user checking a file of a known kernel does (--kernel-version). */
function checkerFor(corpusFile: string): Promise<Checker> {
  return Checker.create({ kernelVersion: /-v(\d+\.\d+(?:\.\d+)?)\.c$/.exec(corpusFile)?.[1] });
}

/** The mutant's changed lines with their neighbours, and its new findings. */
function show(id: string, checker: Checker, parser: Awaited<ReturnType<typeof loadCParser>>['parser']): number {
  const name = id.split(':')[0];
  const text = kernelText(name);
  const m = mutantsOf(parser, name, text).find((x) => x.id === id);
  if (!m) {
    process.stderr.write(`eval:mutants: no mutant ${id}\n`);
    return 2;
  }
  const [a, b] = [text.split('\n'), m.text.split('\n')];
  const first = Math.min(...m.lines) - 4;
  const last = Math.max(...m.lines) + 3;
  for (let i = Math.max(0, first); i < Math.min(a.length, last); i++) {
    process.stdout.write(a[i] === b[i] ? `  ${i + 1}\t${a[i]}\n` : `- ${i + 1}\t${a[i]}\n+ ${i + 1}\t${b[i]}\n`);
  }
  const before = new Set(checker.check({ file: name, text }).findings.map(findingKey));
  for (const f of checker.check({ file: name, text: m.text }).findings.filter((x) => !before.has(findingKey(x)))) {
    process.stdout.write(`${f.line}: ${f.severity} [${f.rule}] in ${f.function}: ${f.message}\n`);
  }
  process.stdout.write(`expected one of: ${m.expected.join(' ')}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`eval:mutants: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}

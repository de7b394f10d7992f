// `npm run eval:mm`: `mm-review check` over every mm/*.c of Debian's linux-source-6.12 and linux-source-6.1,
// as a user runs it, and the error-level findings per rule, per file and per function compared with the
// committed baseline (bench/baselines/eval-mm.json). Released kernels are the reference of "correct code":
// every error here is a false finding unless it is listed under `realBugs` with its upstream fix. The goal is
// none; the run fails when a (file, function, rule) has more errors than the baseline allows.
//
//   node out/bench/eval/mm.js [--update] [--json] [--versions 6.12,6.1]
//
// --update writes the baseline from this run (after a change that removes false findings, or with a reason
// in the commit when one is accepted).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core';
import { CLI_JS, REPO_ROOT } from '../corpus';
import { table } from '../report';

const VERSIONS = ['6.12', '6.1'];
const BASELINE = join(REPO_ROOT, 'bench', 'baselines', 'eval-mm.json');

/** Errors per file → function → rule. */
type ErrorCounts = Record<string, Record<string, Record<string, number>>>;

export interface KernelRun {
  /** The Debian package version the files came from (e.g. 6.12.118-1~deb12u1). */
  debianVersion: string;
  files: number;
  errors: number;
  warnings: number;
  byRule: Record<string, number>;
  byFile: Record<string, number>;
  byFunction: ErrorCounts;
  seconds: number;
}

interface Baseline {
  /** Findings read against the kernel source and judged real, with the upstream fix: "file:function:rule". */
  realBugs: Record<string, string>;
  kernels: Record<string, KernelRun>;
}

/**
 * The kernel's mm/*.c, Makefile and include/linux/*.h (the lock wrappers `check --kernel-tree` reads) from
 * Debian's package, cached under .cache/ (bench/fetch-linux-source.sh).
 */
export function linuxSource(version: string, patterns: string[] = ['mm/*.c', 'Makefile', 'include/linux/*.h']): string {
  const dest = join(REPO_ROOT, '.cache', `linux-source-${version}`);
  const fetch = spawnSync('bash', [join(REPO_ROOT, 'bench', 'fetch-linux-source.sh'), version, dest, ...patterns],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  if (fetch.status !== 0) throw new Error(`bench/fetch-linux-source.sh ${version} failed`);
  return dest;
}

function checkKernel(version: string): KernelRun {
  const tree = linuxSource(version);
  const files = readdirSync(join(tree, 'mm')).filter((f) => f.endsWith('.c')).sort().map((f) => join('mm', f));
  const started = Date.now();
  // As a user with the kernel tree at hand runs it: the tree's Makefile gives the kernel version.
  const run = spawnSync(process.execPath, [CLI_JS, 'check', '--format', 'json', '--kernel-tree', '.', ...files],
    { cwd: tree, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`mm-review check exited ${run.status}: ${run.stderr}`);
  const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
  const errors = findings.filter((f) => f.severity === 'error');
  const byRule: Record<string, number> = {};
  const byFile: Record<string, number> = {};
  const byFunction: ErrorCounts = {};
  for (const f of errors) {
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    byFile[f.file] = (byFile[f.file] ?? 0) + 1;
    const fn = ((byFunction[f.file] ??= {})[f.function || '(file)'] ??= {});
    fn[f.rule] = (fn[f.rule] ?? 0) + 1;
  }
  return {
    debianVersion: readFileSync(join(tree, 'DEBIAN-VERSION'), 'utf8').trim(), files: files.length,
    errors: errors.length, warnings: findings.filter((f) => f.severity === 'warning').length,
    byRule: sorted(byRule), byFile: sorted(byFile), byFunction, seconds: (Date.now() - started) / 1000,
  };
}

const sorted = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));

function flatten(counts: ErrorCounts): Map<string, number> {
  const out = new Map<string, number>();
  for (const [file, fns] of Object.entries(counts)) {
    for (const [fn, rules] of Object.entries(fns)) for (const [rule, n] of Object.entries(rules)) out.set(`${file}:${fn}:${rule}`, n);
  }
  return out;
}

/** The (file:function:rule) keys with more errors than the baseline, and those with fewer. */
export function compareRuns(now: ErrorCounts, before: ErrorCounts): { added: string[]; removed: string[] } {
  const a = flatten(now);
  const b = flatten(before);
  const added = [...a].filter(([k, n]) => n > (b.get(k) ?? 0)).map(([k, n]) => `${k} (${b.get(k) ?? 0} → ${n})`);
  const removed = [...b].filter(([k, n]) => n > (a.get(k) ?? 0)).map(([k, n]) => `${k} (${n} → ${a.get(k) ?? 0})`);
  return { added, removed };
}

function main(argv: string[]): number {
  const update = argv.includes('--update');
  const versionsAt = argv.indexOf('--versions');
  const versions = versionsAt >= 0 ? argv[versionsAt + 1].split(',') : VERSIONS;
  const baseline: Baseline = existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline : { realBugs: {}, kernels: {} };
  let failed = false;
  const runs: Record<string, KernelRun> = {};
  for (const version of versions) {
    const run = (runs[version] = checkKernel(version));
    const before = baseline.kernels[version];
    const { added, removed } = compareRuns(run.byFunction, before?.byFunction ?? {});
    process.stdout.write(`\nlinux-source-${version} (${run.debianVersion}): ${run.files} files, ${run.errors} errors ` +
      `(baseline ${before?.errors ?? 'none'}), ${run.warnings} warnings, ${run.seconds.toFixed(1)} s\n`);
    process.stdout.write(table(['rule', 'errors', 'baseline'],
      Object.entries(run.byRule).map(([rule, n]) => [rule, n, before?.byRule[rule] ?? 0])) + '\n');
    process.stdout.write(table(['file', 'errors', 'baseline'],
      Object.entries(run.byFile).map(([file, n]) => [file, n, before?.byFile[file] ?? 0])) + '\n');
    if (removed.length) process.stdout.write(`fewer errors than the baseline (${removed.length}):\n  ${removed.join('\n  ')}\n`);
    if (added.length) {
      process.stdout.write(`NEW errors over the baseline (${added.length}):\n  ${added.join('\n  ')}\n`);
      failed = true;
    }
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(runs)}\n`);
  if (update) {
    writeFileSync(BASELINE, `${JSON.stringify({ realBugs: baseline.realBugs, kernels: { ...baseline.kernels, ...runs } }, null, 1)}\n`);
    process.stdout.write(`eval:mm: baseline written to ${BASELINE}\n`);
    return 0;
  }
  process.stdout.write(failed ? 'eval:mm: FAILED — new error-level findings on released kernels\n' : 'eval:mm: no new errors\n');
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

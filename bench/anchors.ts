// Anchors: the same inputs through tools a reviewer already runs, whole processes on both sides. checkpatch.pl
// (Linux 6.12's, from Debian's linux-source-6.12; bench/fetch-checkpatch.sh puts it in .cache/checkpatch) on
// the 12 patches and with -f on the kernel files, against the mm-review command line on the same files.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_JS, devJainSeries, KERNEL_FILES, kernelPath, REPO_ROOT, SERIES_BASE } from './corpus';
import { median, progress, ratio, round } from './measure';

const CHECKPATCH_DIR = join(REPO_ROOT, '.cache', 'checkpatch');
const CHECKPATCH = join(CHECKPATCH_DIR, 'scripts', 'checkpatch.pl');

export interface AnchorRow {
  input: string;
  mmReviewCliMs: number;
  checkpatchMs: number | null;
  /** mm-review / checkpatch.pl wall time. */
  ratio: number | null;
}

export interface AnchorResult {
  checkpatch: string | null;
  /** Why there are no checkpatch figures, when there are none. */
  checkpatchMissing?: string;
  series: AnchorRow & { checkpatchPerPatchMedianMs: number | null };
  kernelFiles: AnchorRow[];
}

function wallMs(command: string, args: string[]): number {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  // Both tools exit non-zero when they find something; only a failure to run at all is an error.
  if (run.error || run.status === null || run.status > 2) {
    throw new Error(`${command} ${args.join(' ')} failed: ${run.error?.message ?? run.stderr?.toString().slice(0, 500)}`);
  }
  return performance.now() - started;
}

function ensureCheckpatch(): string | undefined {
  if (existsSync(CHECKPATCH)) return undefined;
  progress('anchors: fetching checkpatch.pl from Debian linux-source-6.12 into .cache/checkpatch (once)');
  const fetch = spawnSync('bash', [join(REPO_ROOT, 'bench', 'fetch-checkpatch.sh'), CHECKPATCH_DIR], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (fetch.status !== 0 || !existsSync(CHECKPATCH)) return `bench/fetch-checkpatch.sh failed: ${fetch.stderr.toString().trim().split('\n').pop()}`;
  return undefined;
}

export function anchors(): AnchorResult {
  const missing = ensureCheckpatch() ?? (spawnSync('perl', ['-v']).status === 0 ? undefined : 'perl is not installed');
  const checkpatch = (args: string[]) => (missing ? null : round(wallMs('perl', [CHECKPATCH, '--no-tree', '--no-color', '--terse', ...args])));
  const patches = devJainSeries();
  const withoutCover = patches.slice(1).map((p) => p.path);
  progress('anchors: mm-review and checkpatch.pl on the 12 patches');
  const cliSeries = round(wallMs(process.execPath, [CLI_JS, 'check', '--base', `mm/khugepaged.c=${kernelPath(SERIES_BASE)}`, ...patches.map((p) => p.path)]));
  const checkpatchSeries = checkpatch(withoutCover);
  const perPatch = missing ? null : round(median(withoutCover.map((p) => checkpatch([p])!)));
  const kernelFiles = KERNEL_FILES.map((file) => {
    progress(`anchors: mm-review and checkpatch.pl -f on ${file}`);
    const cli = round(wallMs(process.execPath, [CLI_JS, 'check', kernelPath(file)]));
    const cp = checkpatch(['-f', kernelPath(file)]);
    return { input: file, mmReviewCliMs: cli, checkpatchMs: cp, ratio: ratio(cli, cp) };
  });
  return {
    checkpatch: missing ? null : `checkpatch.pl from Debian linux-source-6.12 ${readVersion()}`,
    ...(missing ? { checkpatchMissing: missing } : {}),
    series: {
      input: `${withoutCover.length} patches (mm-review: with the cover letter and the 6.12.117 base)`, mmReviewCliMs: cliSeries,
      checkpatchMs: checkpatchSeries, ratio: ratio(cliSeries, checkpatchSeries), checkpatchPerPatchMedianMs: perPatch,
    },
    kernelFiles,
  };
}

function readVersion(): string {
  const file = join(CHECKPATCH_DIR, 'VERSION');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '(version unknown)';
}

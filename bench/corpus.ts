// The real inputs the benchmarks run on, read from ../shared/corpus beside the repository (never copied into
// it): the three kernel files and Dev Jain's 12-patch mTHP RFC with its 6.12.117 base.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const CLI_JS = join(REPO_ROOT, 'dist', 'cli.js');

export const KERNEL_FILES = ['khugepaged-v6.1.192.c', 'khugepaged-v6.12.117.c', 'khugepaged-v7.2.13.c'];
/** The ~3,000-line file of the incremental benchmark and the cold start: the largest of the three. */
export const EDITED_FILE = 'khugepaged-v7.2.13.c';
export const SERIES_BASE = 'khugepaged-v6.12.117.c';

export function requireCorpus(): void {
  if (!existsSync(CORPUS)) throw new Error(`the benchmarks read ${CORPUS} (the shared corpus beside the repository), which is absent`);
}

export function kernelPath(name: string): string {
  return join(CORPUS, 'kernel', name);
}

export function kernelText(name: string): string {
  return readFileSync(kernelPath(name), 'utf8');
}

export interface PatchInput {
  fileName: string;
  path: string;
  text: Buffer;
}

/** The cover letter and patches 01..12, in order. */
export function devJainSeries(): PatchInput[] {
  const dir = join(CORPUS, 'series');
  return readdirSync(dir).filter((f) => /^dev-jain-rfc-v1-\d\d-12\.patch$/.test(f)).sort()
    .map((fileName) => ({ fileName, path: join(dir, fileName), text: readFileSync(join(dir, fileName)) }));
}

/** The series as one b4-style mbox (mboxrd: "From " lines in bodies quoted), as a reviewer downloads it. */
export function seriesMbox(patches: PatchInput[]): string {
  return patches.map((p) => `From mboxrd@z Thu Jan  1 00:00:00 1970\n${p.text.toString('utf8').replace(/^(>*From )/gm, '>$1')}`)
    .join('\n');
}

export function lineCount(text: string | Buffer): number {
  return text.toString().split('\n').length;
}

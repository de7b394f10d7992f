// Shared paths and small utilities of the patch-layer tests. Compiled to out/test/core/patch/, so the
// repository root is four levels up; the shared corpus (third-party GPL text, never copied into the repository)
// lives next to the repository in ../shared.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Context } from 'mocha';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/patch');
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}

export function fixtureLines(name: string): string[] {
  return readFileSync(path.join(fixturesDir, name), 'utf8').split(/\r?\n/);
}

/** Base provider over test/fixtures/patch/base/. */
export function fixtureBase(file: string): string | undefined {
  const p = path.join(fixturesDir, 'base', file);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

export function corpus(relative: string): Buffer {
  return readFileSync(path.join(corpusDir, relative));
}

/** Corpus tests skip (and say why) only when the shared corpus directory is absent. */
export function requireCorpus(ctx: Context): void {
  if (!existsSync(corpusDir)) {
    console.log(`    skipped: shared corpus not found at ${corpusDir} (it is provided next to the repository, not in it)`);
    ctx.skip();
  }
}

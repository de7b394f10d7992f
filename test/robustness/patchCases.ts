// Fuzz cases for the patch side: mail and diff parsing, applying to a base, and checking the post-images, all
// through the public SeriesChecker the server uses. Mutations of the real mails (and the fixtures) are checked
// each as a series of one, alternately against the 6.12.117 base and without a base.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, type BaseOptions, type Checker, type SeriesChecker, type SeriesCheckResult } from '../../server/src/core';
import { FIXTURES, SHARED, requireShared } from '../helpers';
import { hostilePatchTexts, mutatePatch, prng, withInvalidUtf8 } from './generators';
import type { FuzzCase } from './plans';

interface Seed {
  name: string;
  bytes: Buffer;
}

function patchSeeds(): Seed[] {
  const dirs = [join(SHARED, 'corpus', 'series'), join(FIXTURES, 'patch'), join(FIXTURES, 'series')];
  requireShared('corpus', 'series');
  return dirs.filter(existsSync).flatMap((dir) => readdirSync(dir)
    .filter((f) => /\.(patch|diff|eml|mbox|mbx)$/.test(f))
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) })));
}

export function devJainSeries(): Seed[] {
  const dir = requireShared('corpus', 'series');
  return readdirSync(dir).filter((f) => /^dev-jain-rfc-v1-\d\d-12\.patch$/.test(f)).sort()
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
}

export function baseOptions(): BaseOptions {
  return { baseFiles: new Map([['mm/khugepaged.c', requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c')]]) };
}

/** Findings of a series check sit in one of its inputs (on a line it has) or in a reconstructed post-image. */
export function assertSeriesWellFormed(result: SeriesCheckResult, inputs: { fileName: string; text: string | Uint8Array }[], label: string): void {
  const lineCounts = new Map(inputs.map((i) => [i.fileName, Buffer.from(i.text).toString('latin1').split('\n').length]));
  for (const f of result.findings) {
    const where = `${label}: ${f.rule} in ${f.file} at ${f.line}:${f.column}`;
    assert.ok(f.rule in RULES, `${where}: unknown rule`);
    assert.ok(f.line >= 1 && f.endLine >= f.line && f.column >= 1, where);
    const lines = lineCounts.get(f.file);
    if (lines !== undefined) assert.ok(f.endLine <= lines, `${where}: past the input's ${lines} lines`);
    else assert.ok(f.file.startsWith('post-image:') || f.file.includes('#hunk'), `${where}: not in any input`);
  }
  for (const p of result.patches) assert.ok(p.startLine >= 1 && p.endLine >= p.startLine, `${label}: patch ${p.fileName} lines ${p.startLine}-${p.endLine}`);
}

function seriesCase(series: SeriesChecker, label: string, inputs: { fileName: string; text: string | Uint8Array }[], options: BaseOptions): FuzzCase {
  return { label, run: () => assertSeriesWellFormed(series.check(inputs, options), inputs, label) };
}

/**
 * One SeriesChecker per seed file, kept across its mutations as the editor keeps one per document, so the
 * reuse of the previous check (buildSeries' `reuse`, the per-path CDocuments) is exercised too.
 */
export function* patchMutationCases(checker: Checker, seed: number, count: number): Generator<FuzzCase> {
  const random = prng(seed);
  const seeds = patchSeeds();
  const checkers = new Map<string, SeriesChecker>();
  for (let i = 0; i < count; i++) {
    const source = random.pick(seeds);
    const series = checkers.get(source.name) ?? checkers.set(source.name, checker.series()).get(source.name)!;
    const options = i % 2 === 0 ? baseOptions() : {};
    const base = i % 2 === 0 ? 'with base' : 'no base';
    if (random.chance(0.2)) {
      const bytes = withInvalidUtf8(source.bytes, random);
      yield seriesCase(series, `${source.name} invalid UTF-8 ${i} (${base}, seed ${seed})`, [{ fileName: source.name, text: bytes }], options);
    } else {
      const m = mutatePatch(source.bytes.toString('utf8'), random);
      yield seriesCase(series, `${source.name} ${m.mutation} ${i} (${base}, seed ${seed})`, [{ fileName: source.name, text: m.text }], options);
    }
  }
  // The whole series with one mutated patch: the chain of post-images must survive a broken link.
  const whole = devJainSeries();
  const series = checker.series();
  for (const k of [3, 9]) {
    const inputs = whole.map((s, i) => ({ fileName: s.name, text: i === k ? mutatePatch(s.bytes.toString('utf8'), random).text : s.bytes }));
    yield seriesCase(series, `the Dev Jain series with patch ${k} mutated (seed ${seed})`, inputs, baseOptions());
  }
}

export function* patchHostileCases(checker: Checker): Generator<FuzzCase> {
  // One checker per base setting, as one open document would have: the base is analysed once, not per case.
  const withBase = checker.series();
  const withoutBase = checker.series();
  for (const [name, text] of hostilePatchTexts()) {
    yield seriesCase(withBase, `${name} (with base)`, [{ fileName: 'hostile.patch', text }], baseOptions());
    yield seriesCase(withoutBase, `${name} (no base)`, [{ fileName: 'hostile.patch', text }], {});
  }
}

import * as assert from 'node:assert/strict';
import {
  applyFilePatch, hunkPostImages, parsePatchFile, type FileApplyResult, type FilePatch,
} from '../../../server/src/core/patch';
import { fixture, fixtureBase, fixtureLines } from './helpers';

const demoBase = fixtureBase('demo.c')!;
const demoLines = demoBase.split('\n');

function fileOf(name: string, path: string): FilePatch {
  const files = parsePatchFile(fixture(name), name).messages.flatMap((m) => m.files);
  return files.find((f) => f.newPath === path || f.oldPath === path)!;
}

function diffText(body: string): FilePatch {
  return parsePatchFile(`--- a/f\n+++ b/f\n${body}`, 'inline.diff').messages[0].files[0];
}

/** The line map must agree with the texts: base lines are base lines, patch lines are `+` lines. */
function assertMapConsistent(result: FileApplyResult, base: string[], patchName: string, quotePrefix = ''): void {
  const patch = fixtureLines(patchName);
  assert.equal(result.lineMap.length, result.postLines.length);
  result.postLines.forEach((text, k) => {
    const origin = result.lineMap[k];
    if (origin.origin === 'base') assert.equal(base[origin.baseLine - 1], text, `post line ${k + 1}`);
    else assert.equal(patch[origin.patchLine - 1], quotePrefix + '+' + text, `post line ${k + 1}`);
  });
}

describe('patch applier', () => {
  it('applies hunks exactly and maps post-image lines to base lines and + lines', () => {
    const file = fileOf('two-files.patch', 'demo.c');
    const result = applyFilePatch(demoBase, file);
    assert.deepEqual(result.hunks.map((h) => [h.status, h.offset, h.fuzz, h.baseLine, h.postLine]),
      [['exact', 0, 0, 9, 9], ['exact', 0, 0, 39, 40]]);
    assert.equal(result.complete, true);
    const comment = result.postLines.indexOf('\t/* single-threaded demo: a flag is enough */');
    assert.equal(comment, 11);
    assert.deepEqual(result.lineMap[comment], { origin: 'patch', patchLine: 28 });
    assert.deepEqual(result.lineMap[comment + 1], { origin: 'base', baseLine: 12, patchLine: 29 },
      'a context line points at its base line and at the patch line that matched it');
    assert.deepEqual(result.lineMap[0], { origin: 'base', baseLine: 1 });
    assert.equal(result.postLines.length, demoLines.length - 1 + 1);
    assertMapConsistent(result, demoLines, 'two-files.patch');
  });

  it('finds a hunk at an offset and reports it like patch(1)', () => {
    const base = '/* one */\n/* two */\n/* three */\n' + demoBase;
    const result = applyFilePatch(base, fileOf('two-files.patch', 'demo.c'));
    assert.deepEqual(result.hunks.map((h) => [h.status, h.offset]), [['offset', 3], ['offset', 3]]);
    assert.equal(result.hunks[0].message, 'Hunk #1 succeeded at 12 (offset 3 lines).');
    assert.equal(result.hunks[1].message, 'Hunk #2 succeeded at 43 (offset 3 lines).');
  });

  it('applies with fuzz 1 and 2 when outer context lines differ, and fails beyond that', () => {
    const file = fileOf('two-files.patch', 'demo.c');
    const changed = (lines: number[]) => demoLines.map((l, k) => (lines.includes(k + 1) ? `/* changed ${k + 1} */` : l)).join('\n');
    const fuzz1 = applyFilePatch(changed([9]), file);
    assert.deepEqual([fuzz1.hunks[0].status, fuzz1.hunks[0].fuzz, fuzz1.hunks[0].offset], ['fuzz', 1, 0]);
    assert.equal(fuzz1.hunks[0].message, 'Hunk #1 succeeded at 9 with fuzz 1.');
    assert.equal(fuzz1.postLines[8], '/* changed 9 */', 'ignored context keeps the base text');
    const fuzz2 = applyFilePatch(changed([9, 14]), file);
    assert.deepEqual([fuzz2.hunks[0].status, fuzz2.hunks[0].fuzz], ['fuzz', 1], 'one line at each end is fuzz 1');
    const fuzz2b = applyFilePatch(changed([9, 10]), file);
    assert.deepEqual([fuzz2b.hunks[0].status, fuzz2b.hunks[0].fuzz], ['fuzz', 2]);
    const noFuzz = applyFilePatch(changed([9]), file, { maxFuzz: 0 });
    assert.equal(noFuzz.hunks[0].status, 'failed');
  });

  it('reports a failed hunk with where it was tried and which line differs; the rest still applies', () => {
    const file = fileOf('two-files.patch', 'demo.c');
    const base = demoLines.map((l, k) => (k + 1 >= 9 && k + 1 <= 11 ? `/* changed ${k + 1} */` : l)).join('\n');
    const result = applyFilePatch(base, file);
    assert.equal(result.hunks[0].status, 'failed');
    assert.equal(result.hunks[0].message,
      "Hunk #1 FAILED: tried at base line 9, then at every position from base line 1 on, with fuzz 0..2; " +
      "closest match at base line 9 (offset 0): context line 3 '{' (patch line 27) does not match base line 11 " +
      "'/* changed 11 */' (2 more of its 6 old lines differ there)");
    assert.equal(result.hunks[1].status, 'exact');
    assert.equal(result.complete, false);
    assert.ok(!result.postLines.includes('\t/* single-threaded demo: a flag is enough */'));
    assert.ok(result.postLines.includes('\tprintf("count=%d\\n", d.count);'));
    assert.equal(result.postLines.length, demoLines.length - 1, 'the failed hunk left its part of the text unchanged');
  });

  it('does not reach back into text an earlier hunk already changed', () => {
    const file = diffText('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -1,3 +1,3 @@\n a\n-b\n+X\n c\n');
    const result = applyFilePatch('a\nb\nc\nd\n', file);
    assert.deepEqual(result.hunks.map((h) => h.status), ['exact', 'failed']);
    assert.equal(result.postImage, 'a\nB\nc\nd\n');
    assert.match(result.hunks[1].message, /its old lines do occur at base line 1 \(offset 0\), but that overlaps lines an earlier hunk changed/);
  });

  it('handles "\\ No newline at end of file" on either side', () => {
    const noNewline = applyFilePatch(fixtureBase('tail.txt')!, fileOf('no-newline.diff', 'tail.txt'));
    assert.equal(noNewline.postImage, 'first\nlast line still without newline');
    assert.equal(noNewline.hunks[0].status, 'exact');
    const gainsNewline = applyFilePatch('last line without newline', fileOf('binary.patch', 'tail.txt'));
    assert.equal(gainsNewline.postImage, 'last line without newline\nnow it has one\n');
  });

  it('creates a new file from an empty base', () => {
    const created = applyFilePatch('', fileOf('series-3.mbox', 'lockdemo.h'));
    assert.equal(created.postImage, fixture('expected/lockdemo.h').toString('utf8'));
    assert.ok(created.lineMap.every((o) => o.origin === 'patch'));
  });

  it('anchors a hunk with less trailing context at the end of the file, as patch(1) does', () => {
    // Made at the end of a file (no trailing context): mid-file it only fits once fuzz 2 evens out the
    // context (GNU patch 2.7.6 prints "succeeded at 2 with fuzz 2" here, and fails with -F1).
    const file = diffText('@@ -2,3 +2,3 @@\n x\n y\n-z\n+Z\n');
    const midFile = applyFilePatch('w\nx\ny\nz\nq\n', file);
    assert.equal(midFile.hunks[0].message, 'Hunk #1 succeeded at 2 with fuzz 2.');
    assert.equal(applyFilePatch('w\nx\ny\nz\nq\n', file, { maxFuzz: 1 }).hunks[0].status, 'failed');
    const atEnd = applyFilePatch('w\nv\nx\ny\nz\n', file);
    assert.deepEqual([atEnd.hunks[0].status, atEnd.hunks[0].offset, atEnd.postImage], ['offset', 1, 'w\nv\nx\ny\nZ\n']);
  });

  it('places a pure insertion without context where its header says (after line N for -N,0)', () => {
    const file = diffText('@@ -2,0 +3,2 @@\n+new1\n+new2\n');
    const result = applyFilePatch('a\nb\nc\n', file);
    assert.equal(result.postImage, 'a\nb\nnew1\nnew2\nc\n');
    assert.equal(result.hunks[0].status, 'exact');
  });

  it('copes with absurd header line numbers without scanning from them', () => {
    const file = diffText('@@ -999999999,3 +999999999,3 @@\n a\n-b\n+B\n c\n');
    const started = Date.now();
    const result = applyFilePatch('a\nb\nc\n', file);
    assert.deepEqual([result.hunks[0].status, result.hunks[0].offset], ['offset', 1 - 999999999]);
    assert.ok(Date.now() - started < 1000);
  });

  it('applies the fragments of a quoted hunk separately', () => {
    const file = fileOf('reply-quoting-hunk.eml', 'demo.c');
    const result = applyFilePatch(demoBase, file);
    assert.deepEqual(result.hunks.map((h) => [h.fragment, h.status, h.offset]),
      [[0, 'exact', 0], [1, 'exact', 0], [2, 'offset', 5]]);
    assertMapConsistent(result, demoLines, 'reply-quoting-hunk.eml', '> ');
    assert.ok(result.postLines.includes('\tdemo_double(&d);'));
  });

  it('gives each hunk its own post-image when there is no base', () => {
    const images = hunkPostImages(fileOf('two-files.patch', 'demo.c'));
    assert.equal(images.length, 2);
    const first = images[0];
    assert.deepEqual(first.lines, ['', 'static void demo_lock(struct demo *d)', '{', '\t/* single-threaded demo: a flag is enough */', '\td->lock = 1;', '}', '']);
    assert.deepEqual(first.lineMap.slice(2, 5), [
      { origin: 'base', baseLine: 11, patchLine: 27 },
      { origin: 'patch', patchLine: 28 },
      { origin: 'base', baseLine: 12, patchLine: 29 },
    ]);
    assert.equal(first.newStart, 9);
    const quoted = hunkPostImages(fileOf('reply-quoting-hunk.eml', 'demo.c'))[0];
    assert.deepEqual(quoted.elisionsAt, [7, 10]);
  });
});

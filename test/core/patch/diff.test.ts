import * as assert from 'node:assert/strict';
import { parsePatchFile, type FilePatch, type PatchFile } from '../../../server/src/core/patch';
import { fixture, fixtureLines } from './helpers';

const parseFixture = (name: string): PatchFile => parsePatchFile(fixture(name), name);
const filesOf = (name: string): FilePatch[] => parseFixture(name).messages.flatMap((m) => m.files);

/** Every hunk line must sit on the original line that holds its prefix and text (quote marks aside). */
function assertLinesMapBack(name: string, quotePrefix = ''): void {
  const original = fixtureLines(name);
  for (const file of filesOf(name)) {
    for (const hunk of file.hunks) {
      assert.ok(original[hunk.headerLine - 1].startsWith(quotePrefix + '@@'), `${name}: header line ${hunk.headerLine}`);
      for (const l of hunk.lines) {
        const raw = original[l.line - 1].slice(quotePrefix.length);
        const expected = l.kind + l.text;
        assert.ok(raw === expected || raw.trimEnd() === expected.trimEnd(), `${name}:${l.line}: "${raw}" vs "${expected}"`);
      }
    }
  }
}

describe('patch diff parser', () => {
  it('reads a two-file format-patch: paths, blob ids, mode, hunk headers and sections', () => {
    const [notes, demo] = filesOf('two-files.patch');
    assert.deepEqual([notes.oldPath, notes.newPath, notes.rawOldPath, notes.rawNewPath], ['NOTES', 'NOTES', 'a/NOTES', 'b/NOTES']);
    assert.deepEqual([demo.oldBlob, demo.newBlob, demo.mode], ['71f9d1d', '888aad3', '100644']);
    assert.equal(demo.hunks.length, 2);
    const [h1, h2] = demo.hunks;
    assert.deepEqual([h1.oldStart, h1.oldCount, h1.newStart, h1.newCount, h1.section], [9, 6, 9, 7, 'struct demo {']);
    assert.deepEqual([h2.oldStart, h2.newStart, h2.section, h2.headerLine], [39, 40, 'int main(void)', 32]);
    assert.deepEqual(h1.lines.map((l) => l.kind).join(''), '   +   ');
    assert.equal(h1.lines[3].line, 28);
    assert.ok(demo.hunks.every((h) => h.countsMatch));
  });

  it('maps every hunk line back to its line in the patch file', () => {
    for (const name of ['two-files.patch', 'series-3.mbox', 'binary.patch', 'no-newline.diff', 'malformed-header.patch', 'wrong-count.patch', 'plain-unified.diff']) {
      assertLinesMapBack(name);
    }
    assertLinesMapBack('reply-quoting-hunk.eml', '> ');
  });

  it('reads renames, new and deleted files and mode changes', () => {
    const files = filesOf('series-3.mbox');
    const rename = files.find((f) => f.isRename)!;
    assert.deepEqual([rename.oldPath, rename.newPath, rename.similarity, rename.hunks.length], ['demo.c', 'lockdemo.c', 87, 1]);
    const deleted = files.find((f) => f.isDeleted)!;
    assert.deepEqual([deleted.oldPath, deleted.newPath, deleted.oldMode, deleted.hunks[0].newCount], ['NOTES', null, '100644', 0]);
    const created = files.find((f) => f.isNew)!;
    assert.deepEqual([created.oldPath, created.newPath, created.newMode, created.hunks[0].oldStart], [null, 'lockdemo.h', '100644', 0]);
    const modeOnly = files.find((f) => f.newPath === 'run.sh')!;
    assert.deepEqual([modeOnly.oldMode, modeOnly.newMode, modeOnly.hunks.length], ['100644', '100755', 0]);
    assert.deepEqual(parseFixture('series-3.mbox').problems, [], 'metadata-only sections are not "without hunks"');
  });

  it('skips binary diffs with a note (GIT binary patch and "Binary files ... differ")', () => {
    const parsed = parseFixture('binary.patch');
    const [logo, tail] = parsed.messages[0].files;
    assert.equal(logo.isBinary, true);
    assert.equal(logo.hunks.length, 0);
    assert.deepEqual(parsed.problems.map((p) => [p.severity, p.line]), [['info', 14]]);
    assert.equal(tail.newPath, 'tail.txt', 'the diff after the base85 blocks is still read');
    const differ = parseFixture('binary-differ.diff');
    assert.equal(differ.messages[0].files[0].isBinary, true);
    assert.match(differ.problems[0].message, /binary diff of logo\.bin skipped/);
  });

  it('records "\\ No newline at end of file" on the line it follows', () => {
    const [file] = filesOf('no-newline.diff');
    const lines = file.hunks[0].lines;
    assert.deepEqual(lines.map((l) => [l.kind, l.noNewlineAtEnd ?? false]), [['-', true], ['+', false], ['+', true]]);
    assert.equal(file.hunks[0].countsMatch, true);
  });

  it('reports a malformed hunk header as an error and keeps reading the next hunk', () => {
    const parsed = parseFixture('malformed-header.patch');
    const [demo, notes, run] = parsed.messages[0].files;
    assert.equal(demo.hunks.length, 1);
    assert.equal(demo.hunks[0].headerLine, 18);
    assert.deepEqual(parsed.problems.map((p) => [p.severity, p.line]),
      [['error', 10], ['warning', 26], ['warning', 30], ['error', 32]]);
    assert.match(parsed.problems[0].message, /malformed hunk header: "@@ -9,6 \+9,x @@/);
    assert.match(parsed.problems[1].message, /file section for NOTES has no hunks/);
    assert.match(parsed.problems[3].message, /combined \(merge\) diff/);
    assert.equal(notes.hunks.length + run.hunks.length, 0);
  });

  it('reports hunk line counts that do not match the header, saying expected and found', () => {
    const parsed = parseFixture('wrong-count.patch');
    assert.deepEqual(parsed.problems.map((p) => [p.severity, p.line, p.message.replace(/^hunk @@[^@]*@@: /, '')]), [
      ['error', 10, 'header expects 6 old / 7 new lines, found 6 old / 8 new'],
      ['error', 19, 'header expects 7 old / 7 new lines, found 4 old / 4 new'],
      ['error', 29, 'header expects 3 old / 4 new lines, found 2 old / 3 new; the input ends inside the hunk'],
    ]);
    const [demo, notes] = parsed.messages[0].files;
    assert.equal(demo.hunks[1].lines.length, 5, 'the next diff --git ends a short hunk');
    assert.equal(notes.newPath, 'NOTES');
    assert.ok([...demo.hunks, ...notes.hunks].every((h) => !h.countsMatch));
  });

  it('ends the diff at the "-- " signature, but reads "-- " inside an incomplete hunk as a removed line', () => {
    const text = 'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n-- \n keep\n-- \n2.39.5\n';
    const parsed = parsePatchFile(text, 'sig.patch');
    const hunk = parsed.messages[0].files[0].hunks[0];
    assert.deepEqual(hunk.lines.map((l) => [l.kind, l.text]), [['-', '- '], [' ', 'keep']]);
    assert.deepEqual(parsed.problems, []);
  });

  it('reads ---/+++ lines inside an incomplete hunk as removed/added lines unless a hunk header follows', () => {
    const text = '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n--- x\n+++ y\n b\n';
    const hunk = parsePatchFile(text, 'dashes.diff').messages[0].files[0].hunks[0];
    assert.deepEqual(hunk.lines.map((l) => l.kind + l.text), [' a', '--- x', '+++ y', ' b']);
    assert.equal(hunk.countsMatch, true);
  });

  it('reads an empty line inside a hunk as an empty context line, with a note', () => {
    const text = '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n';
    const parsed = parsePatchFile(text, 'ws.diff');
    assert.deepEqual(parsed.messages[0].files[0].hunks[0].lines.map((l) => l.kind + l.text), [' a', ' ', '-b', '+c']);
    assert.deepEqual(parsed.problems.map((p) => [p.severity, p.line]), [['info', 5]]);
  });

  it('reads plain diff -u headers: timestamps dropped, one path component stripped', () => {
    const [file] = filesOf('plain-unified.diff');
    assert.deepEqual([file.rawOldPath, file.rawNewPath, file.oldPath, file.newPath], ['a.orig/demo.c', 'a/demo.c', 'demo.c', 'demo.c']);
  });

  it('unquotes C-style quoted path names', () => {
    const text = 'diff --git "a/t\\303\\244st file" "b/t\\303\\244st file"\nnew file mode 100644\nindex 0000000..e69de29\n';
    const [file] = parsePatchFile(text, 'q.diff').messages[0].files;
    assert.deepEqual([file.oldPath, file.newPath, file.isNew], [null, 'täst file', true]);
  });

  describe('quoted diffs in replies', () => {
    it('extracts the quoted hunk, marks it quoted, and turns the reviewer text and [...] into elisions', () => {
      const parsed = parseFixture('reply-quoting-hunk.eml');
      const message = parsed.messages[0];
      assert.equal(message.isReply, true);
      assert.equal(message.quoted, true);
      const [file] = message.files;
      assert.deepEqual([file.quoted, file.quoteDepth, file.newPath], [true, 1, 'demo.c']);
      const hunk = file.hunks[0];
      assert.deepEqual(hunk.elisionsAt, [7, 10]);
      assert.equal(hunk.lines[2].text, '', 'a "> " line is an empty context line');
      assert.deepEqual(parsed.problems.map((p) => [p.severity, p.line]), [['warning', 16]]);
      assert.match(parsed.problems[0].message, /expects 12 old \/ 21 new lines, found 4 old \/ 12 new; the quote leaves lines out/);
    });

    it('reads a quoted hunk without file header as a headerless file (warning, not error)', () => {
      const text = 'Subject: Re: [PATCH] x\n\n> @@ -10,2 +10,2 @@ f()\n>  a\n> -b\n> +c\n\nWhy?\n';
      const parsed = parsePatchFile(text, 'r.eml');
      const [file] = parsed.messages[0].files;
      assert.deepEqual([file.headerless, file.quoted, file.hunks[0].lines.length], [true, true, 3]);
      assert.deepEqual(parsed.problems.map((p) => p.severity), ['warning']);
    });

    it('strips the extra stuffed space of format=flowed quotes', () => {
      const text = 'Subject: Re: x\nContent-Type: text/plain; charset=UTF-8; format=flowed\n\n' +
        '> --- a/f\n> +++ b/f\n> @@ -1,2 +1,2 @@\n>   \tkeep\n> -old\n> +new\n>   \n';
      const [file] = parsePatchFile(text, 'flowed.eml').messages[0].files;
      assert.deepEqual(file.hunks[0].lines.map((l) => l.kind + l.text), [' \tkeep', '-old', '+new']);
      assert.equal(file.hunks[0].countsMatch, true);
    });

    it('parses each quote depth that holds a diff on its own', () => {
      const text = 'Subject: Re: x\n\n>> --- a/f\n>> +++ b/f\n>> @@ -1 +1 @@\n>> -a\n>> +b\n> --- a/g\n> +++ b/g\n> @@ -1 +1 @@\n> -c\n> +d\n';
      const files = parsePatchFile(text, 'deep.eml').messages[0].files;
      assert.deepEqual(files.map((f) => [f.newPath, f.quoteDepth]), [['f', 2], ['g', 1]]);
    });
  });
});

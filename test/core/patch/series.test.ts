import * as assert from 'node:assert/strict';
import {
  buildSeries, hunkStats, parsePatchFile, type FileState, type SeriesResult,
} from '../../../server/src/core/patch';
import { fixture, fixtureBase, fixtureLines } from './helpers';

const seriesInput = () => [{ fileName: 'series-3.mbox', text: fixture('series-3.mbox') }];

function known(state: FileState | undefined): Extract<FileState, { state: 'known' }> {
  assert.ok(state && state.state === 'known', `expected a known file, got ${state?.state}`);
  return state;
}

const fileNamed = (series: SeriesResult, position: number, path: string) =>
  series.patches[position].files.find((f) => f.path === path)!;

describe('patch series', () => {
  it('orders the messages by k/N, cover letter first, whatever the input order', () => {
    const series = buildSeries(seriesInput(), fixtureBase);
    assert.deepEqual(series.patches.map((p) => [p.position, p.role, p.message.subjectInfo?.index]),
      [[0, 'cover', 0], [1, 'patch', 1], [2, 'patch', 2], [3, 'patch', 3]]);
    assert.deepEqual(series.patches[0].files, []);
    assert.deepEqual(series.problems, []);
  });

  it('applies each patch on top of the previous ones, following the rename, new and deleted files', () => {
    const series = buildSeries(seriesInput(), fixtureBase);
    assert.deepEqual(hunkStats(series), { exact: 6, offset: 0, fuzz: 0, failed: 0, noBase: 0 });
    const files = series.finalState.files;
    assert.equal(known(files.get('lockdemo.c')).lines.join('\n') + '\n', fixture('expected/lockdemo.c').toString('utf8'));
    assert.equal(known(files.get('lockdemo.h')).lines.join('\n') + '\n', fixture('expected/lockdemo.h').toString('utf8'));
    assert.equal(files.get('demo.c')?.state, 'deleted', 'renamed away');
    assert.equal(files.get('NOTES')?.state, 'deleted');
    // Patch 2 renames the file patch 1 changed: its pre-image is patch 1's post-image.
    assert.equal(fileNamed(series, 2, 'lockdemo.c').preImage, fileNamed(series, 1, 'demo.c').postImage);
    assert.equal(fileNamed(series, 3, 'NOTES').postImage, '');
    assert.equal(fileNamed(series, 3, 'run.sh').status, 'applied', 'a mode change applies without hunks');
  });

  it('traces every final line to the base or to the + line of the patch that wrote it', () => {
    const series = buildSeries(seriesInput(), fixtureBase);
    const final = known(series.finalState.files.get('lockdemo.c'));
    const mbox = fixtureLines('series-3.mbox');
    const at = (text: string) => final.provenance[final.lines.indexOf(text)];
    assert.deepEqual(at('static int demo_double(struct demo *d)'), { kind: 'patch', position: 1, fileName: 'series-3.mbox', line: 140 });
    assert.equal(mbox[139], '+static int demo_double(struct demo *d)');
    assert.deepEqual(at('#include "lockdemo.h"'), { kind: 'patch', position: 3, fileName: 'series-3.mbox', line: 86 });
    assert.deepEqual(at('struct demo {'), { kind: 'base', path: 'demo.c', line: 5 });
    final.provenance.forEach((p, k) => {
      if (p.kind === 'patch') assert.equal(mbox[p.line - 1], '+' + final.lines[k]);
      else assert.equal(fixtureBase(p.path)!.split('\n')[p.line - 1], final.lines[k]);
    });
  });

  it('reports files without a base as "no base" with per-hunk post-images, not as failures', () => {
    const withoutNotes = (path: string) => (path === 'NOTES' ? undefined : fixtureBase(path));
    const series = buildSeries(seriesInput(), withoutNotes);
    const notes = fileNamed(series, 3, 'NOTES');
    assert.equal(notes.status, 'no-base');
    assert.equal(notes.postImageOnly?.length, 1);
    assert.deepEqual(hunkStats(series), { exact: 5, offset: 0, fuzz: 0, failed: 0, noBase: 1 });
  });

  it('says which patches of k/N are missing and applies the rest without them', () => {
    const mbox = fixture('series-3.mbox').toString('utf8');
    // The file starts with 2/3; drop it.
    const partial = mbox.slice(mbox.indexOf('From 7767d847'));
    assert.ok(!partial.includes('[PATCH 2/3]'));
    const series = buildSeries([{ fileName: 'partial.mbox', text: partial }], fixtureBase);
    assert.deepEqual(series.patches.map((p) => p.message.subjectInfo?.index), [0, 1, 3]);
    assert.deepEqual(series.problems.map((p) => [p.severity, p.message]),
      [['info', 'patches 2 of 3 are not in the input; later patches are applied without them']]);
    assert.equal(fileNamed(series, 2, 'lockdemo.c').status, 'no-base', 'lockdemo.c only exists after the missing rename');
  });

  it('reuses unchanged leading patches and recomputes from the first changed one', () => {
    const first = buildSeries(seriesInput(), fixtureBase);
    const again = buildSeries(seriesInput(), fixtureBase, { reuse: first });
    assert.ok(again.patches.every((p, k) => p.stateAfter === first.patches[k].stateAfter));
    const edited = fixture('series-3.mbox').toString('utf8').replace('+#define DEMO_START 0', '+#define DEMO_START 1');
    const third = buildSeries([{ fileName: 'series-3.mbox', text: edited }], fixtureBase, { reuse: first });
    assert.deepEqual(third.patches.map((p, k) => p.stateAfter === first.patches[k].stateAfter), [true, true, true, false]);
    assert.ok(fileNamed(third, 3, 'lockdemo.h').postImage?.includes('#define DEMO_START 1'));
  });

  it('applies a reply\'s quoted hunks to the state its patch was written for', () => {
    const series = buildSeries([...seriesInput(), { fileName: 'reply.eml', text: fixture('reply-quoting-hunk.eml') }], fixtureBase);
    assert.equal(series.patches.length, 4, 'the reply is not part of the chain');
    const [review] = series.reviews;
    assert.equal(review.target, 1);
    const [file] = review.files;
    assert.equal(file.filePatch.quoted, true);
    assert.equal(file.preImage, fixtureBase('demo.c'));
    assert.deepEqual(file.apply?.hunks.map((h) => h.status), ['exact', 'exact', 'offset']);
  });

  it('reports a patch to a file an earlier patch deleted, and survives a throwing base provider', () => {
    const deleteThenEdit = parsePatchFile(
      '--- a/gone.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n--- a/gone.c\n+++ b/gone.c\n@@ -1 +1 @@\n-x\n+y\n', 'p.diff');
    const series = buildSeries([deleteThenEdit], (path) => (path === 'gone.c' ? 'x\n' : undefined));
    const [deleted, edited] = series.patches[0].files;
    assert.deepEqual([deleted.status, deleted.postImage], ['applied', '']);
    assert.equal(edited.status, 'failed');
    assert.match(edited.problems[0].message, /gone\.c does not exist here/);
    const throwing = buildSeries(seriesInput(), () => { throw new Error('disk on fire'); });
    const renamed = fileNamed(throwing, 1, 'demo.c');
    assert.equal(renamed.status, 'no-base');
    assert.deepEqual(renamed.problems.map((p) => [p.line, p.message]), [[132, 'reading the base of demo.c failed: Error: disk on fire']]);
    assert.equal(hunkStats(throwing).failed, 0);
  });
});

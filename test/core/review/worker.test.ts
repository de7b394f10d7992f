// The series worker (core/review/worker.ts): the same results as a series check in process, kept per
// document between checks, cancellation, and a new thread after the old one was stopped.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker, SeriesWorker } from '../../../server/src/core';
import { FIXTURES } from '../../helpers';

const series = (name: string) => join(FIXTURES, 'series', name);
const MBX = series('demo-series.mbx');
const BASE = { baseFiles: new Map([['*', series('demo-base.c')]]) };

describe('series worker thread', () => {
  let worker: SeriesWorker;
  beforeEach(() => {
    worker = new SeriesWorker({});
  });
  afterEach(() => worker.dispose());

  it('gives the result the series checker gives in process', async () => {
    const input = [{ fileName: MBX, text: readFileSync(MBX, 'utf8') }];
    const inProcess = (await Checker.create()).series().check(input, BASE);
    const inWorker = (await worker.check('demo', input, BASE))!;
    assert.deepEqual(inWorker.findings, inProcess.findings);
    assert.deepEqual(inWorker.patches, inProcess.patches);
    assert.deepEqual([...inWorker.postImages.keys()], [...inProcess.postImages.keys()]);
    assert.ok(inWorker.findings.some((f) => f.rule === 'LOCK-PAIR' && f.severity === 'error'));
  });

  it('answers concurrent checks of several documents, each with its own result', async () => {
    const text = readFileSync(MBX, 'utf8');
    const coverOnly = text.slice(0, text.indexOf('\nFrom ', 10) + 1); // the cover letter alone: no diff
    const [whole, cover] = (await Promise.all([
      worker.check('a', [{ fileName: MBX, text }], BASE),
      worker.check('b', [{ fileName: MBX, text: coverOnly }], BASE),
    ])).map((r) => r!);
    assert.equal(whole.patches.length, 3);
    assert.deepEqual(cover.patches.map((p) => p.role), ['cover']);
    assert.ok(cover.findings.every((f) => f.rule === 'PATCH-INPUT'), 'only says that the patches are missing');
  });

  it('cancels the checks in flight when it is stopped, and starts a new thread for the next check', async () => {
    const input = [{ fileName: MBX, text: readFileSync(MBX, 'utf8') }];
    const inFlight = worker.check('demo', input, BASE);
    await worker.dispose();
    assert.equal(await inFlight, undefined);
    const again = await worker.check('demo', input, BASE);
    assert.equal(again?.patches.length, 3);
  });

  it('cancels the checks of a document, which then resolve to undefined, and checks it again afterwards', async () => {
    const input = [{ fileName: MBX, text: readFileSync(MBX, 'utf8') }];
    const other = worker.check('other', input, BASE);
    const stale = worker.check('demo', input, BASE);
    worker.cancel('demo');
    assert.equal(await stale, undefined);
    assert.equal((await other)?.patches.length, 3, 'another document\'s check is not cancelled');
    assert.equal((await worker.check('demo', input, BASE))?.patches.length, 3);
  });
});

// A patch series is checked in a worker thread: the server keeps answering requests about other documents
// while Dev Jain's 12-patch RFC (seconds of analysis) is checked, and an edit that arrives meanwhile makes
// the stale check's diagnostics go unpublished. Reads the real series from ../shared/corpus.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { FIXTURES, requireShared } from '../helpers';
import { LspTestClient } from './lspTestClient';

describe('patch series in the worker thread (dist/server.js, ../shared/corpus)', function () {
  this.timeout(120_000);
  let client: LspTestClient;
  let dir: string;
  let mbox: string;
  let mboxUri: string;

  before(async () => {
    const seriesDir = requireShared('corpus', 'series');
    const base = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
    dir = mkdtempSync(join(tmpdir(), 'mm-review-series-'));
    mkdirSync(join(dir, 'tree', 'mm'), { recursive: true });
    mkdirSync(join(dir, 'tree', 'include', 'linux'), { recursive: true });
    cpSync(base, join(dir, 'tree', 'mm', 'khugepaged.c'));
    // The series as one b4-style mbox, as a reviewer downloads it.
    mbox = readdirSync(seriesDir).filter((f) => /^dev-jain-rfc-v1-\d\d-12\.patch$/.test(f)).sort()
      .map((f) => `From mboxrd@z Thu Jan  1 00:00:00 1970\n${readFileSync(join(seriesDir, f), 'utf8').replace(/^(>*From )/gm, '>$1')}`)
      .join('\n');
    mboxUri = pathToFileURL(join(dir, 'dev-jain-rfc-v1.mbx')).href;
    client = LspTestClient.start();
    client.settings = { kernelTree: join(dir, 'tree') };
    await client.initialize();
  });
  after(() => {
    client?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a hover on a C file while the series is being checked', async () => {
    const cUri = pathToFileURL(join(FIXTURES, 'lsp', 'lock-leak.c')).href;
    const text = readFileSync(join(FIXTURES, 'lsp', 'lock-leak.c'), 'utf8');
    await client.open(cUri, 'c', text);
    await client.waitForDiagnostics(cUri, () => true);
    await client.open(mboxUri, 'diff', mbox);
    const line = text.split('\n').findIndex((l) => l.includes('spin_lock(&l)'));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cUri }, position: { line, character: 3 } });
    assert.match(JSON.stringify(hover?.contents), /spin_lock/, 'the hover was answered');
    assert.ok(!client.published.some((p) => p.uri === mboxUri), 'before the series check had finished');
    const series = await client.waitForDiagnostics(mboxUri, () => true, 0, 100_000);
    assert.ok(series.diagnostics.some((d) => d.code === 'LOCK-PAIR'), 'and the series was checked');
  });

  it('cancels the check of a version edited while the worker checked it', async () => {
    const from = client.published.length;
    // A '{' typed into the first added line of mm/khugepaged.c in patch 5, and another while the worker
    // re-checks the images of patches 5..12 for the first (hundreds of milliseconds: an unbalanced brace changes
    // every function after it; a blank would be quicker, the images keep their results when only their layout
    // changes).
    const lines = mbox.split('\n');
    const subject = lines.findIndex((l) => l.startsWith('Subject: [RFC PATCH 05/12]'));
    const diff = lines.findIndex((l, i) => i > subject && l.startsWith('diff --git a/mm/khugepaged.c'));
    const line = lines.findIndex((l, i) => i > diff && l.startsWith('+') && !l.startsWith('+++'));
    const typeBrace = { range: { start: { line, character: 1 }, end: { line, character: 1 } }, text: '{' };
    await client.change(mboxUri, 2, [typeBrace]);
    // Version 3 once the worker has started on version 2 (after the debounce).
    const started = `checking ${mboxUri} v2 in the series worker`;
    for (let waited = 0; !client.log.includes(started); waited += 10) {
      assert.ok(waited < 30_000, `the server never logged "${started}":\n${client.log.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await client.change(mboxUri, 3, [typeBrace]);
    await client.waitForDiagnostics(mboxUri, (p) => p.version === 3, from, 100_000);
    const versions = client.published.slice(from).filter((p) => p.uri === mboxUri).map((p) => p.version);
    assert.deepEqual(versions, [3], client.log.join('\n'));
    assert.ok(client.log.some((l) => l.startsWith(`dropped the check of ${mboxUri} v2: cancelled: version 3 arrived`)), client.log.join('\n'));
  });
});

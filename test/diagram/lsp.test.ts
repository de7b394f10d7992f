// mmReview/protocolDiagram and mmReview/simulate over a real LSP connection to the bundled server: the
// function at the cursor of a C document and of a patch, progress notifications, and cancellation.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import {
  protocolDiagramRequest, simulateRequest, simulationProgressNotification, type SimulationProgressParams,
} from '../../server/src/lsp-ext';
import { FIXTURES, REPO_ROOT } from '../helpers';
import { LspTestClient } from '../lsp/lspTestClient';

// The same file the end-to-end panel test opens in its workspace: one copy of the fixture.
const NOSYNC = join(REPO_ROOT, 'test', 'e2e', 'workspace', 'collapse-nosync.c');
const HOSTILE = join(FIXTURES, 'diagram', 'hostile.patch');

/** 0-based line of the first line containing `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
}

describe('diagram requests over LSP', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  const cUri = pathToFileURL(NOSYNC).href;
  const patchUri = pathToFileURL(HOSTILE).href;

  before(async () => {
    client = LspTestClient.start();
    await client.initialize();
    await client.open(cUri, 'c', readFileSync(NOSYNC, 'utf8'));
    await client.open(patchUri, 'diff', readFileSync(HOSTILE, 'utf8'));
  });

  after(async () => {
    await client.shutdownAndExit();
  });

  it('draws the static protocol of the function at the cursor, with its calls on the document\'s lines', async () => {
    const line = lineOf(NOSYNC, 'pmdp_collapse_flush');
    const { model, message } = await client.connection.sendRequest(protocolDiagramRequest, { uri: cUri, position: { line, character: 4 } });
    assert.ok(model, message);
    assert.equal(model.mode, 'static');
    assert.deepEqual(model.lanes.map((l) => l.label), ['collapse_huge_page']);
    assert.ok(model.bands.find((b) => b.id === 'C18')?.missing, 'the GUP-fast sync is missing');
    const flush = model.steps.find((s) => s.op === 'pmdp_collapse_flush');
    assert.deepEqual(flush?.location, { file: cUri, line: line + 1, column: 9 });
  });

  it('says why there is no diagram outside a function', async () => {
    const r = await client.connection.sendRequest(protocolDiagramRequest, { uri: cUri, position: { line: 0, character: 0 } });
    assert.equal(r.model, undefined);
    assert.match(r.message ?? '', /inside a C function/);
  });

  it('simulates the function at the cursor and returns the counterexample as a diagram', async () => {
    const r = await client.connection.sendRequest(simulateRequest, {
      uri: cUri, position: { line: lineOf(NOSYNC, 'mmap_write_lock'), character: 2 }, actors: ['gup-fast'], progressToken: 't1',
    });
    assert.equal(r.verdict, 'violation', r.message);
    assert.equal(r.model?.highlight?.rule, 'GUP-FAST-SYNC');
    assert.deepEqual(r.model?.lanes.map((l) => l.label), ['collapse_huge_page', 'gup-fast']);
    assert.match(r.summary ?? '', /GUP-FAST-SYNC with gup-fast/);
  });

  it('reports progress and stops a simulation when the request is cancelled, answering incomplete', async () => {
    const source = new CancellationTokenSource();
    const started = Date.now();
    const progress: SimulationProgressParams[] = [];
    const listening = client.connection.onNotification(simulationProgressNotification, (p) => {
      progress.push(p);
    });
    const running = client.connection.sendRequest(simulateRequest, {
      uri: cUri, position: { line: lineOf(NOSYNC, 'mmap_write_lock'), character: 2 }, maxSeconds: 120, progressToken: 't2',
      // No violation among these within the default 300 000 states (about 2 s on a fast machine).
      actors: ['fault-vma-lock', 'fault-mmap-lock', 'gup-slow', 'rmap-walk', 'zap', 'cpu-access'],
    }, source.token);
    setTimeout(() => source.cancel(), 600);
    const r = await running;
    assert.equal(r.verdict, 'incomplete', r.summary);
    assert.match(r.summary ?? '', /stopped: cancelled/);
    listening.dispose();
    assert.ok(progress.length > 0 && progress.every((p) => p.progressToken === 't2' && p.statesExplored > 0), JSON.stringify(progress));
    assert.ok(Date.now() - started < 10_000, `answered after ${Date.now() - started} ms`);
  });

  it('rejects unknown actors', async () => {
    const r = await client.connection.sendRequest(simulateRequest, { uri: cUri, position: { line: 30, character: 0 }, actors: ['nobody'] });
    assert.match(r.message ?? '', /Unknown actor: nobody/);
  });

  it('finds the function at a cursor in a patch and places its calls on the patch\'s lines', async () => {
    const line = lineOf(HOSTILE, '+\t_pmd = pmdp_collapse_flush');
    const { model, message } = await client.connection.sendRequest(protocolDiagramRequest, { uri: patchUri, position: { line, character: 3 } });
    assert.ok(model, message);
    const flush = model.steps.find((s) => s.op === 'pmdp_collapse_flush');
    assert.deepEqual(flush?.location, { file: patchUri, line: line + 1, column: 10 }, 'the + line, one column right of the post-image');
    assert.match(model.subtitle ?? '', /after "\[PATCH\] mm: <img src=x/);
  });
});

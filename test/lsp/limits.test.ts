// The per-document analysis limits, set from the client's settings, over the real server: a pathological
// document (functions whose conditional locks give 2^17 lock states) gets ANALYSIS-LIMIT notices saying where
// and why the analysis stopped, and the server keeps answering.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, DidCloseTextDocumentNotification, HoverRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { documentStatsRequest } from '../../server/src/lsp-ext';
import { pathologicalC } from '../robustness/generators';
import { LspTestClient, REPO_ROOT, SERVER_JS } from './lspTestClient';

const LEAK_TEXT = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'lock-leak.c'), 'utf8');
const messageText = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const limitNotices = (ds: Diagnostic[]) => ds.filter((d) => d.code === 'ANALYSIS-LIMIT');

let uriCounter = 0;
const uriOf = (name: string) => `file:///limits/${++uriCounter}/${name}`;

/** Closes a test's documents, so a later settings change does not re-check them ahead of the next test's. */
async function close(client: LspTestClient, ...uris: string[]): Promise<void> {
  for (const uri of uris) await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
}

describe('analysis limits from the settings (dist/server.js)', function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    assert.ok(existsSync(SERVER_JS), `${SERVER_JS} is missing: run \`npm run build\` first`);
    client = LspTestClient.start();
    await client.initialize();
  });
  after(() => client.kill());

  it('stops a pathological document at mmReview.analysisTimeLimitMs and says so, then answers at once', async () => {
    await client.changeSettings({ analysisTimeLimitMs: 300 });
    const uri = uriOf('pathological.c');
    // Four functions of about a second each without a limit: the 300 ms budget runs out in the first.
    await client.open(uri, 'c', pathologicalC(4));
    const p = await client.waitForDiagnostics(uri, (x) => x.diagnostics.length > 0);
    const notices = limitNotices(p.diagnostics);
    assert.ok(notices.length >= 3, `expected a notice per unfinished function, got ${JSON.stringify(p.diagnostics.map(messageText))}`);
    for (const d of notices) {
      assert.equal(d.severity, DiagnosticSeverity.Information);
      assert.match(messageText(d), /^analysis of f\d\(\) stopped after the document's 300 ms budget ran out/);
    }
    const stats = await client.connection.sendRequest(documentStatsRequest, { uri });
    assert.equal(stats?.state, 'analyzed');
    assert.ok(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 3 } }) !== undefined);
    // The server is free for other documents: an ordinary file is fully analysed.
    const leak = uriOf('lock-leak.c');
    await client.open(leak, 'c', LEAK_TEXT);
    const leakFindings = await client.waitForDiagnostics(leak, (x) => x.diagnostics.length > 0);
    assert.deepEqual(leakFindings.diagnostics.map((d) => d.code), ['LOCK-PAIR']);
    await close(client, uri, leak);
  });

  it('finishes a document slower than one budget in slices, keeping the version', async () => {
    await client.changeSettings({ analysisTimeLimitMs: 250 });
    const uri = uriOf('slices.c');
    // 120 functions of 5–20 ms each: about 0.6 s warm, 1.3 s cold, so several budgets in all, and each function
    // fits in one many times over, so that a loaded machine still finishes every function in some slice.
    await client.open(uri, 'c', pathologicalC(120, 6));
    // The functions release what they take: once every one is checked, nothing is left to report.
    const done = await client.waitForDiagnostics(uri, (x) => limitNotices(x.diagnostics).length === 0, 0, 30_000);
    assert.equal(done.version, 1);
    assert.deepEqual(done.diagnostics, []);
    const stats = await client.connection.sendRequest(documentStatsRequest, { uri });
    assert.equal(stats?.functions, 120);
    const slices = client.published.filter((p) => p.uri === uri).length;
    assert.ok(slices >= 2, `the document took ${slices} slice(s)`);
    const continued = client.log.filter((l) => l.startsWith(`continuing the check of ${uri} v1`)).length;
    assert.equal(continued, slices - 1, 'each slice but the last was continued');
    await close(client, uri);
  });

  it('gives up on a function after mmReview.maxStatesPerFunction states', async () => {
    await client.changeSettings({ analysisTimeLimitMs: 0, maxStatesPerFunction: 1000 });
    const uri = uriOf('states.c');
    await client.open(uri, 'c', pathologicalC(2));
    const p = await client.waitForDiagnostics(uri, (x) => limitNotices(x.diagnostics).length === 2);
    for (const d of limitNotices(p.diagnostics)) assert.match(messageText(d), /^analysis of f\d\(\) stopped after 1001 states/);
    await close(client, uri);
  });

  it('applies new limits to documents already open', async () => {
    const uri = uriOf('reopened.c');
    await client.changeSettings({ analysisTimeLimitMs: 0, maxStatesPerFunction: 1000 });
    await client.open(uri, 'c', pathologicalC(1, 6));
    await client.waitForDiagnostics(uri, (x) => limitNotices(x.diagnostics).length === 1);
    const from = client.published.length;
    await client.changeSettings({ analysisTimeLimitMs: 0, maxStatesPerFunction: 200_000 });
    // 2^6 lock states fit in the larger budget: the notice goes away without an edit.
    await client.waitForDiagnostics(uri, (x) => limitNotices(x.diagnostics).length === 0, from);
    await client.changeSettings({});
    await close(client, uri);
  });
});
